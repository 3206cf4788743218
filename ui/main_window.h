#pragma once
// The console's main window, first version: the live request view. A toolbar (pause, clear,
// auto-scroll, filter), the request table over a filter proxy, the selected request's details below
// it, and a status bar with the gateway's state and live request/error counts.

#include "observability/request_record.h"

#include <QMainWindow>
#include <QTimer>

class QAction;
class QLabel;
class QLineEdit;
class QModelIndex;
class QPushButton;
class QSortFilterProxyModel;
class QSplitter;
class QTabWidget;
class QTableView;
class QToolBar;

namespace gatehouse {

class GatewayService;
class RequestDetailView;
class RequestTableModel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // `gateway` may be null (no live records); it must outlive the window otherwise.
    explicit MainWindow(GatewayService* gateway, QWidget* parent = nullptr);
    ~MainWindow() override;

    RequestTableModel* requestModel() const { return model_; }
    QSortFilterProxyModel* requestProxy() const { return proxy_; }
    QTableView* requestTable() const { return table_; }
    RequestDetailView* detailView() const { return detail_; }
    QLineEdit* filterEdit() const { return filterEdit_; }
    // Pages: "Live" first; the others (logs, traces, dashboard, ...) are added by whoever builds them.
    QTabWidget* pages() const { return pages_; }
    int addPage(QWidget* page, const QString& title);

    qint64 requestCount() const { return requestCount_; }
    qint64 errorCount() const { return errorCount_; }
    QString gatewayStatusText() const;   // plain text (the label shows the URL as a link)
    QAction* connectAction() const { return connectAction_; }
    QAction* settingsAction() const { return settingsAction_; }
    QPushButton* fixButton() const { return fixButton_; }   // "Settings…" beside a start failure
    QString countsText() const;
    QLabel* circuitLabel() const { return circuitLabel_; }
    QLabel* connectionsLabel() const { return connectionsLabel_; }   // open client connections
    bool isPaused() const;
    bool isAutoScroll() const { return autoScroll_; }

public Q_SLOTS:
    // What GatewayService::recordsReady is connected to: counts the records and queues them for the table.
    void addRecords(const gatehouse::RecordBatch& batch);
    void setPaused(bool paused);
    void setAutoScroll(bool on);
    void clearRequests();
    // A lasting problem outside the gateway itself (e.g. the request log cannot write): shown in the
    // status bar until the next one replaces it, with the whole text as its tooltip.
    void showProblem(const QString& message);

Q_SIGNALS:
    void connectRequested();    // toolbar "Connect…" or the status bar's URL
    void settingsRequested();   // toolbar "Settings…" or the fix button of a start failure
    void circuitsRequested();   // the status bar's "1 circuit open"

protected:
    void closeEvent(QCloseEvent* event) override;   // remembers geometry and the current page

private:
    void buildToolBar();
    void buildCentral();
    void buildStatusBar();
    void connectGateway();
    void sizeColumns();

    void onGatewayStarted(const QString& baseUrl);
    void onGatewayFailed(const QString& message);
    void onGatewayStopped();
    void showConnections(int count);
    void setGatewayStatus(const QString& text, bool error);
    void onCurrentRowChanged(const QModelIndex& current);
    void onFilterTextChanged(const QString& text);
    void scrollToNewest();
    void updateCounts();

    GatewayService* gateway_ = nullptr;
    RequestTableModel* model_ = nullptr;
    QSortFilterProxyModel* proxy_ = nullptr;
    QTableView* table_ = nullptr;
    RequestDetailView* detail_ = nullptr;
    QSplitter* splitter_ = nullptr;
    QTabWidget* pages_ = nullptr;
    QToolBar* liveToolBar_ = nullptr;
    QString savedPage_;
    QLineEdit* filterEdit_ = nullptr;

    QAction* pauseAction_ = nullptr;
    QAction* clearAction_ = nullptr;
    QAction* autoScrollAction_ = nullptr;
    QAction* connectAction_ = nullptr;
    QAction* settingsAction_ = nullptr;
    QPushButton* fixButton_ = nullptr;
    QString gatewayStatus_;

    QLabel* gatewayLabel_ = nullptr;
    QLabel* problemLabel_ = nullptr;
    QLabel* queuedLabel_ = nullptr;
    QLabel* circuitLabel_ = nullptr;
    QLabel* connectionsLabel_ = nullptr;
    QLabel* countsLabel_ = nullptr;

    QTimer scrollTimer_;   // auto-scroll at most every 100 ms, not on every insert
    bool autoScroll_ = true;
    bool removingRows_ = false;
    bool currentLostInRemoval_ = false;
    quint64 pickSerial_ = 0;   // bumped whenever a row is picked (current row set outside a removal)
    qint64 requestCount_ = 0;
    qint64 errorCount_ = 0;
};

} // namespace gatehouse
