#include "observability/log_query.h"

#include "observability/log_schema.h"
#include "observability/percentile.h"
#include "observability/request_row.h"

#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>
#include <map>
#include <utility>

namespace gatehouse {

namespace {

constexpr qint64 kMinuteMs = 60 * 1000;

bool run(QSqlQuery& q, const QString& sql, const QVariantList& values, QString* error)
{
    error->clear();   // lastError() is that of the last call: empty after a success
    q.setForwardOnly(true);   // no client-side row cache for a one-pass read
    if (!q.prepare(sql)) {
        *error = q.lastError().text();
        return false;
    }
    for (qsizetype i = 0; i < values.size(); ++i)
        q.bindValue(int(i), values[i]);
    if (!q.exec()) {
        *error = q.lastError().text();
        return false;
    }
    return true;
}

// Floor division: buckets before 1970 would otherwise round towards zero.
qint64 bucketOf(qint64 ms, qint64 bucketMs)
{
    return (ms >= 0 ? ms / bucketMs : (ms - bucketMs + 1) / bucketMs) * bucketMs;
}

} // namespace

bool LogReader::open(const QString& path, QString* error)
{
    QString e;
    if (!db_.open(path, SqliteConnection::Mode::ReadOnly, &e)) {
        if (error)
            *error = QStringLiteral("cannot open the request log %1: %2").arg(path, e);
        return false;
    }
    const int version = logSchemaVersion(db_);
    // Readers never migrate (read-only); the writer upgrades an older file when it opens it.
    if (version != kLogSchemaVersion) {
        if (error)
            *error = QStringLiteral("%1 is not a request log this build can read (schema %2, expected %3%4)")
                         .arg(path).arg(version).arg(kLogSchemaVersion)
                         .arg(version >= 1 && version < kLogSchemaVersion ? QStringLiteral("; the gateway upgrades it when it opens the log") : QString());
        db_.close();
        return false;
    }
    fullText_ = gatehouse::hasFullTextIndex(db_);
    return true;
}

LogPage LogReader::query(const LogFilter& filter, int limit, const std::optional<LogCursor>& after, LogBodies bodies)
{
    LogPage page;
    if (limit <= 0)
        return page;
    SqlCondition c = sqlCondition(filter, fullText_);
    if (after) {
        // Row-value comparison: one range scan of the (received_ms, rowid) index.
        c.where += c.where.isEmpty() ? QStringLiteral(" WHERE ") : QStringLiteral(" AND ");
        c.where += QStringLiteral("(r.received_ms, r.id) < (?, ?)");
        c.values << after->receivedMs << after->rowId;
    }
    c.values << limit + 1;   // one more than asked: tells whether a next page exists
    const QString sql = QStringLiteral("SELECT %1 FROM requests r%2 ORDER BY r.received_ms DESC, r.id DESC LIMIT ?")
                            .arg(request_row::selectColumns(bodies == LogBodies::Include), c.where);
    QSqlQuery q(db_.db());
    if (!run(q, sql, c.values, &lastError_))
        return page;
    while (q.next()) {
        if (int(page.rows.size()) == limit) {
            page.next = LogCursor{page.rows.back().receivedAt.toMSecsSinceEpoch(), page.rowIds.back()};
            break;
        }
        page.rowIds.push_back(request_row::readRowId(q));
        page.rows.push_back(request_row::read(q));
    }
    return page;
}

LogPage LogReader::newer(const LogFilter& filter, qint64 afterRowId, int limit)
{
    LogPage page;
    SqlCondition c = sqlCondition(filter, fullText_);
    c.where += c.where.isEmpty() ? QStringLiteral(" WHERE ") : QStringLiteral(" AND ");
    c.where += QStringLiteral("r.id > ?");
    c.values << afterRowId << limit;
    const QString sql = QStringLiteral("SELECT %1 FROM requests r%2 ORDER BY r.id DESC LIMIT ?")
                            .arg(request_row::selectColumns(false), c.where);
    QSqlQuery q(db_.db());
    if (!run(q, sql, c.values, &lastError_))
        return page;
    while (q.next()) {
        page.rowIds.push_back(request_row::readRowId(q));
        page.rows.push_back(request_row::read(q));
    }
    return page;
}

std::optional<RequestRecord> LogReader::record(qint64 rowId)
{
    QSqlQuery q(db_.db());
    if (!run(q, QStringLiteral("SELECT %1 FROM requests r WHERE r.id = ?").arg(request_row::selectColumns(true)),
             {rowId}, &lastError_)
        || !q.next())
        return std::nullopt;
    return request_row::read(q);
}

qint64 LogReader::count(const LogFilter& filter)
{
    const SqlCondition c = sqlCondition(filter, fullText_);
    QSqlQuery q(db_.db());
    if (!run(q, QStringLiteral("SELECT count(*) FROM requests r") + c.where, c.values, &lastError_) || !q.next())
        return -1;
    return q.value(0).toLongLong();
}

std::vector<TraceSummary> LogReader::traces(const LogFilter& filter, int limit)
{
    std::vector<TraceSummary> out;
    const SqlCondition c = sqlCondition(filter, fullText_);
    QVariantList values = c.values;
    values << limit;
    // Grouped on the trace index. The bare r.model is taken from one of the group's rows (SQLite).
    const QString sql = QStringLiteral(
        "SELECT r.trace_id, min(r.received_ms), max(r.received_ms + r.total_ms) - min(r.received_ms), count(*),"
        " sum(r.status >= 400 OR r.status = 0), total(r.total_tokens), r.model"
        " FROM requests r%1 GROUP BY r.trace_id ORDER BY min(r.received_ms) DESC LIMIT ?").arg(c.where);
    QSqlQuery q(db_.db());
    if (!run(q, sql, values, &lastError_))
        return out;
    while (q.next()) {
        TraceSummary t;
        t.traceId = q.value(0).toString();
        t.startedAtMs = q.value(1).toLongLong();
        t.durationMs = q.value(2).toDouble();
        t.requests = q.value(3).toLongLong();
        t.errors = q.value(4).toLongLong();
        t.totalTokens = qint64(q.value(5).toDouble());
        t.model = q.value(6).toString();
        out.push_back(std::move(t));
    }
    return out;
}

std::vector<KeyUsage> LogReader::usageByVirtualKey(qint64 fromMs)
{
    std::vector<KeyUsage> out;
    QSqlQuery q(db_.db());
    // cost_usd is NULL where the price was unknown; TOTAL() skips those and never answers NULL.
    if (!run(q, QStringLiteral("SELECT virtual_key, count(*), TOTAL(cost_usd) FROM requests WHERE received_ms >= ? AND virtual_key <> ''"
                               " GROUP BY virtual_key"),
             {fromMs}, &lastError_))
        return out;
    while (q.next())
        out.push_back({q.value(0).toString(), q.value(1).toLongLong(), q.value(2).toDouble()});
    return out;
}

qint64 LogReader::lastUseOfConfig(const QString& configId)
{
    QSqlQuery q(db_.db());
    if (!run(q, QStringLiteral("SELECT max(received_ms) FROM requests WHERE config_id = ?"), {configId}, &lastError_) || !q.next())
        return 0;
    return q.value(0).toLongLong();   // NULL (never used) reads as 0
}

std::vector<RequestRecord> LogReader::traceRecords(const QString& traceId, int limit)
{
    std::vector<RequestRecord> out;
    QSqlQuery q(db_.db());
    const QString sql = QStringLiteral("SELECT %1 FROM requests r WHERE r.trace_id = ? ORDER BY r.received_ms, r.id LIMIT ?")
                            .arg(request_row::selectColumns(false));
    if (!run(q, sql, {traceId, limit}, &lastError_))
        return out;
    while (q.next())
        out.push_back(request_row::read(q));
    return out;
}

std::vector<MinuteStats> LogReader::aggregatePerMinute(const LogFilter& filter, const GroupBy& groupBy)
{
    return aggregate(filter, groupBy, kMinuteMs);
}

std::vector<MinuteStats> LogReader::aggregate(const LogFilter& filter, const GroupBy& groupBy, qint64 bucketMs)
{
    const qint64 wholeStart = filter.from ? filter.from->toMSecsSinceEpoch() : 0;
    std::vector<MinuteStats> out;
    const SqlCondition c = sqlCondition(filter, fullText_);
    QString group = QStringLiteral("''");
    QString join;
    QVariantList values;
    switch (groupBy.kind) {
    case GroupBy::Kind::None: break;
    case GroupBy::Kind::Provider: group = QStringLiteral("r.provider"); break;
    case GroupBy::Kind::Model: group = QStringLiteral("r.model"); break;
    case GroupBy::Kind::Metadata:
        group = QStringLiteral("coalesce(g.value, '')");
        join = QStringLiteral(" LEFT JOIN request_metadata g ON g.request_rowid = r.id AND g.key = ?");
        values << groupBy.metadataKey;
        break;
    }
    values << c.values;
    const QString sql = QStringLiteral("SELECT r.received_ms, %1, r.status, r.total_ms, r.prompt_tokens,"
                                       " r.completion_tokens, r.total_tokens, r.cost_usd, r.price_known, r.cache_status, r.cache_saved_usd"
                                       " FROM requests r%2%3")
                            .arg(group, join, c.where);
    QSqlQuery q(db_.db());
    if (!run(q, sql, values, &lastError_))
        return out;

    struct Bucket {
        MinuteStats stats;
        std::vector<double> latencies;
    };
    std::map<std::pair<qint64, QString>, Bucket> buckets;
    while (q.next()) {
        const qint64 minute = bucketMs > 0 ? bucketOf(q.value(0).toLongLong(), bucketMs) : wholeStart;
        QString name = q.value(1).toString();
        Bucket& b = buckets[{minute, name}];
        MinuteStats& s = b.stats;
        if (s.count == 0) {
            s.minuteMs = minute;
            s.group = std::move(name);
        }
        ++s.count;
        const int status = q.value(2).toInt();
        if (status >= 400 || status == 0)
            ++s.errors;
        if (status >= 500)
            ++s.serverErrors;
        else if (status >= 400)
            ++s.clientErrors;
        b.latencies.push_back(q.value(3).toDouble());
        // NULL: the upstream did not report usage; it adds nothing.
        s.promptTokens += q.value(4).toLongLong();
        s.completionTokens += q.value(5).toLongLong();
        s.totalTokens += q.value(6).toLongLong();
        if (q.value(8).toInt()) {   // cost only where the catalog knew the price
            s.costUsd += q.value(7).toDouble();
            ++s.priced;
        }
        const QString cache = q.value(9).toString();
        if (!cache.isEmpty() && cache != QLatin1String("DISABLED")) {
            ++s.cacheLookups;
            if (cache.endsWith(QLatin1String("HIT"))) {
                ++s.cacheHits;
                if (!q.value(10).isNull()) {   // NULL: the price was unknown
                    s.cacheSavedUsd += q.value(10).toDouble();
                    ++s.cacheHitsPriced;
                }
            }
        }
    }
    out.reserve(buckets.size());
    for (auto& [key, b] : buckets) {
        std::sort(b.latencies.begin(), b.latencies.end());
        b.stats.p50Ms = nearestRankPercentile(b.latencies, 50);
        b.stats.p95Ms = nearestRankPercentile(b.latencies, 95);
        b.stats.p99Ms = nearestRankPercentile(b.latencies, 99);
        out.push_back(std::move(b.stats));
    }
    return out;
}

QStringList LogReader::metadataKeys(int limit)
{
    // A skip scan over the (key, value) index: each step seeks the next larger key.
    static const QString sql = QStringLiteral(
        "WITH RECURSIVE k(key) AS (SELECT min(key) FROM request_metadata"
        " UNION ALL SELECT (SELECT min(key) FROM request_metadata WHERE key > k.key) FROM k WHERE k.key IS NOT NULL)"
        " SELECT key FROM k WHERE key IS NOT NULL LIMIT ?");
    QStringList keys;
    QSqlQuery q(db_.db());
    if (!run(q, sql, {limit}, &lastError_))
        return keys;
    while (q.next())
        keys << q.value(0).toString();
    return keys;
}

} // namespace gatehouse
