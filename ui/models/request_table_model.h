#pragma once
// The live request log as a table: records arrive in batches from the gateway, are queued, and are
// flushed into the model at most every flushIntervalMs with one beginInsertRows per flush (and, when
// over the cap, one beginRemoveRows for the oldest rows). Rows share the batches they came in — no
// record is copied — and cell text is computed in data() when a view asks for it.

#include "observability/request_record.h"

#include <QAbstractTableModel>
#include <QTimer>

#include <deque>
#include <memory>
#include <vector>

namespace gatehouse {

class RequestTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        TimeColumn,
        EndpointColumn,   // "POST /v1/chat/completions"
        ProviderColumn,
        ModelColumn,
        StatusColumn,
        LatencyColumn,    // totalMs
        TtfbColumn,       // firstByteMs
        TokensColumn,     // prompt/completion/total
        StreamColumn,
        TraceIdColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    // Typed data for sorting and filtering; every role works on any column of the row.
    enum Role {
        SortRole = Qt::UserRole,   // raw value of the cell's column (number, date time, bool or string)
        ReceivedAtRole,            // QDateTime
        StatusRole,                // int
        LatencyMsRole,             // qint64
        TtfbMsRole,                // qint64, -1 when none
        PromptTokensRole,          // qint64, -1 when unknown
        CompletionTokensRole,      // qint64, -1 when unknown
        TotalTokensRole,           // qint64, -1 when unknown
        StreamRole,                // bool
        ProviderRole,              // QString
        ModelRole,                 // QString
        PathRole,                  // QString
        TraceIdRole,               // QString
        RequestIdRole,             // QString
        IsErrorRole,               // bool: status >= 400, no status, or a gateway error type
        FilterTextRole,            // QString: provider, model, method + path, status and trace id
    };
    Q_ENUM(Role)

    static constexpr int kDefaultMaxRows = 10'000;
    static constexpr int kDefaultFlushIntervalMs = 100;

    explicit RequestTableModel(QObject* parent = nullptr);
    ~RequestTableModel() override;

    // QAbstractItemModel
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // The record shown in `row` (0 <= row < rowCount()). Valid until that row is evicted or cleared.
    const RequestRecord& recordAt(int row) const;
    // The same record with shared ownership: stays valid after eviction.
    std::shared_ptr<const RequestRecord> recordPtrAt(int row) const;

    // Oldest rows are evicted past this many. Applied at the next flush. Minimum 1.
    int maxRows() const { return maxRows_; }
    void setMaxRows(int maxRows);

    int flushIntervalMs() const { return flushIntervalMs_; }
    void setFlushIntervalMs(int ms);

    // While paused, batches keep queuing (bounded by maxRows) and nothing is inserted.
    bool isPaused() const { return paused_; }
    int pendingCount() const { return static_cast<int>(pendingRecords_); }

    static bool isError(const RequestRecord& r);

public Q_SLOTS:
    // Queues a batch; the first batch into an empty queue schedules a flush.
    void appendBatch(const gatehouse::RecordBatch& batch);
    // Inserts everything queued now (no-op when paused or nothing is queued).
    void flush();
    void setPaused(bool paused);
    // Drops all rows and everything queued.
    void clear();

Q_SIGNALS:
    void pausedChanged(bool paused);
    // After each flush: how many rows came in and how many old ones were evicted.
    void flushed(int inserted, int evicted);

private:
    using RecordPtr = std::shared_ptr<const RequestRecord>;

    void scheduleFlush();
    QVariant displayText(const RequestRecord& r, int column) const;
    QVariant sortValue(const RequestRecord& r, int column) const;

    std::deque<RecordPtr> rows_;            // each aliases the batch it came in (no copy)
    std::deque<RecordBatch> pending_;       // batches waiting for the next flush
    qsizetype pendingRecords_ = 0;
    QTimer flushTimer_;
    int maxRows_ = kDefaultMaxRows;
    int flushIntervalMs_ = kDefaultFlushIntervalMs;
    bool paused_ = false;
};

} // namespace gatehouse
