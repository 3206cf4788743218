#pragma once
// The Traces page: traces (requests sharing a trace id) newest first, filtered with the Logs
// syntax; the selected trace as a tree of spans with a waterfall timeline.

#include <QTimer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QTableView;
class QTreeView;

namespace gatehouse {

class LogQueryWorker;
class TraceListModel;
class TraceTreeModel;

class TracesPage : public QWidget {
    Q_OBJECT
public:
    static constexpr int kMaxTraces = 500;
    static constexpr int kLiveIntervalMs = 2000;   // the list follows new traffic while the page is visible

    explicit TracesPage(LogQueryWorker* worker, QWidget* parent = nullptr);

    TraceListModel* listModel() const { return list_; }
    TraceTreeModel* treeModel() const { return tree_; }
    QTableView* listView() const { return listView_; }
    QTreeView* treeView() const { return treeView_; }
    QLineEdit* filterEdit() const { return filterEdit_; }
    QString shownTraceId() const { return shownTrace_; }

public Q_SLOTS:
    void refresh();
    // Shows this trace (also when it is not in the current list, e.g. from the Logs page).
    void showTrace(const QString& traceId);

Q_SIGNALS:
    void traceShown(const QString& traceId);   // its tree is on screen

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    LogQueryWorker* worker_;
    TraceListModel* list_ = nullptr;
    TraceTreeModel* tree_ = nullptr;
    QLineEdit* filterEdit_ = nullptr;
    QLabel* filterError_ = nullptr;
    QTableView* listView_ = nullptr;
    QTreeView* treeView_ = nullptr;
    QLabel* summary_ = nullptr;
    quint64 listTicket_ = 0;
    quint64 treeTicket_ = 0;
    QString shownTrace_;
    QTimer liveTimer_;
};

} // namespace gatehouse
