#pragma once
// The Dashboard page: headline numbers, charts (requests by group, error rate, latency percentiles,
// tokens) and a breakdown table over a chosen time range, from the request log. Queries run on a
// worker thread with its own LogReader; new records refresh the page at most every 2 s, and only
// while it is visible.

#include "pages/dashboard_data.h"

#include <QThread>
#include <QTimer>
#include <QWidget>

#include <functional>

class QComboBox;
class QLabel;
class QPushButton;
class QScrollArea;
class QStackedWidget;
class QTableView;

namespace gatehouse {

class CircuitPanel;

class DashboardGroupModel;
class DashboardWorker;
class RefreshThrottle;
class StatTile;
class TimeSeriesChart;

class DashboardPage : public QWidget {
    Q_OBJECT
public:
    static constexpr int kLiveIntervalMs = 2000;

    // logPath empty: the request log is off; the page says so and never queries.
    explicit DashboardPage(const QString& logPath, QWidget* parent = nullptr);
    ~DashboardPage() override;

    // Wall clock (ms since the epoch) that places the range; tests pin it.
    void setClock(std::function<qint64()> nowMs);

    DashboardRange range() const { return range_; }
    void setRange(DashboardRange range);
    GroupBy groupBy() const { return groupBy_; }
    void setGroupBy(const GroupBy& groupBy);

    // What is shown (after the last refreshed()).
    const DashboardData& data() const { return data_; }
    DashboardGroupModel* groupModel() const { return groupModel_; }
    StatTile* requestsTile() const { return requestsTile_; }
    StatTile* errorsTile() const { return errorsTile_; }
    StatTile* latencyTile() const { return latencyTile_; }
    StatTile* tokensTile() const { return tokensTile_; }
    StatTile* costTile() const { return costTile_; }
    StatTile* cacheTile() const { return cacheTile_; }
    QPushButton* manageCacheButton() const { return manageCache_; }
    TimeSeriesChart* requestsChart() const { return requestsChart_; }
    TimeSeriesChart* errorsChart() const { return errorsChart_; }
    TimeSeriesChart* latencyChart() const { return latencyChart_; }
    TimeSeriesChart* tokensChart() const { return tokensChart_; }
    QComboBox* groupCombo() const { return groupCombo_; }
    // The gateway's circuit breakers: connect GatewayService::circuitsChanged to its showSnapshot().
    CircuitPanel* circuitPanel() const { return circuits_; }
    RefreshThrottle* throttle() const { return throttle_; }
    bool isShowingEmptyState() const;
    QString emptyStateText() const;
    bool isLoading() const { return inFlight_; }

public Q_SLOTS:
    // Queries now (or right after the query in flight).
    void refresh();
    // Records were written to the log: refresh, throttled.
    void notifyRecordsWritten();

Q_SIGNALS:
    void refreshed();   // a result was applied to the page
    void manageCacheRequested();   // the cache tile's "Manage…" (the window opens the Cache dialog)

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void buildControls(QWidget* bar);
    void apply(const DashboardData& data);
    void updateGroupChoices(const QStringList& metadataKeys);
    void showEmptyState(const QString& text);
    void onLoaded(const DashboardData& data);

    QString logPath_;
    std::function<qint64()> now_;
    DashboardRange range_ = DashboardRange::LastHour;
    GroupBy groupBy_ = GroupBy::provider();
    DashboardData data_;
    bool inFlight_ = false;
    bool pending_ = false;

    QThread thread_;
    DashboardWorker* worker_ = nullptr;   // lives on thread_
    RefreshThrottle* throttle_ = nullptr;
    QTimer clockTick_;                    // the range slides with time even without new records

    QComboBox* rangeCombo_ = nullptr;
    CircuitPanel* circuits_ = nullptr;
    QComboBox* groupCombo_ = nullptr;
    QLabel* updatedLabel_ = nullptr;
    QStackedWidget* stack_ = nullptr;
    QLabel* emptyLabel_ = nullptr;
    QWidget* content_ = nullptr;
    QScrollArea* contentScroll_ = nullptr;   // holds content_ in the stack
    StatTile* requestsTile_ = nullptr;
    StatTile* errorsTile_ = nullptr;
    StatTile* latencyTile_ = nullptr;
    StatTile* tokensTile_ = nullptr;
    StatTile* costTile_ = nullptr;
    StatTile* cacheTile_ = nullptr;
    QPushButton* manageCache_ = nullptr;
    TimeSeriesChart* requestsChart_ = nullptr;
    TimeSeriesChart* errorsChart_ = nullptr;
    TimeSeriesChart* latencyChart_ = nullptr;
    TimeSeriesChart* tokensChart_ = nullptr;
    DashboardGroupModel* groupModel_ = nullptr;
    QTableView* groupTable_ = nullptr;
};

} // namespace gatehouse
