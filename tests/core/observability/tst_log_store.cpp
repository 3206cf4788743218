// LogStore: the persistent request log's writer side -- file settings, schema, round trip of every
// field, the bounded queue, flush, persistence across reopen, migration and retention.
#include "log_test_records.h"

#include "observability/log_query.h"
#include "observability/log_schema.h"
#include "observability/log_store.h"
#include "observability/sqlite_connection.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <map>
#include <set>

using namespace gatehouse;
using namespace logtest;

namespace {

// Counts the warnings that announce a full queue, passing every message on to Qt Test's handler.
QtMessageHandler previousHandler = nullptr;
int queueFullWarnings = 0;

void countingHandler(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    if (type == QtWarningMsg && message.contains(QStringLiteral("write queue is full")))
        ++queueFullWarnings;
    previousHandler(type, context, message);
}

qint64 scalar(SqliteConnection& db, const QString& sql)
{
    return db.scalar(sql).toLongLong();
}

std::vector<RequestRecord> makeRecords(int first, int count, qint64 receivedMs)
{
    std::vector<RequestRecord> out;
    for (int i = first; i < first + count; ++i)
        out.push_back(makeRecord(i, receivedMs + i));
    return out;
}

// All rows, newest first, read through the public query API.
std::vector<RequestRecord> readAll(const QString& path)
{
    LogReader reader;
    QString error;
    if (!reader.open(path, &error)) {
        qWarning("%s", qPrintable(error));
        return {};
    }
    std::vector<RequestRecord> out;
    std::optional<LogCursor> cursor;
    do {
        LogPage page = reader.query({}, 1000, cursor);
        for (RequestRecord& r : page.rows)
            out.push_back(std::move(r));
        cursor = page.next;
    } while (cursor);
    return out;
}

} // namespace

class TestLogStore : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sqliteHasFts5();
    void pragmasAndSchema();
    void roundTripTenThousand();
    void boundedQueueRejectsOverflow();
    void appendWhileClosedIsCounted();
    void reopenKeepsRows();
    void announcesWrittenRows();
    void bodiesCanBeSwitchedOff();
    void migratesFromVersionZero();
    void refusesNewerSchema();
    void retentionByAge();
    void retentionBySize();

private:
    QTemporaryDir dir_;
    QString file(const char* name) const { return dir_.filePath(QString::fromLatin1(name)); }
};

void TestLogStore::sqliteHasFts5()
{
    // The SQLite that Qt's QSQLITE plugin loads (Debian 12: the system libsqlite3) must have FTS5.
    SqliteConnection db;
    QString error;
    QVERIFY2(db.open(file("probe.sqlite3"), SqliteConnection::Mode::ReadWrite, &error), qPrintable(error));
    qInfo("QSQLITE uses SQLite %s", qPrintable(db.scalar(QStringLiteral("SELECT sqlite_version()")).toString()));
    QCOMPARE(scalar(db, QStringLiteral("SELECT sqlite_compileoption_used('ENABLE_FTS5')")), 1);
    QVERIFY2(db.exec(QStringLiteral("CREATE VIRTUAL TABLE t USING fts5(a)"), &error), qPrintable(error));
}

void TestLogStore::pragmasAndSchema()
{
    const QString path = dir_.filePath(QStringLiteral("sub/dir/requests.sqlite3"));   // folders are created
    LogStore store;
    QString error;
    QVERIFY2(store.open(path, &error), qPrintable(error));
    QVERIFY(store.isOpen());

    SqliteConnection db;
    QVERIFY(db.open(path, SqliteConnection::Mode::ReadOnly, &error));
    QCOMPARE(scalar(db, QStringLiteral("PRAGMA page_size")), 16384);
    QCOMPARE(db.scalar(QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("wal"));
    QCOMPARE(scalar(db, QStringLiteral("PRAGMA auto_vacuum")), 2);   // incremental
    QCOMPARE(scalar(db, QStringLiteral("PRAGMA user_version")), kLogSchemaVersion);
    for (const char* name : {"requests", "request_metadata", "requests_fts", "requests_received", "requests_status",
                             "requests_provider", "requests_model", "requests_trace", "request_metadata_key_value",
                             "requests_fts_delete", "requests_metadata_delete"}) {
        QVERIFY2(scalar(db, QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = '%1'")
                                .arg(QLatin1String(name))) == 1, name);
    }
    QVERIFY(hasFullTextIndex(db));
}

void TestLogStore::roundTripTenThousand()
{
    const QString path = file("roundtrip.sqlite3");
    constexpr int kRecords = 10000;
    constexpr int kBatch = 100;   // what the gateway's batcher hands over per 100 ms under load
    std::vector<RecordBatch> batches;
    std::map<QString, RequestRecord> expected;
    const qint64 base = QDateTime::currentMSecsSinceEpoch() - 3600 * 1000;
    for (int b = 0; b < kRecords / kBatch; ++b) {
        std::vector<RequestRecord> records = makeRecords(b * kBatch, kBatch, base);
        for (const RequestRecord& r : records)
            expected.emplace(r.requestId, expectedRow(r));
        batches.push_back(batchOf(std::move(records)));
    }

    LogStore store;
    QString error;
    QVERIFY2(store.open(path, &error), qPrintable(error));
    QElapsedTimer timer;
    timer.start();
    for (const RecordBatch& batch : batches)
        store.append(batch);
    store.flushAndWait();
    const qint64 ns = timer.nsecsElapsed();
    // Information only, not a test: timing depends on the machine.
    qInfo("log store wrote %d records (~%lld B each) in %.1f ms: %.0f rows/s", kRecords,
          qint64(expected.begin()->second.requestBody.size() + expected.begin()->second.responseBody.size()),
          double(ns) / 1e6, kRecords / (double(ns) / 1e9));
    QCOMPARE(store.written(), kRecords);
    QCOMPARE(store.queued(), 0);
    QCOMPARE(store.rejected(), 0);
    QCOMPARE(store.failed(), 0);

    const std::vector<RequestRecord> rows = readAll(path);
    QCOMPARE(int(rows.size()), kRecords);
    std::set<QString> seen;
    for (const RequestRecord& r : rows) {
        const auto it = expected.find(r.requestId);
        QVERIFY2(it != expected.end(), qPrintable(r.requestId));
        const QString diff = recordDiff(it->second, r);
        QVERIFY2(diff.isEmpty(), qPrintable(r.requestId + QStringLiteral(": ") + diff));
        QVERIFY(seen.insert(r.requestId).second);
    }

    // Metadata tags are rows of their own; one per key.
    SqliteConnection db;
    QVERIFY(db.open(path, SqliteConnection::Mode::ReadOnly, &error));
    qint64 tags = 0;
    for (const auto& [id, r] : expected)
        tags += qint64(r.metadata.size());
    QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM request_metadata")), tags);
    QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM request_metadata WHERE key = 'n' AND value = '4242'")), 1);
}

void TestLogStore::boundedQueueRejectsOverflow()
{
    const QString path = file("bounded.sqlite3");
    LogStore store(10);
    QCOMPARE(store.maxQueued(), 10);
    QString error;
    QVERIFY2(store.open(path, &error), qPrintable(error));
    store.setWriterPaused(true);
    QSignalSpy full(&store, &LogStore::backlogFull);
    queueFullWarnings = 0;
    previousHandler = qInstallMessageHandler(countingHandler);
    const auto restore = qScopeGuard([] { qInstallMessageHandler(previousHandler); });

    const qint64 base = QDateTime::currentMSecsSinceEpoch();
    store.append(batchOf(makeRecords(0, 4, base)));
    store.append(batchOf(makeRecords(4, 4, base)));
    QCOMPARE(full.count(), 0);
    store.append(batchOf(makeRecords(8, 4, base)));   // 2 fit, 2 do not
    QCOMPARE(store.queued(), 10);
    QCOMPARE(store.rejected(), 2);
    QCOMPARE(full.count(), 1);
    QCOMPARE(full.at(0).at(0).toLongLong(), 2);
    store.append(batchOf(makeRecords(12, 5, base)));   // none fits
    QCOMPARE(store.rejected(), 7);
    QCOMPARE(full.count(), 2);
    QCOMPARE(full.at(1).at(0).toLongLong(), 7);
    QCOMPARE(queueFullWarnings, 1);   // one warning per episode, not per append
    QTest::qWait(50);
    QCOMPARE(store.written(), 0);     // the paused writer took nothing

    // Flush writes everything that was accepted, and only that.
    store.flushAndWait();
    QCOMPARE(store.written(), 10);
    QCOMPARE(store.queued(), 0);
    std::set<QString> ids;
    for (const RequestRecord& r : readAll(path))
        ids.insert(r.requestId);
    std::set<QString> expected;
    for (int i = 0; i < 10; ++i)
        expected.insert(QStringLiteral("req-%1").arg(i));
    QVERIFY(ids == expected);

    // The backlog drained, so the next overflow is a new episode with its own warning.
    store.append(batchOf(makeRecords(20, 11, base)));
    QCOMPARE(store.rejected(), 8);
    QCOMPARE(queueFullWarnings, 2);

    // Resuming lets the writer catch up on its own.
    store.setWriterPaused(false);
    QTRY_COMPARE(store.written(), 20);
    QCOMPARE(store.queued(), 0);
}

void TestLogStore::appendWhileClosedIsCounted()
{
    LogStore store;
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("not open")));
    store.append(batchOf(makeRecords(0, 3, 0)));
    store.append(batchOf(makeRecords(3, 2, 0)));   // warned once
    QCOMPARE(store.rejected(), 5);
    QCOMPARE(store.written(), 0);
}

void TestLogStore::announcesWrittenRows()
{
    // recordsWritten tells readers (the dashboard) that committed rows are there to be read.
    const QString path = file("announce.sqlite3");
    LogStore store;
    QString error;
    QVERIFY2(store.open(path, &error), qPrintable(error));
    QSignalSpy spy(&store, &LogStore::recordsWritten);
    for (int b = 0; b < 3; ++b)
        store.append(batchOf(makeRecords(b * 40, 40, 0)));
    store.flushAndWait();
    const auto announced = [&] {
        qint64 n = 0;
        for (const QList<QVariant>& args : spy)
            n += args.at(0).toLongLong();
        return n;
    };
    QTRY_COMPARE(announced(), qint64(120));   // queued from the writer thread
    LogReader reader;
    QVERIFY2(reader.open(path, &error), qPrintable(error));
    QCOMPARE(reader.count({}), qint64(120));
}

void TestLogStore::reopenKeepsRows()
{
    const QString path = file("reopen.sqlite3");
    const qint64 base = QDateTime::currentMSecsSinceEpoch();
    QString error;
    {
        LogStore store;
        QVERIFY2(store.open(path, &error), qPrintable(error));
        for (int b = 0; b < 5; ++b)
            store.append(batchOf(makeRecords(b * 100, 100, base)));
        // no flush: the destructor writes what was accepted
    }
    {
        LogReader reader;   // the writer is gone (no -wal/-shm left): a read-only open still works
        QVERIFY2(reader.open(path, &error), qPrintable(error));
        QCOMPARE(reader.count({}), 500);
    }
    LogStore store;
    QVERIFY2(store.open(path, &error), qPrintable(error));
    store.append(batchOf(makeRecords(500, 100, base)));
    store.flushAndWait();
    QCOMPARE(store.written(), 100);   // counters are per session
    const std::vector<RequestRecord> rows = readAll(path);
    QCOMPARE(int(rows.size()), 600);
    QVERIFY(recordDiff(rows.back(), expectedRow(makeRecord(0, base))).isEmpty());
}

void TestLogStore::bodiesCanBeSwitchedOff()
{
    const QString path = file("nobodies.sqlite3");
    const qint64 base = QDateTime::currentMSecsSinceEpoch();
    LogStore store;
    store.setStoreBodies(false);
    QString error;
    QVERIFY2(store.open(path, &error), qPrintable(error));
    store.append(batchOf(makeRecords(0, 30, base)));
    store.flushAndWait();
    store.setStoreBodies(true);   // takes effect for later records
    store.append(batchOf(makeRecords(30, 1, base)));
    store.flushAndWait();

    const std::vector<RequestRecord> rows = readAll(path);
    QCOMPARE(int(rows.size()), 31);
    for (const RequestRecord& r : rows) {
        const int i = r.requestId.mid(4).toInt();
        RequestRecord expected = expectedRow(makeRecord(i, base + i));
        if (i < 30) {
            // every other field is kept, and the answer summary is still read from the body before it is dropped
            QVERIFY2(r.requestBody.isEmpty() && r.responseBody.isEmpty(), qPrintable(r.requestId));
            expected.requestBody.clear();
            expected.responseBody.clear();
        }
        const QString diff = recordDiff(expected, r);
        QVERIFY2(diff.isEmpty(), qPrintable(r.requestId + QStringLiteral(": ") + diff));
    }
    LogReader reader;
    QVERIFY2(reader.open(path, &error), qPrintable(error));
    LogFilter byText;
    byText.text = QStringLiteral("says hello");
    QCOMPARE(reader.count(byText), 1);   // nothing of the dropped bodies reached the text index
}

void TestLogStore::migratesFromVersionZero()
{
    // A file at user_version 0: an older build's or an empty database, with 4 KiB pages.
    const QString path = file("v0.sqlite3");
    QString error;
    {
        SqliteConnection db;
        QVERIFY(db.open(path, SqliteConnection::Mode::ReadWrite, &error));
        QVERIFY(db.exec(QStringLiteral("PRAGMA page_size = 4096")));
        QVERIFY(db.exec(QStringLiteral("CREATE TABLE unrelated(x)")));
        QVERIFY(db.exec(QStringLiteral("INSERT INTO unrelated VALUES (42)")));
        QCOMPARE(logSchemaVersion(db), 0);
    }
    LogStore store;
    QVERIFY2(store.open(path, &error), qPrintable(error));
    store.append(batchOf(makeRecords(0, 3, QDateTime::currentMSecsSinceEpoch())));
    store.flushAndWait();
    store.close();

    SqliteConnection db;
    QVERIFY(db.open(path, SqliteConnection::Mode::ReadWrite, &error));
    QCOMPARE(logSchemaVersion(db), kLogSchemaVersion);
    QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM requests")), 3);
    QCOMPARE(scalar(db, QStringLiteral("SELECT x FROM unrelated")), 42);   // other data is left alone
    QCOMPARE(scalar(db, QStringLiteral("PRAGMA page_size")), 4096);        // only a new file gets 16 KiB
    QCOMPARE(db.scalar(QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("wal"));
    // Migrating an up-to-date file is a no-op.
    QVERIFY2(migrateLogSchema(db, &error), qPrintable(error));
    QCOMPARE(logSchemaVersion(db), kLogSchemaVersion);
}

void TestLogStore::refusesNewerSchema()
{
    const QString path = file("future.sqlite3");
    QString error;
    {
        SqliteConnection db;
        QVERIFY(db.open(path, SqliteConnection::Mode::ReadWrite, &error));
        QVERIFY(db.exec(QStringLiteral("PRAGMA user_version = 99")));
    }
    LogStore store;
    QVERIFY(!store.open(path, &error));
    QVERIFY2(error.contains(QStringLiteral("newer")), qPrintable(error));
    QVERIFY(!store.isOpen());
}

void TestLogStore::retentionByAge()
{
    const QString path = file("age.sqlite3");
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 day = 24 * 3600 * 1000;
    LogStore store;
    QString error;
    QVERIFY2(store.open(path, &error), qPrintable(error));
    std::vector<RequestRecord> old = makeRecords(0, 100, now - 10 * day);
    for (RequestRecord& r : old)
        r.requestBody += " ancientword";
    store.append(batchOf(std::move(old)));
    store.append(batchOf(makeRecords(100, 50, now - 1 * day)));
    store.flushAndWait();

    QSignalSpy done(&store, &LogStore::retentionApplied);
    store.applyRetention(7, 0);
    QVERIFY(done.wait(10000));
    const auto result = done.at(0).at(0).value<RetentionResult>();
    QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
    QCOMPARE(result.deletedByAge, 100);
    QCOMPARE(result.deletedBySize, 0);
    store.close();

    SqliteConnection db;
    QVERIFY(db.open(path, SqliteConnection::Mode::ReadWrite, &error));
    QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM requests")), 50);
    QCOMPARE(scalar(db, QStringLiteral("SELECT min(received_ms) FROM requests")), now - day + 100);
    // The metadata and full-text rows went with their requests.
    QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM request_metadata WHERE request_rowid NOT IN"
                                       " (SELECT id FROM requests)")), 0);
    QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM requests_fts WHERE requests_fts MATCH 'ancientword'")), 0);
    QVERIFY2(db.exec(QStringLiteral("INSERT INTO requests_fts(requests_fts, rank) VALUES ('integrity-check', 1)"), &error),
             qPrintable(error));
}

void TestLogStore::retentionBySize()
{
    const QString path = file("size.sqlite3");
    const qint64 base = QDateTime::currentMSecsSinceEpoch() - 3600 * 1000;
    LogStore store;
    QString error;
    QVERIFY2(store.open(path, &error), qPrintable(error));
    for (int b = 0; b < 30; ++b)
        store.append(batchOf(makeRecords(b * 100, 100, base)));
    store.flushAndWait();

    QSignalSpy done(&store, &LogStore::retentionApplied);
    store.applyRetention(0, 0);   // no limits: measures only
    QVERIFY(done.wait(10000));
    const auto before = done.at(0).at(0).value<RetentionResult>();
    QCOMPARE(before.deletedByAge + before.deletedBySize, 0);
    const qint64 limit = before.dataBytesAfter / 2;

    store.applyRetention(0, limit);
    QVERIFY(done.wait(10000));
    const auto result = done.at(1).at(0).value<RetentionResult>();
    QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
    qInfo("size retention: data %lld -> %lld bytes (limit %lld), file %lld -> %lld, %lld rows deleted",
          before.dataBytesAfter, result.dataBytesAfter, limit, result.fileBytesBefore, result.fileBytesAfter,
          result.deletedBySize);
    QVERIFY(result.deletedBySize > 0);
    QVERIFY(result.dataBytesAfter <= limit);
    QVERIFY(result.fileBytesAfter <= limit);   // the file over the limit gave its free pages back
    QCOMPARE(store.written(), 3000);

    // The oldest went: what is left is the newest, without a hole.
    const std::vector<RequestRecord> rows = readAll(path);
    QCOMPARE(qint64(rows.size()), 3000 - result.deletedBySize);
    QCOMPARE(rows.front().requestId, QStringLiteral("req-2999"));
    QCOMPARE(rows.back().requestId, QStringLiteral("req-%1").arg(result.deletedBySize));
}

QTEST_GUILESS_MAIN(TestLogStore)
#include "tst_log_store.moc"
