#pragma once
// The request log as a table, newest first: pages fetched from SQLite as the view scrolls
// (canFetchMore/fetchMore, keyset cursor), rows added since the last look prepended in one insert
// (live mode), all through LogQueryWorker so the GUI thread never waits on the disk. Rows keep a slim
// copy of their record (no bodies); the detail pane fetches the full record by row id.

#include "observability/log_filter.h"
#include "observability/log_query.h"

#include <QAbstractTableModel>

#include <optional>
#include <vector>

namespace gatehouse {

class LogQueryWorker;

class LogTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { TimeColumn, EndpointColumn, ProviderColumn, ModelColumn, StatusColumn, LatencyColumn, TokensColumn, TraceColumn, ColumnCount };
    Q_ENUM(Column)
    enum Role { RowIdRole = Qt::UserRole, TraceIdRole, IsErrorRole };
    Q_ENUM(Role)

    static constexpr int kPageSize = 500;
    static constexpr int kNewerLimit = 2000;   // more new rows than this at once: reload from the top

    explicit LogTableModel(LogQueryWorker* worker, QObject* parent = nullptr);

    // Replaces the rows with the newest page matching filter.
    void setFilter(const gatehouse::LogFilter& filter);
    const LogFilter& filter() const { return filter_; }
    // Prepends the rows written since the newest one shown (live mode).
    void refreshNewer();
    bool isLoading() const { return pageInFlight_ || newerInFlight_; }
    bool hasMore() const { return cursor_.has_value(); }

    qint64 rowIdAt(int row) const { return rows_[std::size_t(row)].rowId; }
    const RequestRecord& recordAt(int row) const { return rows_[std::size_t(row)].record; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;

Q_SIGNALS:
    void loaded();   // a page or a set of newer rows has been applied

private:
    struct Row {
        qint64 rowId = 0;
        RequestRecord record;   // without bodies
    };
    void onPage(quint64 ticket, const gatehouse::LogPage& page);
    void onNewer(quint64 ticket, const gatehouse::LogPage& page);
    void requestPage();

    LogQueryWorker* worker_;
    LogFilter filter_;
    std::vector<Row> rows_;
    std::optional<LogCursor> cursor_;   // where the next (older) page starts; empty: no more
    bool firstPagePending_ = false;
    quint64 ticket_ = 0;                // answers to earlier filters are dropped
    bool pageInFlight_ = false;
    bool newerInFlight_ = false;
};

} // namespace gatehouse
