// The Logs and Traces pages over a real SQLite request log: pages load as the view scrolls, the
// filter syntax narrows them (and a bad filter is shown, not applied), live rows are prepended,
// the detail pane gets the full record, "Copy as curl" carries no secret, traces build their tree.
// Every model runs under QAbstractItemModelTester.

#include "log_query_worker.h"
#include "log_test_records.h"
#include "models/log_table_model.h"
#include "models/trace_list_model.h"
#include "models/trace_tree_model.h"
#include "observability/log_store.h"
#include "pages/logs_page.h"
#include "pages/traces_page.h"
#include "views/request_detail_view.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

using namespace gatehouse;
using namespace logtest;

namespace {

constexpr int kRecords = 700;

QString screenshotDir()
{
    const QString env = qEnvironmentVariable("GATEHOUSE_SCREENSHOT_DIR");
    return env.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::TempLocation) : env;
}

} // namespace

class TestLogPages : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void pagesLoadAsTheViewScrolls();
    void filterNarrowsAndBadFilterIsShown();
    void liveRowsArePrepended();
    void detailAndCurl();
    void tracesListAndTree();
    void exportWritesTheFilteredRows();

private:
    QTemporaryDir dir_;
    QString path_;
    std::vector<RequestRecord> records_;
    LogStore store_;
    qint64 base_ = 0;
};

void TestLogPages::initTestCase()
{
    path_ = dir_.filePath(QStringLiteral("requests.sqlite3"));
    QString error;
    QVERIFY2(store_.open(path_, &error), qPrintable(error));
    base_ = QDateTime::currentMSecsSinceEpoch() - 3600 * 1000;
    for (int i = 0; i < kRecords; ++i)
        records_.push_back(makeRecord(i, base_ + qint64(i) * 1000));
    store_.append(batchOf(records_));
    store_.flushAndWait();
}

void TestLogPages::cleanupTestCase()
{
    store_.close();
}

void TestLogPages::pagesLoadAsTheViewScrolls()
{
    LogQueryWorker worker(path_);
    LogTableModel model(&worker);   // no tester here: it calls fetchMore itself (the other tests run one)
    model.setFilter({});
    QTRY_COMPARE(model.rowCount(), LogTableModel::kPageSize);
    QVERIFY(model.hasMore());
    QVERIFY(model.canFetchMore({}));
    // newest first
    QCOMPARE(model.recordAt(0).requestId, records_.back().requestId);
    QCOMPARE(model.data(model.index(0, LogTableModel::TraceColumn)).toString(), records_.back().traceId);
    model.fetchMore({});
    QTRY_COMPARE(model.rowCount(), kRecords);
    QVERIFY(!model.hasMore());
    QCOMPARE(model.recordAt(kRecords - 1).requestId, records_.front().requestId);
}

void TestLogPages::filterNarrowsAndBadFilterIsShown()
{
    LogQueryWorker worker(path_);
    LogsPage page(&worker, nullptr);
    QAbstractItemModelTester tester(page.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    page.resize(1000, 700);
    page.show();
    QTRY_VERIFY(page.model()->rowCount() >= LogTableModel::kPageSize);

    qint64 expected = 0;
    for (const RequestRecord& r : records_)
        expected += r.provider == QStringLiteral("anthropic") && r.status >= 500 && r.status <= 599;
    QVERIFY(expected > 0);
    page.filterEdit()->setText(QStringLiteral("provider:anthropic status:5xx"));
    page.applyFilter();
    QTRY_COMPARE(qint64(page.model()->rowCount()), expected);
    for (int row = 0; row < page.model()->rowCount(); ++row) {
        QCOMPARE(page.model()->recordAt(row).provider, QStringLiteral("anthropic"));
        QVERIFY(page.model()->recordAt(row).status >= 500);
    }
    QVERIFY(page.filterError()->isHidden());

    page.filterEdit()->setText(QStringLiteral("provder:anthropic"));
    QVERIFY(page.filterError()->isVisibleTo(&page));
    QVERIFY2(page.filterError()->text().contains(QStringLiteral("unknown field 'provder'")), qPrintable(page.filterError()->text()));
    page.applyFilter();
    QTest::qWait(200);
    QCOMPARE(qint64(page.model()->rowCount()), expected);   // the last valid filter stays
}

void TestLogPages::liveRowsArePrepended()
{
    LogQueryWorker worker(path_);
    LogTableModel model(&worker);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    LogFilter onlyMock;
    onlyMock.provider = QStringLiteral("mock");
    model.setFilter(onlyMock);
    QTRY_VERIFY(!model.isLoading() && model.rowCount() > 0);
    const int before = model.rowCount();
    const QString top = model.recordAt(0).requestId;

    std::vector<RequestRecord> fresh;
    for (int i = 0; i < 6; ++i) {
        RequestRecord r = makeRecord(100000 + i, QDateTime::currentMSecsSinceEpoch());
        r.provider = i % 2 ? QStringLiteral("mock") : QStringLiteral("groq");   // groq: no other test counts it
        r.traceId = QStringLiteral("live-trace");   // the trace test counts the others
        fresh.push_back(r);
    }
    store_.append(batchOf(fresh));
    store_.flushAndWait();
    model.refreshNewer();
    QTRY_COMPARE(model.rowCount(), before + 3);   // only the rows the filter matches
    QCOMPARE(model.recordAt(0).requestId, QStringLiteral("req-100005"));
    QCOMPARE(model.recordAt(3).requestId, top);
}

void TestLogPages::detailAndCurl()
{
    LogQueryWorker worker(path_);
    LogsPage page(&worker, nullptr);
    page.setLive(false);
    page.resize(1100, 800);
    page.show();
    page.filterEdit()->setText(QStringLiteral("trace:trace-7"));
    page.applyFilter();
    QTRY_VERIFY(!page.model()->isLoading() && page.model()->rowCount() > 0);
    for (int row = 0; row < page.model()->rowCount(); ++row)
        QCOMPARE(page.model()->recordAt(row).traceId, QStringLiteral("trace-7"));
    page.table()->selectRow(0);
    const QString id = page.model()->recordAt(0).requestId;
    // the row has no bodies; the full record arrives from the worker
    QTRY_VERIFY(page.detail()->requestBodyText().contains(QStringLiteral("Tell me about the")));
    QCOMPARE(page.detail()->shownRequestId(), id);
    const RequestRecord& shown = page.model()->recordAt(0);
    QVERIFY(!shown.attemptLog.empty());
    QVERIFY2(page.detail()->attemptsText().contains(shown.attemptLog.back().path), qPrintable(page.detail()->attemptsText()));
    QCOMPARE(page.detail()->fieldText(RequestDetailView::Field::Span).isEmpty(), false);
    const QString curl = page.curlForCurrent();
    QVERIFY2(curl.startsWith(QStringLiteral("curl 'http://127.0.0.1:8787/v1/")), qPrintable(curl));
    QVERIFY(curl.contains(QStringLiteral("x-portkey-trace-id: trace-7")));
    QVERIFY(curl.contains(QStringLiteral("$PROVIDER_API_KEY")));
    QVERIFY(curl.contains(QStringLiteral("Tell me about the")));
    QVERIFY(page.grab().save(QDir(screenshotDir()).filePath(QStringLiteral("logs_page.png"))));
}

void TestLogPages::tracesListAndTree()
{
    LogQueryWorker worker(path_);
    TracesPage page(&worker);
    QAbstractItemModelTester listTester(page.listModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester treeTester(page.treeModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    page.resize(1100, 800);
    page.show();
    QTRY_VERIFY(page.listModel()->rowCount() > 0);
    QTRY_VERIFY(!page.shownTraceId().isEmpty());   // the newest is opened

    int inTrace = 0;
    int attempts = 0;
    for (const RequestRecord& r : records_) {
        if (r.traceId == QStringLiteral("trace-3")) {
            ++inTrace;
            attempts += int(r.attemptLog.size());
        }
    }
    page.showTrace(QStringLiteral("trace-3"));
    QTRY_COMPARE(page.treeModel()->trace().traceId, QStringLiteral("trace-3"));
    const TraceTree& t = page.treeModel()->trace();
    QCOMPARE(int(t.spans.size()), inTrace + attempts);
    int rootsAndChildren = 0;
    for (int r = 0; r < page.treeModel()->rowCount(); ++r)
        rootsAndChildren += 1 + page.treeModel()->rowCount(page.treeModel()->index(r, 0));
    QVERIFY(rootsAndChildren <= int(t.spans.size()));
    QVERIFY(page.grab().save(QDir(screenshotDir()).filePath(QStringLiteral("traces_page.png"))));
}

void TestLogPages::exportWritesTheFilteredRows()
{
    LogQueryWorker worker(path_);
    LogsPage page(&worker, nullptr);
    page.setLive(false);
    page.filterEdit()->setText(QStringLiteral("provider:openai status:2xx"));
    page.applyFilter();
    QTRY_VERIFY(!page.model()->isLoading());
    qint64 expected = 0;
    for (const RequestRecord& r : records_)
        expected += r.provider == QStringLiteral("openai") && r.status >= 200 && r.status < 300;
    QVERIFY(expected > 0);

    QSignalSpy done(&page, &LogsPage::exportFinished);
    const QString csv = dir_.filePath(QStringLiteral("export.csv"));
    page.exportTo(csv);
    QTRY_COMPARE(done.count(), 1);
    QCOMPARE(done.first().at(0).toLongLong(), expected);
    QVERIFY(done.first().at(1).toString().isEmpty());
    QFile f(csv);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
    QCOMPARE(qint64(lines.size()), expected + 1);   // header + rows
    QVERIFY(lines[0].startsWith("received_at,request_id"));
    for (int i = 1; i < int(lines.size()); ++i)
        QVERIFY2(lines[i].contains(",openai,"), lines[i].constData());

    const QString jsonl = dir_.filePath(QStringLiteral("export.jsonl"));
    page.exportTo(jsonl);
    QTRY_COMPARE(done.count(), 2);
    QFile j(jsonl);
    QVERIFY(j.open(QIODevice::ReadOnly));
    const QList<QByteArray> rows = j.readAll().trimmed().split('\n');
    QCOMPARE(qint64(rows.size()), expected);
    QVERIFY(rows[0].startsWith("{") && rows[0].contains("\"provider\":\"openai\""));

    page.exportTo(dir_.filePath(QStringLiteral("no/such/dir/x.csv")));
    QTRY_COMPARE(done.count(), 3);
    QVERIFY(!done.last().at(1).toString().isEmpty());   // a clear error, no crash
}

QTEST_MAIN(TestLogPages)
#include "tst_log_pages.moc"
