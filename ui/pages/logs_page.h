#pragma once
// The Logs page: the persistent request log, newest first, with a filter bar (the syntax of
// log_filter_syntax.h, checked as you type), live updates while visible, the selected request in
// full, "Copy as curl" and a jump to its trace.

#include <QTimer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QToolButton;

namespace gatehouse {

class GatewayService;
class LogQueryWorker;
class LogTableModel;
class RequestDetailView;
struct RequestRecord;

class LogsPage : public QWidget {
    Q_OBJECT
public:
    static constexpr int kLiveIntervalMs = 1000;

    // worker: shared with other pages; gateway (may be null) gives the base URL for curl.
    LogsPage(LogQueryWorker* worker, GatewayService* gateway, QWidget* parent = nullptr);

    LogTableModel* model() const { return model_; }
    QLineEdit* filterEdit() const { return filterEdit_; }
    QLabel* filterError() const { return filterError_; }
    QTableView* table() const { return table_; }
    RequestDetailView* detail() const { return detail_; }
    QString curlForCurrent() const;
    bool isLive() const;
    void setLive(bool live);

public Q_SLOTS:
    // Applies the filter text now (it is also applied 300 ms after typing stops, or on Enter).
    void applyFilter();
    void refresh();
    // Writes the rows the current filter matches to path: CSV for a .csv name, else JSON lines.
    // exportFinished reports the outcome. The Export button asks for the path first.
    void exportTo(const QString& path);

Q_SIGNALS:
    void openTrace(const QString& traceId);
    void exportFinished(qint64 rows, const QString& error);

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void onCurrentChanged(int row);
    void showRecord(const RequestRecord& record);
    void updateStatus();

    LogQueryWorker* worker_;
    GatewayService* gateway_;
    LogTableModel* model_ = nullptr;
    QLineEdit* filterEdit_ = nullptr;
    QLabel* filterError_ = nullptr;
    QToolButton* liveButton_ = nullptr;
    QLabel* statusLabel_ = nullptr;
    QTableView* table_ = nullptr;
    RequestDetailView* detail_ = nullptr;
    QPushButton* curlButton_ = nullptr;
    QPushButton* traceButton_ = nullptr;
    QTimer filterDelay_;
    QTimer liveTimer_;
    quint64 recordTicket_ = 0;
    quint64 exportTicket_ = 0;
    qint64 shownRowId_ = -1;
    QString shownCurl_;
    QString shownTrace_;
};

} // namespace gatehouse
