#pragma once
// Reading the request log: filtered pages of records, newest first with keyset pagination, and
// per-minute aggregates. A LogReader opens its own read-only connection on the thread that calls
// open() and must be used only there (the GUI thread or a worker); WAL lets it read while the
// store's writer writes.

#include "observability/log_filter.h"
#include "observability/request_record.h"
#include "observability/sqlite_connection.h"

#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace gatehouse {

// Position after the last row of a page: (received_ms, rowid), the order's own key, so pages stay
// free of duplicates and gaps while new rows arrive (unlike OFFSET).
struct LogCursor {
    qint64 receivedMs = 0;
    qint64 rowId = 0;
    friend bool operator==(const LogCursor&, const LogCursor&) = default;
};

struct LogPage {
    std::vector<RequestRecord> rows;   // received time descending, then row id descending
    std::vector<qint64> rowIds;        // parallel to rows: LogReader::record(rowId) fetches one again
    std::optional<LogCursor> next;     // set when more rows may follow
};

enum class LogBodies { Include, Omit };

struct GroupBy {
    enum class Kind { None, Provider, Model, Metadata };
    Kind kind = Kind::None;
    QString metadataKey;   // Kind::Metadata: requests without this key form the group ""

    static GroupBy none() { return {}; }
    static GroupBy provider() { return {Kind::Provider, {}}; }
    static GroupBy model() { return {Kind::Model, {}}; }
    static GroupBy metadata(const QString& key) { return {Kind::Metadata, key}; }
};

// One minute (UTC, by received time) of one group, or one bucket of LogReader::aggregate().
struct MinuteStats {
    qint64 minuteMs = 0;       // start of the minute (of the bucket), ms since the epoch
    QString group;             // empty for GroupBy::none()
    qint64 count = 0;
    qint64 errors = 0;         // status >= 400 or 0
    qint64 clientErrors = 0;   // 4xx (part of errors)
    qint64 serverErrors = 0;   // >= 500 (part of errors); errors - both = no answer at all (status 0)
    double p50Ms = 0;          // total latency, nearest-rank percentiles (percentile.h)
    double p95Ms = 0;
    double p99Ms = 0;
    qint64 promptTokens = 0;   // sums over the requests that reported usage
    qint64 completionTokens = 0;
    qint64 totalTokens = 0;
    double costUsd = 0;        // sum over the requests whose price was known
    qint64 priced = 0;         // how many requests that was
    qint64 cacheLookups = 0;   // requests the response cache was consulted for (any status but DISABLED / none)
    qint64 cacheHits = 0;      // HIT and SEMANTIC HIT
    double cacheSavedUsd = 0;  // catalog price of the answers served from the cache (priced hits only)
    qint64 cacheHitsPriced = 0;   // hits whose price was known: "saved" is unknown when this is 0
};

// One trace in a list of traces: its requests that match the filter, summed.
struct TraceSummary {
    QString traceId;
    qint64 startedAtMs = 0;    // earliest received
    double durationMs = 0;     // earliest received to latest end (received + total time)
    qint64 requests = 0;
    qint64 errors = 0;         // status >= 400 or 0
    qint64 totalTokens = 0;
    QString model;             // one of the trace's models, to recognise the run
};

// One virtual key's requests since some time: what budgets are rebuilt from at start.
struct KeyUsage {
    QString virtualKey;
    qint64 requests = 0;
    double costUsd = 0;        // sum over the requests whose price was known
};

class LogReader {
public:
    LogReader() = default;
    bool open(const QString& path, QString* error = nullptr);
    void close() { db_.close(); }
    bool isOpen() const { return db_.isOpen(); }
    bool hasFullTextIndex() const { return fullText_; }
    QString lastError() const { return lastError_; }   // of the last call; empty when it succeeded

    // Up to limit rows matching filter, after the cursor (nullopt: the newest). On error: an empty
    // page and lastError().
    LogPage query(const LogFilter& filter, int limit, const std::optional<LogCursor>& after = std::nullopt,
                  LogBodies bodies = LogBodies::Include);
    // Rows added after afterRowId (ids only grow) that match filter, newest first, at most limit:
    // what a live view prepends. page.next is unused.
    LogPage newer(const LogFilter& filter, qint64 afterRowId, int limit);
    std::optional<RequestRecord> record(qint64 rowId);
    qint64 count(const LogFilter& filter);

    // Traces with at least one request matching filter, most recently started first; at most limit.
    std::vector<TraceSummary> traces(const LogFilter& filter, int limit);
    // Every request of one trace (no bodies), oldest first: what buildTraceTree() takes.
    std::vector<RequestRecord> traceRecords(const QString& traceId, int limit = 10000);

    // Ordered by minute, then group.
    std::vector<MinuteStats> aggregatePerMinute(const LogFilter& filter, const GroupBy& groupBy = {});
    // The same over buckets of bucketMs (> 0), aligned to multiples of bucketMs since the epoch (UTC),
    // with each bucket's own exact percentiles (minute percentiles cannot be merged). bucketMs <= 0:
    // one bucket per group over the whole filter, starting at filter.from (0 without one).
    std::vector<MinuteStats> aggregate(const LogFilter& filter, const GroupBy& groupBy, qint64 bucketMs);

    // Per virtual key, the requests received at or after fromMs (requests without a key are left out).
    std::vector<KeyUsage> usageByVirtualKey(qint64 fromMs);

    // When a request last named this config (received time, ms), or 0 when none did. One index seek.
    qint64 lastUseOfConfig(const QString& configId);

    // Distinct metadata keys, sorted, at most limit: what a "group by" choice can offer. One index
    // seek per key, so it stays fast on millions of rows.
    QStringList metadataKeys(int limit = 100);

private:
    SqliteConnection db_;
    bool fullText_ = false;
    QString lastError_;
};

} // namespace gatehouse
