#pragma once
// Cache: the response cache's namespaces with their entries and size, and Clear per namespace or
// Clear all. Non-modal; asks the GatewayService, which works on the gateway thread (memory, then the
// file on the cache store's thread) or, with the gateway stopped, on a pool thread: the window never
// touches the database.

#include "cache/cache_namespace_stats.h"

#include <QDialog>

class QLabel;
class QPushButton;
class QTableView;

namespace gatehouse {

class CacheNamespaceModel;
class GatewayService;

class CacheDialog : public QDialog {
    Q_OBJECT
public:
    explicit CacheDialog(GatewayService* gateway, QWidget* parent = nullptr);

    CacheNamespaceModel* model() const { return model_; }
    QTableView* table() const { return table_; }
    QPushButton* clearSelectedButton() const { return clearSelected_; }
    QPushButton* clearAllButton() const { return clearAll_; }
    QPushButton* refreshButton() const { return refresh_; }
    QLabel* statusLabel() const { return status_; }
    bool isBusy() const { return busy_; }   // a listing or clearing is outstanding

public Q_SLOTS:
    void refresh();
    void clearSelectedNamespace();
    void clearAllNamespaces();

Q_SIGNALS:
    void listed();   // the table shows a new listing

private:
    void setBusy(bool busy);
    void onListed(const CacheNamespaceList& namespaces, const QString& error);
    void onCleared(qint64 removed, const QString& error);
    void updateButtons();

    GatewayService* gateway_;
    CacheNamespaceModel* model_ = nullptr;
    QTableView* table_ = nullptr;
    QLabel* status_ = nullptr;
    QLabel* summary_ = nullptr;
    QPushButton* refresh_ = nullptr;
    QPushButton* clearSelected_ = nullptr;
    QPushButton* clearAll_ = nullptr;
    bool busy_ = false;
    QString lastCleared_;   // what the status line reports after a clear
};

} // namespace gatehouse
