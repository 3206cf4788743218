// LogReader: filtered pages of the request log (every filter, keyset pagination under concurrent
// writes, full-text search and its LIKE fallback) and per-minute aggregates with exact percentiles.
#include "log_test_records.h"

#include "observability/log_filter.h"
#include "observability/log_query.h"
#include "observability/log_store.h"
#include "observability/percentile.h"
#include "observability/sqlite_connection.h"

#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <functional>
#include <map>
#include <numeric>
#include <random>
#include <set>

using namespace gatehouse;
using namespace logtest;

namespace {

constexpr qint64 kBase = 1'699'999'980'000;   // 2023-11-14T22:13:00Z: a whole minute
static_assert(kBase % 60'000 == 0);
constexpr int kRecords = 700;

// The tokens FTS5's default tokenizer makes of ASCII text: runs of letters and digits, lower-cased.
std::set<QString> tokens(const QByteArray& body)
{
    std::set<QString> out;
    const QString text = QString::fromLatin1(body).toLower();
    for (const QString& t : text.split(QRegularExpression(QStringLiteral("[^a-z0-9]+")), Qt::SkipEmptyParts))
        out.insert(t);
    return out;
}

bool hasToken(const RequestRecord& r, const QString& word)
{
    return tokens(r.requestBody).count(word) || tokens(r.responseBody).count(word);
}

bool isError(int status) { return status >= 400 || status == 0; }

struct FilterCase {
    const char* name;
    LogFilter filter;
    std::function<bool(const RequestRecord&)> matches;
    bool selectsAllOrNothing;   // otherwise the case must select some rows but not all
};

std::vector<QString> allIds(LogReader& reader, const LogFilter& filter, int pageSize)
{
    std::vector<QString> ids;
    std::optional<LogCursor> cursor;
    do {
        const LogPage page = reader.query(filter, pageSize, cursor, LogBodies::Omit);
        for (const RequestRecord& r : page.rows)
            ids.push_back(r.requestId);
        cursor = page.next;
    } while (cursor);
    return ids;
}

} // namespace

class TestLogQuery : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void eachFilter();
    void pagesAndCursor();
    void recordByRowId();
    void paginationDuringConcurrentWrites();
    void fullTextSearchFindsPromptWord();
    void fullTextFallsBackToLike();
    void fullTextQueryQuotesInput();
    void nearestRankPercentile();
    void aggregatesPerMinute();
    void aggregatesGroupedByMetadata();
    void tracesListAndRecords();
    void aggregatesInLargerBuckets();
    void aggregatesWholeRange();
    void listsMetadataKeys();

private:
    QTemporaryDir dir_;
    QString path_;
    std::vector<RequestRecord> records_;   // as written, oldest first
};

void TestLogQuery::initTestCase()
{
    path_ = dir_.filePath(QStringLiteral("query.sqlite3"));
    for (int i = 0; i < kRecords; ++i)
        records_.push_back(makeRecord(i, kBase + qint64(i) * 1000));
    LogStore store;
    QString error;
    QVERIFY2(store.open(path_, &error), qPrintable(error));
    for (int i = 0; i < kRecords; i += 70)
        store.append(batchOf({records_.begin() + i, records_.begin() + i + 70}));
    store.flushAndWait();
    QCOMPARE(store.written(), kRecords);
}

void TestLogQuery::eachFilter()
{
    const auto time = [](qint64 ms) { return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC); };
    const auto meta = [](const RequestRecord& r, const char* key) {
        const auto it = r.metadata.find(key);
        return it == r.metadata.end() ? std::string("\x01none") : it->second;
    };
    std::vector<FilterCase> cases;
    const auto add = [&](const char* name, auto setup, std::function<bool(const RequestRecord&)> pred,
                         bool allOrNothing = false) {
        LogFilter f;
        setup(f);
        cases.push_back({name, f, std::move(pred), allOrNothing});
    };
    add("none", [](LogFilter&) {}, [](const RequestRecord&) { return true; }, true);
    add("time range", [&](LogFilter& f) { f.from = time(kBase + 100'000); f.until = time(kBase + 200'000); },
        [](const RequestRecord& r) {
            const qint64 ms = r.receivedAt.toMSecsSinceEpoch();
            return ms >= kBase + 100'000 && ms < kBase + 200'000;
        });
    add("from only", [&](LogFilter& f) { f.from = time(kBase + 650'500); },
        [](const RequestRecord& r) { return r.receivedAt.toMSecsSinceEpoch() >= kBase + 650'500; });
    add("2xx", [](LogFilter& f) { f.statusClass = StatusClass::Success2xx; },
        [](const RequestRecord& r) { return r.status >= 200 && r.status < 300; });
    add("4xx", [](LogFilter& f) { f.statusClass = StatusClass::ClientError4xx; },
        [](const RequestRecord& r) { return r.status >= 400 && r.status < 500; });
    add("5xx", [](LogFilter& f) { f.statusClass = StatusClass::ServerError5xx; },
        [](const RequestRecord& r) { return r.status >= 500 && r.status < 600; });
    add("errors", [](LogFilter& f) { f.statusClass = StatusClass::Error; },
        [](const RequestRecord& r) { return isError(r.status); });
    add("exact 429", [](LogFilter& f) { f.status = 429; f.statusClass = StatusClass::Success2xx; },
        [](const RequestRecord& r) { return r.status == 429; });
    add("exact 0", [](LogFilter& f) { f.status = 0; }, [](const RequestRecord& r) { return r.status == 0; });
    add("provider", [](LogFilter& f) { f.provider = QStringLiteral("anthropic"); },
        [](const RequestRecord& r) { return r.provider == QStringLiteral("anthropic"); });
    add("model", [](LogFilter& f) { f.model = QStringLiteral("mock-gpt"); },
        [](const RequestRecord& r) { return r.model == QStringLiteral("mock-gpt"); });
    add("trace id", [](LogFilter& f) { f.traceId = QStringLiteral("trace-7"); },
        [](const RequestRecord& r) { return r.traceId == QStringLiteral("trace-7"); });
    add("virtual key", [](LogFilter& f) { f.virtualKey = QStringLiteral("team-openai"); },
        [](const RequestRecord& r) { return r.virtualKey == QStringLiteral("team-openai"); });
    add("config id", [](LogFilter& f) { f.configId = QStringLiteral("pc-team"); },
        [](const RequestRecord& r) { return r.configId == QStringLiteral("pc-team"); });
    add("metadata key=value", [](LogFilter& f) { f.metadata = {{QStringLiteral("_user"), QStringLiteral("user-3")}}; },
        [&](const RequestRecord& r) { return meta(r, "_user") == "user-3"; });
    add("two metadata pairs", [](LogFilter& f) {
            f.metadata = {{QStringLiteral("_user"), QStringLiteral("user-4")}, {QStringLiteral("n"), QStringLiteral("14")}};
        },
        [&](const RequestRecord& r) { return meta(r, "_user") == "user-4" && meta(r, "n") == "14"; });
    add("metadata no such key", [](LogFilter& f) { f.metadata = {{QStringLiteral("team"), QStringLiteral("x")}}; },
        [](const RequestRecord&) { return false; }, true);
    add("text in prompt", [](LogFilter& f) { f.text = QStringLiteral("zebra"); },
        [](const RequestRecord& r) { return hasToken(r, QStringLiteral("zebra")); });
    add("text: all words", [](LogFilter& f) { f.text = QStringLiteral("  OKAPI\tnumber  "); },
        [](const RequestRecord& r) { return hasToken(r, QStringLiteral("okapi")) && hasToken(r, QStringLiteral("number")); });
    add("text prefix", [](LogFilter& f) { f.text = QStringLiteral("narwh*"); },
        [](const RequestRecord& r) { return hasToken(r, QStringLiteral("narwhal")); });
    add("text with FTS syntax", [](LogFilter& f) { f.text = QStringLiteral("pangolin\" (number -the"); },
        [](const RequestRecord& r) {
            return hasToken(r, QStringLiteral("pangolin")) && hasToken(r, QStringLiteral("number"))
                && hasToken(r, QStringLiteral("the"));
        });
    add("combined", [&](LogFilter& f) {
            f.from = time(kBase + 50'000);
            f.provider = QStringLiteral("openai");
            f.statusClass = StatusClass::Error;
            f.metadata = {{QStringLiteral("env"), QStringLiteral("dev")}};
            f.text = QStringLiteral("axolotl");
        },
        [&](const RequestRecord& r) {
            return r.receivedAt.toMSecsSinceEpoch() >= kBase + 50'000 && r.provider == QStringLiteral("openai")
                && isError(r.status) && meta(r, "env") == "dev" && hasToken(r, QStringLiteral("axolotl"));
        });

    LogReader reader;
    QString error;
    QVERIFY2(reader.open(path_, &error), qPrintable(error));
    QVERIFY(reader.hasFullTextIndex());
    for (const FilterCase& c : cases) {
        std::vector<QString> expected;
        for (auto it = records_.rbegin(); it != records_.rend(); ++it) {
            if (c.matches(*it))
                expected.push_back(it->requestId);
        }
        const std::vector<QString> got = allIds(reader, c.filter, 50);
        QVERIFY2(reader.lastError().isEmpty(), qPrintable(reader.lastError()));
        QVERIFY2(got == expected, qPrintable(QStringLiteral("%1: got %2 rows, expected %3")
                                                 .arg(QLatin1String(c.name)).arg(got.size()).arg(expected.size())));
        QCOMPARE(reader.count(c.filter), qint64(expected.size()));
        // A case that selects all or nothing by accident would prove little.
        QVERIFY2(c.selectsAllOrNothing || (!expected.empty() && expected.size() < records_.size()), c.name);
    }
}

void TestLogQuery::pagesAndCursor()
{
    LogReader reader;
    QString error;
    QVERIFY2(reader.open(path_, &error), qPrintable(error));
    const LogPage first = reader.query({}, 3);
    QCOMPARE(first.rows.size(), std::size_t(3));
    QCOMPARE(first.rowIds.size(), std::size_t(3));
    QCOMPARE(first.rows[0].requestId, QStringLiteral("req-699"));
    QVERIFY(first.next);
    QCOMPARE(first.next->receivedMs, kBase + 697'000);
    QCOMPARE(first.next->rowId, first.rowIds[2]);
    QVERIFY(!first.rows[0].requestBody.isEmpty());
    const LogPage omitted = reader.query({}, 3, std::nullopt, LogBodies::Omit);
    QVERIFY(omitted.rows[0].requestBody.isEmpty());
    QVERIFY(omitted.rows[0].responseBody.isEmpty());
    QCOMPARE(omitted.rows[0].requestId, QStringLiteral("req-699"));

    // The last page has no cursor, also when it is exactly full.
    LogFilter oneHundred;
    oneHundred.from = QDateTime::fromMSecsSinceEpoch(kBase + 600'000, Qt::UTC);
    const LogPage a = reader.query(oneHundred, 50);
    QVERIFY(a.next);
    const LogPage b = reader.query(oneHundred, 50, a.next);
    QCOMPARE(b.rows.size(), std::size_t(50));
    QVERIFY(!b.next);
    QCOMPARE(b.rows.back().requestId, QStringLiteral("req-600"));
    QVERIFY(reader.query({}, 0).rows.empty());
}

void TestLogQuery::recordByRowId()
{
    LogReader reader;
    QString error;
    QVERIFY2(reader.open(path_, &error), qPrintable(error));
    const LogPage page = reader.query({}, 5, std::nullopt, LogBodies::Omit);
    const std::optional<RequestRecord> r = reader.record(page.rowIds[4]);
    QVERIFY(r);
    const QString diff = recordDiff(*r, expectedRow(records_[kRecords - 5]));
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    QVERIFY(!reader.record(-1));
}

void TestLogQuery::paginationDuringConcurrentWrites()
{
    const QString path = dir_.filePath(QStringLiteral("concurrent.sqlite3"));
    LogStore store;
    QString error;
    QVERIFY2(store.open(path, &error), qPrintable(error));
    // Three rows per millisecond: the row id must break the ties.
    std::set<QString> initial;
    std::vector<RequestRecord> records;
    for (int i = 0; i < 3000; ++i) {
        records.push_back(makeRecord(i, kBase + i / 3));
        initial.insert(records.back().requestId);
    }
    for (int i = 0; i < 3000; i += 100)
        store.append(batchOf({records.begin() + i, records.begin() + i + 100}));
    store.flushAndWait();

    LogReader reader;
    QVERIFY2(reader.open(path, &error), qPrintable(error));
    std::vector<QString> seen;
    std::optional<LogCursor> cursor;
    std::optional<std::pair<qint64, qint64>> previous;
    int page = 0;
    do {
        // The writer thread inserts newer rows while the reader pages through the older ones.
        std::vector<RequestRecord> fresh;
        for (int i = 0; i < 40; ++i)
            fresh.push_back(makeRecord(100'000 + page * 40 + i, kBase + 10'000 + page));
        store.append(batchOf(std::move(fresh)));
        const LogPage p = reader.query({}, 137, cursor, LogBodies::Omit);
        QVERIFY2(reader.lastError().isEmpty(), qPrintable(reader.lastError()));
        for (std::size_t i = 0; i < p.rows.size(); ++i) {
            const std::pair<qint64, qint64> key{p.rows[i].receivedAt.toMSecsSinceEpoch(), p.rowIds[i]};
            QVERIFY(!previous || key < *previous);   // strictly descending: no repeats
            previous = key;
            seen.push_back(p.rows[i].requestId);
        }
        cursor = p.next;
        ++page;
    } while (cursor);
    store.flushAndWait();
    QVERIFY(store.written() > 3000);
    QVERIFY(page > 20);

    std::set<QString> unique(seen.begin(), seen.end());
    QCOMPARE(unique.size(), seen.size());   // no duplicates
    for (const QString& id : initial)
        QVERIFY2(unique.count(id), qPrintable(QStringLiteral("gap: %1 missing").arg(id)));
    for (const QString& id : unique)   // newer rows can only show up above the first cursor
        QVERIFY(initial.count(id) || id.mid(4).toInt() >= 100'000);
}

void TestLogQuery::fullTextSearchFindsPromptWord()
{
    const QString path = dir_.filePath(QStringLiteral("fts.sqlite3"));
    LogStore store;
    QString error;
    QVERIFY2(store.open(path, &error), qPrintable(error));
    std::vector<RequestRecord> records;
    for (int i = 0; i < 20; ++i)
        records.push_back(makeRecord(i, kBase + i));
    records[7].requestBody = R"({"model":"gpt-4o","messages":[{"role":"user","content":"Explain quaternions to a cat"}]})";
    records[12].responseBody = R"({"choices":[{"message":{"content":"Quaternions rotate things."}}]})";
    // A streamed answer with the word split across two chunks: found, because its text is indexed.
    records[15].stream = true;
    records[15].responseBody = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Quater\"}}]}\n\n"
                               "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"nions spin\"}}]}\n\ndata: [DONE]\n\n";
    records[15].responseTail.clear();
    records[15].modelServed.clear();
    records[15].finishReason.clear();
    records[15].toolCalls = -1;
    store.append(batchOf(std::move(records)));
    store.flushAndWait();

    LogReader reader;
    QVERIFY2(reader.open(path, &error), qPrintable(error));
    LogFilter f;
    f.text = QStringLiteral("quaternions");
    const LogPage page = reader.query(f, 10);
    QCOMPARE(page.rows.size(), std::size_t(3));
    QCOMPARE(page.rows[0].requestId, QStringLiteral("req-15"));   // found in the stream's text
    QCOMPARE(page.rows[1].requestId, QStringLiteral("req-12"));   // found in the response
    QCOMPARE(page.rows[2].requestId, QStringLiteral("req-7"));    // found in the prompt
    QVERIFY(page.rows[0].responseBody.startsWith("data: "));     // the body itself is kept as sent
    f.text = QStringLiteral("quaternions cat");
    QCOMPARE(reader.count(f), 1);
    f.text = QStringLiteral("quaternion");   // FTS matches whole tokens
    QCOMPARE(reader.count(f), 0);
    f.text = QStringLiteral("delta");        // the stream's JSON keys are not indexed
    QCOMPARE(reader.count(f), 0);
}

void TestLogQuery::fullTextFallsBackToLike()
{
    // A SQLite without FTS5 gets the schema without requests_fts; simulate it on a copy.
    const QString path = dir_.filePath(QStringLiteral("nofts.sqlite3"));
    {
        LogStore store;
        QString error;
        QVERIFY2(store.open(path, &error), qPrintable(error));
        store.append(batchOf({records_.begin(), records_.begin() + 100}));
        store.flushAndWait();
    }
    {
        SqliteConnection db;
        QString error;
        QVERIFY(db.open(path, SqliteConnection::Mode::ReadWrite, &error));
        for (const char* sql : {"DROP TRIGGER requests_fts_delete", "DROP TABLE requests_fts"})
            QVERIFY2(db.exec(QLatin1String(sql), &error), qPrintable(error));
    }
    LogReader reader;
    QString error;
    QVERIFY2(reader.open(path, &error), qPrintable(error));
    QVERIFY(!reader.hasFullTextIndex());
    LogFilter f;
    f.text = QStringLiteral("zebra");
    qint64 expected = 0;
    for (int i = 0; i < 100; ++i)
        expected += hasToken(records_[std::size_t(i)], QStringLiteral("zebra"));
    QCOMPARE(reader.count(f), expected);
    f.text = QStringLiteral("ebr");   // LIKE matches substrings
    QCOMPARE(reader.count(f), expected);
    f.text = QStringLiteral("zebra%");   // LIKE wildcards in the input are literal
    QCOMPARE(reader.count(f), 0);
    QVERIFY2(reader.lastError().isEmpty(), qPrintable(reader.lastError()));
}

void TestLogQuery::fullTextQueryQuotesInput()
{
    QCOMPARE(fullTextQuery(QStringLiteral("hello")), QStringLiteral("\"hello\""));
    QCOMPARE(fullTextQuery(QStringLiteral(" a  say\"hi\" pre* * ")),
             QStringLiteral("\"a\" \"say\"\"hi\"\"\" \"pre\"* \"*\""));
    QCOMPARE(fullTextQuery(QStringLiteral("NOT x:y")), QStringLiteral("\"NOT\" \"x:y\""));
    QCOMPARE(fullTextQuery(QString()), QString());
}

void TestLogQuery::nearestRankPercentile()
{
    std::vector<double> hundred;
    for (int i = 1; i <= 100; ++i)
        hundred.push_back(i);
    QCOMPARE(gatehouse::nearestRankPercentile(hundred, 50), 50.0);
    QCOMPARE(gatehouse::nearestRankPercentile(hundred, 95), 95.0);
    QCOMPARE(gatehouse::nearestRankPercentile(hundred, 99), 99.0);
    QCOMPARE(gatehouse::nearestRankPercentile(hundred, 100), 100.0);
    QCOMPARE(gatehouse::nearestRankPercentile(hundred, 0.5), 1.0);
    QCOMPARE(gatehouse::nearestRankPercentile({7.5}, 99), 7.5);
    QCOMPARE(gatehouse::nearestRankPercentile({}, 50), 0.0);
    std::vector<double> thousand;
    for (int i = 1; i <= 1000; ++i)
        thousand.push_back(i);
    QCOMPARE(gatehouse::nearestRankPercentile(thousand, 99.9), 999.0);   // rank ceil(999.0) despite rounding
    QCOMPARE(gatehouse::nearestRankPercentile({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 95), 10.0);
}

void TestLogQuery::aggregatesPerMinute()
{
    const QString path = dir_.filePath(QStringLiteral("aggregate.sqlite3"));
    // Minute 0: latencies 1..100 ms in random order; odd ones from provider a, even ones from b.
    // 10 x 500, 5 x 404, 5 x 0 (no answer) = 20 errors; usage on all but every tenth.
    // Minute 1: latencies 10, 20, ..., 100 from provider a, all 200.
    std::vector<int> order(100);
    std::iota(order.begin(), order.end(), 1);
    std::shuffle(order.begin(), order.end(), std::mt19937(42));
    std::vector<RequestRecord> records;
    for (std::size_t k = 0; k < order.size(); ++k) {
        const int latency = order[k];
        RequestRecord r = makeRecord(latency, kBase + qint64(k) * 500);   // 100 x 500 ms = 50 s
        r.totalMs = latency;
        r.provider = latency % 2 ? QStringLiteral("a") : QStringLiteral("b");
        r.status = latency <= 10 ? 500 : latency <= 15 ? 404 : latency <= 20 ? 0 : 200;
        r.promptTokens = latency % 10 ? 10 : -1;
        r.completionTokens = latency % 10 ? 5 : -1;
        r.totalTokens = latency % 10 ? 15 : -1;
        records.push_back(std::move(r));
    }
    for (int i = 1; i <= 10; ++i) {
        RequestRecord r = makeRecord(1000 + i, kBase + 60'000 + i * 1000);
        r.totalMs = i * 10;
        r.provider = QStringLiteral("a");
        r.status = 200;
        r.promptTokens = 1;
        r.completionTokens = 2;
        r.totalTokens = 3;
        records.push_back(std::move(r));
    }
    // Outside the filter's time range: must not count.
    records.push_back(makeRecord(5000, kBase + 3 * 60'000));
    {
        LogStore store;
        QString error;
        QVERIFY2(store.open(path, &error), qPrintable(error));
        store.append(batchOf(std::move(records)));
        store.flushAndWait();
    }
    LogReader reader;
    QString error;
    QVERIFY2(reader.open(path, &error), qPrintable(error));
    LogFilter f;
    f.from = QDateTime::fromMSecsSinceEpoch(kBase, Qt::UTC);
    f.until = QDateTime::fromMSecsSinceEpoch(kBase + 2 * 60'000, Qt::UTC);

    const std::vector<MinuteStats> all = reader.aggregatePerMinute(f, GroupBy::none());
    QVERIFY2(reader.lastError().isEmpty(), qPrintable(reader.lastError()));
    QCOMPARE(all.size(), std::size_t(2));
    QCOMPARE(all[0].minuteMs, kBase);
    QCOMPARE(all[0].group, QString());
    QCOMPARE(all[0].count, 100);
    QCOMPARE(all[0].errors, 20);
    QCOMPARE(all[0].p50Ms, 50.0);
    QCOMPARE(all[0].p95Ms, 95.0);
    QCOMPARE(all[0].p99Ms, 99.0);
    QCOMPARE(all[0].promptTokens, 90 * 10);
    QCOMPARE(all[0].completionTokens, 90 * 5);
    QCOMPARE(all[0].totalTokens, 90 * 15);
    QCOMPARE(all[1].minuteMs, kBase + 60'000);
    QCOMPARE(all[1].count, 10);
    QCOMPARE(all[1].errors, 0);
    QCOMPARE(all[1].p50Ms, 50.0);    // rank ceil(5) = 5
    QCOMPARE(all[1].p95Ms, 100.0);   // rank ceil(9.5) = 10
    QCOMPARE(all[1].p99Ms, 100.0);
    QCOMPARE(all[1].totalTokens, 30);

    const std::vector<MinuteStats> byProvider = reader.aggregatePerMinute(f, GroupBy::provider());
    QCOMPARE(byProvider.size(), std::size_t(3));
    QCOMPARE(byProvider[0].group, QStringLiteral("a"));   // 1, 3, ..., 99
    QCOMPARE(byProvider[0].count, 50);
    QCOMPARE(byProvider[0].p50Ms, 49.0);   // rank 25
    QCOMPARE(byProvider[0].p95Ms, 95.0);   // rank ceil(47.5) = 48
    QCOMPARE(byProvider[0].p99Ms, 99.0);   // rank ceil(49.5) = 50
    QCOMPARE(byProvider[0].errors, 10);
    QCOMPARE(byProvider[1].group, QStringLiteral("b"));   // 2, 4, ..., 100
    QCOMPARE(byProvider[1].p50Ms, 50.0);
    QCOMPARE(byProvider[1].p95Ms, 96.0);
    QCOMPARE(byProvider[1].p99Ms, 100.0);
    QCOMPARE(byProvider[2].minuteMs, kBase + 60'000);
    QCOMPARE(byProvider[2].group, QStringLiteral("a"));

    // The filter applies to aggregates as to queries.
    LogFilter onlyB = f;
    onlyB.provider = QStringLiteral("b");
    const std::vector<MinuteStats> b = reader.aggregatePerMinute(onlyB);
    QCOMPARE(b.size(), std::size_t(1));
    QCOMPARE(b[0].count, 50);
    QCOMPARE(b[0].p95Ms, 96.0);

    const std::vector<MinuteStats> byModel = reader.aggregatePerMinute(f, GroupBy::model());
    qint64 total = 0;
    for (const MinuteStats& s : byModel)
        total += s.count;
    QCOMPARE(total, 110);
    QCOMPARE(byModel.size(), std::size_t(8));   // the four models, in each of the two minutes
}

void TestLogQuery::aggregatesGroupedByMetadata()
{
    const QString path = dir_.filePath(QStringLiteral("aggregate_meta.sqlite3"));
    std::vector<RequestRecord> records;
    for (int i = 0; i < 30; ++i) {
        RequestRecord r = makeRecord(i, kBase + i * 1000);
        r.totalMs = i + 1;
        r.metadata.clear();
        if (i < 10)
            r.metadata["team"] = "search";
        else if (i < 25)
            r.metadata["team"] = "chat";
        r.metadata["other"] = "x";
        records.push_back(std::move(r));
    }
    {
        LogStore store;
        QString error;
        QVERIFY2(store.open(path, &error), qPrintable(error));
        store.append(batchOf(std::move(records)));
        store.flushAndWait();
    }
    LogReader reader;
    QString error;
    QVERIFY2(reader.open(path, &error), qPrintable(error));
    const std::vector<MinuteStats> stats = reader.aggregatePerMinute({}, GroupBy::metadata(QStringLiteral("team")));
    QVERIFY2(reader.lastError().isEmpty(), qPrintable(reader.lastError()));
    QCOMPARE(stats.size(), std::size_t(3));
    QCOMPARE(stats[0].group, QString());   // no team tag: 26..30 ms
    QCOMPARE(stats[0].count, 5);
    QCOMPARE(stats[0].p50Ms, 28.0);
    QCOMPARE(stats[1].group, QStringLiteral("chat"));   // 11..25 ms
    QCOMPARE(stats[1].count, 15);
    QCOMPARE(stats[1].p50Ms, 18.0);   // rank ceil(7.5) = 8
    QCOMPARE(stats[1].p99Ms, 25.0);
    QCOMPARE(stats[2].group, QStringLiteral("search"));   // 1..10 ms
    QCOMPARE(stats[2].count, 10);
    QCOMPARE(stats[2].p95Ms, 10.0);
}

void TestLogQuery::tracesListAndRecords()
{
    LogReader reader;
    QString error;
    QVERIFY2(reader.open(path_, &error), qPrintable(error));

    // Independently: group the written records by trace id.
    struct Expect { qint64 start = std::numeric_limits<qint64>::max(); qint64 requests = 0, errors = 0, tokens = 0; };
    std::map<QString, Expect> expected;
    for (const RequestRecord& r : records_) {
        Expect& e = expected[r.traceId];
        e.start = std::min(e.start, r.receivedAt.toMSecsSinceEpoch());
        ++e.requests;
        e.errors += isError(r.status);
        e.tokens += std::max<qint64>(0, r.totalTokens);
    }
    const std::vector<TraceSummary> all = reader.traces({}, 1000);
    QVERIFY2(reader.lastError().isEmpty(), qPrintable(reader.lastError()));
    QCOMPARE(all.size(), expected.size());
    for (std::size_t i = 0; i < all.size(); ++i) {
        const TraceSummary& t = all[i];
        const Expect& e = expected.at(t.traceId);
        QCOMPARE(t.startedAtMs, e.start);
        QCOMPARE(t.requests, e.requests);
        QCOMPARE(t.errors, e.errors);
        QCOMPARE(t.totalTokens, e.tokens);
        if (i > 0)
            QVERIFY(all[i - 1].startedAtMs >= t.startedAtMs);   // newest first
    }
    QCOMPARE(int(reader.traces({}, 3).size()), 3);

    LogFilter errors;
    errors.statusClass = StatusClass::Error;
    for (const TraceSummary& t : reader.traces(errors, 1000))
        QVERIFY(t.errors == t.requests);   // only the matching requests are summed

    const std::vector<RequestRecord> trace = reader.traceRecords(QStringLiteral("trace-7"));
    QCOMPARE(qint64(trace.size()), expected.at(QStringLiteral("trace-7")).requests);
    for (std::size_t i = 1; i < trace.size(); ++i)
        QVERIFY(trace[i - 1].receivedAt <= trace[i].receivedAt);
    QVERIFY(trace.front().requestBody.isEmpty());   // no bodies for a tree
}

namespace {

// The aggregate computed here from the records themselves, for comparison with SQL + C++ in LogReader.
struct Expected {
    qint64 count = 0, errors = 0, client = 0, server = 0, prompt = 0, completion = 0, total = 0, priced = 0;
    qint64 lookups = 0, hits = 0, hitsPriced = 0;
    double cost = 0, saved = 0;
    std::vector<double> latencies;
};

double rankPercentile(std::vector<double> v, int p)
{
    std::sort(v.begin(), v.end());
    const std::size_t rank = (std::size_t(p) * v.size() + 99) / 100;   // ceil(p/100 * n), in integers
    return v[rank - 1];
}

void add(Expected& e, const RequestRecord& r)
{
    ++e.count;
    e.errors += isError(r.status);
    e.client += r.status >= 400 && r.status < 500;
    e.server += r.status >= 500;
    e.prompt += std::max<qint64>(r.promptTokens, 0);
    e.completion += std::max<qint64>(r.completionTokens, 0);
    e.total += std::max<qint64>(r.totalTokens, 0);
    if (r.priceKnown) {
        e.cost += r.costUsd;
        ++e.priced;
    }
    if (!r.cacheStatus.isEmpty() && r.cacheStatus != QStringLiteral("DISABLED")) {
        ++e.lookups;
        if (r.cacheStatus.endsWith(QStringLiteral("HIT"))) {
            ++e.hits;
            e.saved += std::max(r.cacheSavedUsd, 0.0);
            e.hitsPriced += r.cacheSavedUsd >= 0;
        }
    }
    e.latencies.push_back(r.totalMs);
}

bool same(const MinuteStats& s, const Expected& e)
{
    return s.count == e.count && s.errors == e.errors && s.clientErrors == e.client && s.serverErrors == e.server
        && s.promptTokens == e.prompt && s.completionTokens == e.completion && s.totalTokens == e.total
        && s.priced == e.priced && qAbs(s.costUsd - e.cost) <= 1e-9 * std::max(1.0, e.cost)   // sums in another order
        && s.cacheLookups == e.lookups && s.cacheHits == e.hits && s.cacheHitsPriced == e.hitsPriced && qAbs(s.cacheSavedUsd - e.saved) <= 1e-9 * std::max(1.0, e.saved)
        && s.p50Ms == rankPercentile(e.latencies, 50) && s.p95Ms == rankPercentile(e.latencies, 95)
        && s.p99Ms == rankPercentile(e.latencies, 99);
}

} // namespace

void TestLogQuery::aggregatesInLargerBuckets()
{
    // Five-minute buckets over the shared data set (one record a second for 700 s from kBase, which
    // is not on a five-minute boundary), grouped by provider; each bucket's percentiles are its own.
    constexpr qint64 kBucket = 5 * 60'000;
    static_assert(kBase % kBucket != 0);
    std::map<std::pair<qint64, QString>, Expected> expected;
    for (const RequestRecord& r : records_) {
        const qint64 ms = r.receivedAt.toMSecsSinceEpoch();
        add(expected[{ms / kBucket * kBucket, r.provider}], r);
    }
    LogReader reader;
    QString error;
    QVERIFY2(reader.open(path_, &error), qPrintable(error));
    const std::vector<MinuteStats> stats = reader.aggregate({}, GroupBy::provider(), kBucket);
    QVERIFY2(reader.lastError().isEmpty(), qPrintable(reader.lastError()));
    QCOMPARE(stats.size(), expected.size());
    auto it = expected.begin();
    for (const MinuteStats& s : stats) {
        QCOMPARE(s.minuteMs, it->first.first);
        QCOMPARE(s.group, it->first.second);
        QVERIFY2(same(s, it->second), qPrintable(QStringLiteral("bucket %1 group %2").arg(s.minuteMs).arg(s.group)));
        ++it;
    }
    // Minute buckets through the general call equal aggregatePerMinute.
    const auto perMinute = reader.aggregatePerMinute({}, GroupBy::model());
    const auto general = reader.aggregate({}, GroupBy::model(), 60'000);
    QCOMPARE(perMinute.size(), general.size());
    for (std::size_t k = 0; k < general.size(); ++k)
        QVERIFY(perMinute[k].minuteMs == general[k].minuteMs && perMinute[k].count == general[k].count
                && perMinute[k].p95Ms == general[k].p95Ms);
}

void TestLogQuery::aggregatesWholeRange()
{
    // bucketMs 0: one row per group over the filter, starting at its `from`.
    const qint64 from = kBase + 123'456;
    const qint64 until = kBase + 543'210;
    std::map<QString, Expected> expected;
    Expected all;
    for (const RequestRecord& r : records_) {
        const qint64 ms = r.receivedAt.toMSecsSinceEpoch();
        if (ms < from || ms >= until)
            continue;
        add(expected[QString::fromStdString(r.metadata.count("env") ? r.metadata.at("env") : std::string())], r);
        add(all, r);
    }
    QCOMPARE(expected.size(), std::size_t(3));   // dev, prod and untagged
    LogFilter f;
    f.from = QDateTime::fromMSecsSinceEpoch(from, Qt::UTC);
    f.until = QDateTime::fromMSecsSinceEpoch(until, Qt::UTC);
    LogReader reader;
    QString error;
    QVERIFY2(reader.open(path_, &error), qPrintable(error));
    const std::vector<MinuteStats> whole = reader.aggregate(f, GroupBy::none(), 0);
    QCOMPARE(whole.size(), std::size_t(1));
    QCOMPARE(whole[0].minuteMs, from);
    QVERIFY(same(whole[0], all));
    QVERIFY(all.client > 0 && all.server > 0 && all.errors > all.client + all.server);   // the data has all three kinds
    QVERIFY(all.priced > 0 && all.priced < all.count);   // and priced and unpriced requests
    QVERIFY(all.hits > 0 && all.hits < all.lookups && all.lookups < all.count && all.saved > 0
            && all.hitsPriced < all.hits);   // and cache hits, misses, no cache

    const std::vector<MinuteStats> byEnv = reader.aggregate(f, GroupBy::metadata(QStringLiteral("env")), 0);
    QCOMPARE(byEnv.size(), expected.size());
    auto it = expected.begin();
    for (const MinuteStats& s : byEnv) {
        QCOMPARE(s.group, it->first);
        QVERIFY2(same(s, it->second), qPrintable(s.group));
        ++it;
    }
    // Nothing in range: no rows at all.
    LogFilter empty;
    empty.from = QDateTime::fromMSecsSinceEpoch(kBase - 10'000, Qt::UTC);
    empty.until = QDateTime::fromMSecsSinceEpoch(kBase, Qt::UTC);
    QVERIFY(reader.aggregate(empty, GroupBy::none(), 0).empty());
}

void TestLogQuery::listsMetadataKeys()
{
    LogReader reader;
    QString error;
    QVERIFY2(reader.open(path_, &error), qPrintable(error));
    QCOMPARE(reader.metadataKeys(), (QStringList{QStringLiteral("_user"), QStringLiteral("env"), QStringLiteral("n")}));
    QCOMPARE(reader.metadataKeys(2), (QStringList{QStringLiteral("_user"), QStringLiteral("env")}));
    QVERIFY2(reader.lastError().isEmpty(), qPrintable(reader.lastError()));
}

QTEST_GUILESS_MAIN(TestLogQuery)
#include "tst_log_query.moc"
