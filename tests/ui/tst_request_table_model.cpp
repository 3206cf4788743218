// RequestTableModel: batched flushes, lazy cell text, typed roles, the history cap, clear and pause —
// with QAbstractItemModelTester on the model and on a sort/filter proxy over it.

#include "models/request_table_model.h"
#include "sample_records.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

#include <memory>

using namespace gatehouse;
using namespace gatehouse::test;

namespace {

struct Fixture {
    RequestTableModel model;
    QSortFilterProxyModel proxy;
    std::unique_ptr<QAbstractItemModelTester> modelTester;
    std::unique_ptr<QAbstractItemModelTester> proxyTester;

    Fixture()
    {
        proxy.setSourceModel(&model);
        proxy.setSortRole(RequestTableModel::SortRole);
        proxy.setFilterRole(RequestTableModel::FilterTextRole);
        proxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
        modelTester = std::make_unique<QAbstractItemModelTester>(
            &model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxyTester = std::make_unique<QAbstractItemModelTester>(
            &proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    }

    QString text(int row, int column) const { return model.index(row, column).data().toString(); }
};

} // namespace

class TestRequestTableModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void emptyModel();
    void appendIsQueuedThenFlushed();
    void cellTextIsComputedFromTheRecord();
    void typedRolesCarryRawNumbers();
    void statusColourForErrors();
    void oneInsertPerFlush();
    void capEvictsOldestInOneFlush();
    void capEvictsAcrossFlushes();
    void lowerCapEvictsImmediately();
    void recordsAreSharedNotCopied();
    void clearDropsRowsAndQueue();
    void pauseHoldsRowsUntilResume();
    void proxyFiltersAndSorts();
};

void TestRequestTableModel::emptyModel()
{
    Fixture f;
    QCOMPARE(f.model.rowCount(), 0);
    QCOMPARE(f.model.columnCount(), int(RequestTableModel::ColumnCount));
    QCOMPARE(f.model.maxRows(), 10'000);
    QCOMPARE(f.model.headerData(RequestTableModel::TimeColumn, Qt::Horizontal).toString(), QStringLiteral("Time"));
    QCOMPARE(f.model.headerData(RequestTableModel::TraceIdColumn, Qt::Horizontal).toString(),
             QStringLiteral("Trace ID"));
}

void TestRequestTableModel::appendIsQueuedThenFlushed()
{
    Fixture f;
    f.model.appendBatch(sampleBatch(0, 3));
    f.model.appendBatch(nullptr);                 // ignored
    f.model.appendBatch(makeBatch({}));           // ignored
    QCOMPARE(f.model.rowCount(), 0);              // nothing until the flush timer fires
    QCOMPARE(f.model.pendingCount(), 3);
    QTRY_COMPARE(f.model.rowCount(), 3);
    QCOMPARE(f.proxy.rowCount(), 3);
    QCOMPARE(f.model.pendingCount(), 0);
    QCOMPARE(f.model.recordAt(0).requestId, QStringLiteral("req_000000"));
    QCOMPARE(f.model.recordAt(2).requestId, QStringLiteral("req_000002"));
}

void TestRequestTableModel::cellTextIsComputedFromTheRecord()
{
    Fixture f;
    RequestRecord streamed = sampleStreamRecord(1);
    RequestRecord failed = sampleErrorRecord(2);
    RequestRecord noStatus = sampleRecord(3);
    noStatus.status = 0;
    noStatus.method.clear();
    f.model.appendBatch(makeBatch({sampleRecord(0), streamed, failed, noStatus}));
    f.model.flush();
    QCOMPARE(f.model.rowCount(), 4);

    const QString dash = QStringLiteral("\u2014");
    using M = RequestTableModel;
    QCOMPARE(f.text(0, M::TimeColumn), sampleBaseTime().toString(QStringLiteral("hh:mm:ss.zzz")));
    QCOMPARE(f.text(0, M::TimeColumn), QStringLiteral("14:03:07.250"));
    QCOMPARE(f.text(0, M::EndpointColumn), QStringLiteral("POST /v1/chat/completions"));
    QCOMPARE(f.text(0, M::ProviderColumn), QStringLiteral("openai"));
    QCOMPARE(f.text(0, M::ModelColumn), QStringLiteral("gpt-4o-mini"));
    QCOMPARE(f.text(0, M::StatusColumn), QStringLiteral("200"));
    QCOMPARE(f.text(0, M::LatencyColumn), QStringLiteral("200"));
    QCOMPARE(f.text(0, M::TtfbColumn), QStringLiteral("90.0"));
    QCOMPARE(f.text(0, M::TokensColumn), QStringLiteral("12/30/42"));
    QCOMPARE(f.text(0, M::StreamColumn), QString());
    QCOMPARE(f.text(0, M::TraceIdColumn), QStringLiteral("trace-0"));

    QCOMPARE(f.text(1, M::StreamColumn), QStringLiteral("stream"));

    QCOMPARE(f.text(2, M::StatusColumn), QStringLiteral("503"));
    QCOMPARE(f.text(2, M::TtfbColumn), dash);
    QCOMPARE(f.text(2, M::TokensColumn), dash);
    QCOMPARE(f.text(2, M::ProviderColumn), QStringLiteral("anthropic"));
    QVERIFY(f.model.index(2, M::StatusColumn).data(Qt::ToolTipRole).toString().contains(QStringLiteral("All targets failed")));

    QCOMPARE(f.text(3, M::StatusColumn), dash);
    QCOMPARE(f.text(3, M::EndpointColumn), QStringLiteral("/v1/chat/completions"));

    // Partly reported usage shows a dash only where it is missing.
    RequestRecord partial = sampleRecord(4);
    partial.completionTokens = -1;
    partial.totalTokens = -1;
    f.model.appendBatch(makeBatch({partial}));
    f.model.flush();
    QCOMPARE(f.text(4, M::TokensColumn), QStringLiteral("12/%1/%1").arg(dash));

    // Numbers align right, text left.
    const auto align = [&](int column) {
        return Qt::Alignment(f.model.index(0, column).data(Qt::TextAlignmentRole).toInt());
    };
    QVERIFY(align(M::LatencyColumn) & Qt::AlignRight);
    QVERIFY(align(M::ModelColumn) & Qt::AlignLeft);
}

void TestRequestTableModel::typedRolesCarryRawNumbers()
{
    Fixture f;
    f.model.appendBatch(makeBatch({sampleRecord(5), sampleErrorRecord(6), sampleStreamRecord(7)}));
    f.model.flush();
    using M = RequestTableModel;
    const QModelIndex ok = f.model.index(0, M::TimeColumn);
    const QModelIndex bad = f.model.index(1, M::ModelColumn);

    QCOMPARE(ok.data(M::StatusRole).toInt(), 200);
    QCOMPARE(ok.data(M::LatencyMsRole).toLongLong(), 205);
    QCOMPARE(ok.data(M::TtfbMsRole).toLongLong(), 95);
    QCOMPARE(ok.data(M::PromptTokensRole).toLongLong(), 12);
    QCOMPARE(ok.data(M::CompletionTokensRole).toLongLong(), 35);
    QCOMPARE(ok.data(M::TotalTokensRole).toLongLong(), 47);
    QCOMPARE(ok.data(M::ReceivedAtRole).toDateTime(), sampleBaseTime().addMSecs(5 * 137));
    QCOMPARE(ok.data(M::ProviderRole).toString(), QStringLiteral("openai"));
    QCOMPARE(ok.data(M::PathRole).toString(), QStringLiteral("/v1/chat/completions"));
    QCOMPARE(ok.data(M::TraceIdRole).toString(), QStringLiteral("trace-5"));
    QCOMPARE(ok.data(M::RequestIdRole).toString(), QStringLiteral("req_000005"));
    QCOMPARE(ok.data(M::IsErrorRole).toBool(), false);
    QCOMPARE(ok.data(M::StreamRole).toBool(), false);

    QCOMPARE(bad.data(M::StatusRole).toInt(), 503);
    QCOMPARE(bad.data(M::TotalTokensRole).toLongLong(), -1);
    QCOMPARE(bad.data(M::TtfbMsRole).toLongLong(), -1);
    QCOMPARE(bad.data(M::IsErrorRole).toBool(), true);
    QCOMPARE(f.model.index(2, 0).data(M::StreamRole).toBool(), true);

    // SortRole is the raw value of the cell's own column.
    QCOMPARE(f.model.index(0, M::LatencyColumn).data(M::SortRole).toLongLong(), 205);
    QCOMPARE(f.model.index(1, M::StatusColumn).data(M::SortRole).toInt(), 503);
    QCOMPARE(f.model.index(1, M::TokensColumn).data(M::SortRole).toLongLong(), -1);
    QCOMPARE(f.model.index(0, M::TimeColumn).data(M::SortRole).toLongLong(),
             sampleBaseTime().addMSecs(5 * 137).toMSecsSinceEpoch());

    const QString filterText = bad.data(M::FilterTextRole).toString();
    for (const char* part : {"anthropic", "claude-3-5-sonnet", "/v1/chat/completions", "503", "trace-6"})
        QVERIFY2(filterText.contains(QLatin1String(part)), part);
}

void TestRequestTableModel::statusColourForErrors()
{
    Fixture f;
    RequestRecord notFound = sampleRecord(1);
    notFound.status = 404;
    f.model.appendBatch(makeBatch({sampleRecord(0), notFound, sampleErrorRecord(2)}));
    f.model.flush();
    using M = RequestTableModel;
    QVERIFY(!f.model.index(0, M::StatusColumn).data(Qt::ForegroundRole).isValid());
    const QColor c4xx = f.model.index(1, M::StatusColumn).data(Qt::ForegroundRole).value<QColor>();
    const QColor c5xx = f.model.index(2, M::StatusColumn).data(Qt::ForegroundRole).value<QColor>();
    QVERIFY(c4xx.isValid());
    QVERIFY(c5xx.isValid());
    QVERIFY(c4xx != c5xx);
    QVERIFY(!f.model.index(2, M::ModelColumn).data(Qt::ForegroundRole).isValid());   // only the status cell
}

void TestRequestTableModel::oneInsertPerFlush()
{
    Fixture f;
    QSignalSpy inserted(&f.model, &QAbstractItemModel::rowsInserted);
    QSignalSpy flushed(&f.model, &RequestTableModel::flushed);
    f.model.appendBatch(sampleBatch(0, 500));
    f.model.appendBatch(sampleBatch(500, 700));
    f.model.appendBatch(sampleBatch(1200, 300));
    QTRY_COMPARE(f.model.rowCount(), 1500);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 0);      // first
    QCOMPARE(inserted.at(0).at(2).toInt(), 1499);   // last (inclusive)
    QCOMPARE(flushed.count(), 1);
    QCOMPARE(flushed.at(0).at(0).toInt(), 1500);
    QCOMPARE(f.proxy.rowCount(), 1500);
    QCOMPARE(f.model.recordAt(1499).requestId, QStringLiteral("req_001499"));

    // A later burst is one more insert, appended after the existing rows.
    f.model.appendBatch(sampleBatch(1500, 10));
    QTRY_COMPARE(f.model.rowCount(), 1510);
    QCOMPARE(inserted.count(), 2);
    QCOMPARE(inserted.at(1).at(1).toInt(), 1500);
    QCOMPARE(inserted.at(1).at(2).toInt(), 1509);
}

void TestRequestTableModel::capEvictsOldestInOneFlush()
{
    Fixture f;
    f.model.setMaxRows(5);
    QSignalSpy inserted(&f.model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&f.model, &QAbstractItemModel::rowsRemoved);
    f.model.appendBatch(sampleBatch(0, 7));
    f.model.appendBatch(sampleBatch(7, 5));   // 12 records in all
    QTRY_COMPARE(f.model.rowCount(), 5);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(removed.count(), 0);   // the model was empty: the older 7 were never shown
    for (int row = 0; row < 5; ++row)
        QCOMPARE(f.model.recordAt(row).requestId, QStringLiteral("req_%1").arg(7 + row, 6, 10, QLatin1Char('0')));
    QCOMPARE(f.proxy.rowCount(), 5);
}

void TestRequestTableModel::capEvictsAcrossFlushes()
{
    Fixture f;
    f.model.setMaxRows(5);
    f.model.appendBatch(sampleBatch(0, 3));
    f.model.flush();
    QCOMPARE(f.model.rowCount(), 3);

    QSignalSpy inserted(&f.model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&f.model, &QAbstractItemModel::rowsRemoved);
    f.model.appendBatch(sampleBatch(3, 4));   // 7 total -> evict the 2 oldest
    QTRY_COMPARE(inserted.count(), 1);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.at(0).at(1).toInt(), 0);
    QCOMPARE(removed.at(0).at(2).toInt(), 1);
    QCOMPARE(f.model.rowCount(), 5);
    QCOMPARE(f.model.recordAt(0).requestId, QStringLiteral("req_000002"));
    QCOMPARE(f.model.recordAt(4).requestId, QStringLiteral("req_000006"));

    // 12 more in one flush replace every old row: still one remove and one insert.
    f.model.appendBatch(sampleBatch(7, 12));
    QTRY_COMPARE(inserted.count(), 2);
    QCOMPARE(removed.count(), 2);
    QCOMPARE(removed.at(1).at(1).toInt(), 0);
    QCOMPARE(removed.at(1).at(2).toInt(), 4);
    QCOMPARE(f.model.rowCount(), 5);
    QCOMPARE(f.model.recordAt(0).requestId, QStringLiteral("req_000014"));
    QCOMPARE(f.model.recordAt(4).requestId, QStringLiteral("req_000018"));
}

void TestRequestTableModel::lowerCapEvictsImmediately()
{
    Fixture f;
    f.model.appendBatch(sampleBatch(0, 10));
    f.model.flush();
    f.model.setMaxRows(4);
    QCOMPARE(f.model.rowCount(), 4);
    QCOMPARE(f.model.recordAt(0).requestId, QStringLiteral("req_000006"));
    f.model.setMaxRows(0);   // clamped to 1
    QCOMPARE(f.model.maxRows(), 1);
    QCOMPARE(f.model.rowCount(), 1);
}

void TestRequestTableModel::recordsAreSharedNotCopied()
{
    Fixture f;
    const RecordBatch batch = sampleBatch(0, 3);
    f.model.appendBatch(batch);
    f.model.flush();
    QCOMPARE(&f.model.recordAt(1), &(*batch)[1]);   // the row is the batch's record
    const auto kept = f.model.recordPtrAt(1);
    f.model.clear();
    QCOMPARE(kept->requestId, QStringLiteral("req_000001"));   // shared ownership outlives the row
    QVERIFY(!f.model.recordPtrAt(0));
}

void TestRequestTableModel::clearDropsRowsAndQueue()
{
    Fixture f;
    f.model.appendBatch(sampleBatch(0, 4));
    QTRY_COMPARE(f.model.rowCount(), 4);
    QSignalSpy reset(&f.model, &QAbstractItemModel::modelReset);
    f.model.clear();
    QCOMPARE(reset.count(), 1);
    QCOMPARE(f.model.rowCount(), 0);
    QCOMPARE(f.proxy.rowCount(), 0);

    // Records queued but not yet flushed are dropped as well.
    f.model.appendBatch(sampleBatch(4, 4));
    f.model.clear();
    QTest::qWait(3 * RequestTableModel::kDefaultFlushIntervalMs);
    QCOMPARE(f.model.rowCount(), 0);

    // And the model keeps working afterwards.
    f.model.appendBatch(sampleBatch(8, 2));
    QTRY_COMPARE(f.model.rowCount(), 2);
    QCOMPARE(f.model.recordAt(0).requestId, QStringLiteral("req_000008"));
}

void TestRequestTableModel::pauseHoldsRowsUntilResume()
{
    Fixture f;
    f.model.setMaxRows(50);
    QSignalSpy paused(&f.model, &RequestTableModel::pausedChanged);
    f.model.setPaused(true);
    QCOMPARE(paused.count(), 1);
    for (int i = 0; i < 8; ++i)
        f.model.appendBatch(sampleBatch(i * 10, 10));
    QTest::qWait(3 * RequestTableModel::kDefaultFlushIntervalMs);
    QCOMPARE(f.model.rowCount(), 0);
    QVERIFY(f.model.pendingCount() >= 50);   // bounded: whole batches beyond the cap are dropped
    QVERIFY(f.model.pendingCount() < 60);

    QSignalSpy inserted(&f.model, &QAbstractItemModel::rowsInserted);
    f.model.setPaused(false);   // resume flushes at once
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(f.model.rowCount(), 50);
    QCOMPARE(f.model.recordAt(49).requestId, QStringLiteral("req_000079"));
    QCOMPARE(f.model.recordAt(0).requestId, QStringLiteral("req_000030"));
}

void TestRequestTableModel::proxyFiltersAndSorts()
{
    Fixture f;
    std::vector<RequestRecord> v;
    for (int i = 0; i < 6; ++i)
        v.push_back(i % 3 == 2 ? sampleErrorRecord(i) : sampleRecord(i));
    v[0].totalMs = 900;
    f.model.appendBatch(makeBatch(std::move(v)));
    f.model.flush();

    f.proxy.setFilterFixedString(QStringLiteral("ANTHROPIC"));
    QCOMPARE(f.proxy.rowCount(), 2);
    f.proxy.setFilterFixedString(QStringLiteral("503"));
    QCOMPARE(f.proxy.rowCount(), 2);
    f.proxy.setFilterFixedString(QStringLiteral("trace-4"));
    QCOMPARE(f.proxy.rowCount(), 1);
    f.proxy.setFilterFixedString(QStringLiteral("completions"));
    QCOMPARE(f.proxy.rowCount(), 6);
    f.proxy.setFilterFixedString(QString());

    f.proxy.sort(RequestTableModel::LatencyColumn, Qt::DescendingOrder);
    QCOMPARE(f.proxy.index(0, RequestTableModel::LatencyColumn).data(RequestTableModel::LatencyMsRole).toLongLong(), 900);
    QCOMPARE(f.proxy.index(1, RequestTableModel::LatencyColumn).data(RequestTableModel::LatencyMsRole).toLongLong(), 205);
    f.proxy.sort(RequestTableModel::StatusColumn, Qt::DescendingOrder);
    QCOMPARE(f.proxy.index(0, 0).data(RequestTableModel::StatusRole).toInt(), 503);

    // New rows go through the proxy too while it is sorted.
    f.model.appendBatch(sampleBatch(100, 3));
    QTRY_COMPARE(f.proxy.rowCount(), 9);
}

QTEST_MAIN(TestRequestTableModel)
#include "tst_request_table_model.moc"
