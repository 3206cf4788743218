// MainWindow: gateway signals reach the table, the status bar and the detail pane; a screenshot is
// saved for people to look at (GATEHOUSE_SCREENSHOT_DIR, else the temp dir).

#include "gateway_service.h"
#include "main_window.h"
#include "models/request_table_model.h"
#include "sample_records.h"
#include "views/request_detail_view.h"

#include <QDir>
#include <QImage>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace gatehouse;
using namespace gatehouse::test;

namespace {

RecordBatch mixedBatch()
{
    std::vector<RequestRecord> v;
    v.push_back(sampleRecord(0));
    v.push_back(sampleErrorRecord(1));
    v.push_back(sampleStreamRecord(2));
    v.push_back(sampleRecord(3));
    return makeBatch(std::move(v));
}

QString screenshotDir()
{
    const QString env = qEnvironmentVariable("GATEHOUSE_SCREENSHOT_DIR");
    return env.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::TempLocation) : env;
}

int proxyRowOf(const MainWindow& w, const QString& requestId)
{
    const auto* proxy = w.requestProxy();
    for (int row = 0; row < proxy->rowCount(); ++row)
        if (proxy->index(row, 0).data(RequestTableModel::RequestIdRole).toString() == requestId)
            return row;
    return -1;
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initialState();
    void gatewayStateInStatusBar();
    void recordsFlowIntoTable();
    void selectingShowsDetails();
    void filterNarrowsTable();
    void pauseAndClear();
    void evictedSelectionKeepsDetail();
    void screenshot();
};

void TestMainWindow::initialState()
{
    GatewayService gateway;
    MainWindow w(&gateway);
    QCOMPARE(w.windowTitle(), QStringLiteral("Gatehouse"));
    QCOMPARE(w.size(), QSize(1200, 760));
    QCOMPARE(w.requestModel()->rowCount(), 0);
    QVERIFY(!w.detailView()->hasRecord());
    QVERIFY(w.isAutoScroll());
    QVERIFY(!w.isPaused());
    QCOMPARE(w.countsText(), QStringLiteral("0 requests \u00b7 0 errors"));

    MainWindow orphan(nullptr);   // no gateway is allowed
    QVERIFY(!orphan.gatewayStatusText().isEmpty());
}

void TestMainWindow::gatewayStateInStatusBar()
{
    GatewayService gateway;
    MainWindow w(&gateway);
    Q_EMIT gateway.started(QStringLiteral("http://127.0.0.1:8787"));
    QCOMPARE(w.gatewayStatusText(), QStringLiteral("Gateway listening on http://127.0.0.1:8787/v1"));
    Q_EMIT gateway.failed(QStringLiteral("cannot listen on 127.0.0.1:8787: Address already in use"));
    QCOMPARE(w.gatewayStatusText(), QStringLiteral("Gateway failed: Port 8787 is in use by another program. "
                                                   "Stop it, or choose another port in Settings (or --port)."));
    QVERIFY(!w.fixButton()->isHidden());
    Q_EMIT gateway.failed(QStringLiteral("something else broke"));
    QCOMPARE(w.gatewayStatusText(), QStringLiteral("Gateway failed: something else broke"));
    QVERIFY(w.fixButton()->isHidden());
    Q_EMIT gateway.started(QStringLiteral("http://127.0.0.1:8787"));
    QVERIFY(!w.connectionsLabel()->isHidden());
    QCOMPARE(w.connectionsLabel()->text(), QStringLiteral("0 connections"));
    Q_EMIT gateway.connectionsChanged(1);
    QCOMPARE(w.connectionsLabel()->text(), QStringLiteral("1 connection"));
    Q_EMIT gateway.stopped();
    QCOMPARE(w.gatewayStatusText(), QStringLiteral("Gateway stopped"));
    QVERIFY(w.connectionsLabel()->isHidden());

    // Circuits: said only while one is open or probing; a click asks for the Dashboard.
    CircuitStatus open;
    open.key = "flaky";
    open.state = CircuitState::Open;
    Q_EMIT gateway.circuitsChanged(std::make_shared<const std::vector<CircuitStatus>>(std::vector<CircuitStatus>{open}));
    QVERIFY(!w.circuitLabel()->isHidden());
    QVERIFY(w.circuitLabel()->text().contains(QStringLiteral("1 circuit open")));
    QSignalSpy asked(&w, &MainWindow::circuitsRequested);
    Q_EMIT w.circuitLabel()->linkActivated(QStringLiteral("circuits"));
    QCOMPARE(asked.count(), 1);
    open.state = CircuitState::Closed;
    Q_EMIT gateway.circuitsChanged(std::make_shared<const std::vector<CircuitStatus>>(std::vector<CircuitStatus>{open}));
    QVERIFY(w.circuitLabel()->isHidden());
}

void TestMainWindow::recordsFlowIntoTable()
{
    GatewayService gateway;
    MainWindow w(&gateway);
    Q_EMIT gateway.recordsReady(mixedBatch());
    QCOMPARE(w.requestCount(), 4);   // counted on arrival
    QCOMPARE(w.errorCount(), 1);
    QCOMPARE(w.countsText(), QStringLiteral("4 requests \u00b7 1 error"));
    QTRY_COMPARE(w.requestTable()->model()->rowCount(), 4);   // shown after the flush
}

void TestMainWindow::selectingShowsDetails()
{
    GatewayService gateway;
    MainWindow w(&gateway);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    Q_EMIT gateway.recordsReady(mixedBatch());
    QTRY_COMPARE(w.requestProxy()->rowCount(), 4);

    auto* detail = w.detailView();
    const int errorRow = proxyRowOf(w, QStringLiteral("req_000001"));
    QVERIFY(errorRow >= 0);
    w.requestTable()->selectRow(errorRow);
    QVERIFY(detail->hasRecord());
    QCOMPARE(detail->shownRequestId(), QStringLiteral("req_000001"));
    QCOMPARE(detail->fieldText(RequestDetailView::Field::Status), QStringLiteral("503 Service Unavailable"));
    QCOMPARE(detail->fieldText(RequestDetailView::Field::Provider), QStringLiteral("anthropic"));
    QVERIFY(detail->fieldText(RequestDetailView::Field::Error).startsWith(QStringLiteral("api_error: All targets failed")));
    QCOMPARE(detail->fieldText(RequestDetailView::Field::Attempts), QStringLiteral("3"));
    QCOMPARE(detail->requestBodyText(),
             QStringLiteral("{\n"
                            "  \"messages\": [\n"
                            "    {\n"
                            "      \"content\": \"Say hi\",\n"
                            "      \"role\": \"user\"\n"
                            "    }\n"
                            "  ],\n"
                            "  \"model\": \"gpt-4o-mini\"\n"
                            "}"));
    QVERIFY(detail->responseBodyText().contains(QStringLiteral("\"type\": \"api_error\"")));

    // A streamed response is not JSON: shown as the raw SSE text.
    const int streamRow = proxyRowOf(w, QStringLiteral("req_000002"));
    w.requestTable()->selectRow(streamRow);
    QCOMPARE(detail->shownRequestId(), QStringLiteral("req_000002"));
    QVERIFY(detail->responseBodyText().startsWith(QStringLiteral("data: {\"id\":\"chatcmpl-2\"")));
    QVERIFY(detail->requestBodyText().contains(QStringLiteral("\"stream\": true")));
    QCOMPARE(detail->tabTitle(RequestDetailView::ResponseTab), QStringLiteral("Response"));
}

void TestMainWindow::filterNarrowsTable()
{
    GatewayService gateway;
    MainWindow w(&gateway);
    Q_EMIT gateway.recordsReady(mixedBatch());
    QTRY_COMPARE(w.requestProxy()->rowCount(), 4);
    w.filterEdit()->setText(QStringLiteral("503"));
    QCOMPARE(w.requestProxy()->rowCount(), 1);
    QVERIFY(w.countsText().contains(QStringLiteral("1 of 4 shown")));
    w.filterEdit()->setText(QStringLiteral("anthropic"));
    QCOMPARE(w.requestProxy()->rowCount(), 1);
    w.filterEdit()->clear();
    QCOMPARE(w.requestProxy()->rowCount(), 4);
}

void TestMainWindow::pauseAndClear()
{
    GatewayService gateway;
    MainWindow w(&gateway);
    Q_EMIT gateway.recordsReady(mixedBatch());
    QTRY_COMPARE(w.requestProxy()->rowCount(), 4);
    w.requestTable()->selectRow(0);
    QVERIFY(w.detailView()->hasRecord());

    w.setPaused(true);
    QVERIFY(w.isPaused());
    Q_EMIT gateway.recordsReady(sampleBatch(10, 3));
    QTest::qWait(300);
    QCOMPARE(w.requestProxy()->rowCount(), 4);
    QCOMPARE(w.requestCount(), 7);
    w.setPaused(false);
    QCOMPARE(w.requestProxy()->rowCount(), 7);

    w.clearRequests();
    QCOMPARE(w.requestProxy()->rowCount(), 0);
    QCOMPARE(w.requestCount(), 0);
    QVERIFY(!w.detailView()->hasRecord());
}

void TestMainWindow::evictedSelectionKeepsDetail()
{
    GatewayService gateway;
    MainWindow w(&gateway);
    w.requestModel()->setMaxRows(3);
    Q_EMIT gateway.recordsReady(sampleBatch(0, 3));
    QTRY_COMPARE(w.requestProxy()->rowCount(), 3);
    w.requestTable()->selectRow(0);
    QCOMPARE(w.detailView()->shownRequestId(), QStringLiteral("req_000000"));

    // The selected (oldest) row is evicted: the pane keeps it instead of jumping to a neighbour, and the
    // table drops the stale selection.
    Q_EMIT gateway.recordsReady(sampleBatch(3, 2));
    QTRY_COMPARE(w.requestModel()->recordAt(0).requestId, QStringLiteral("req_000002"));
    QTRY_VERIFY(!w.requestTable()->selectionModel()->currentIndex().isValid());
    QVERIFY(!w.requestTable()->selectionModel()->hasSelection());
    QCOMPARE(w.detailView()->shownRequestId(), QStringLiteral("req_000000"));

    // Filtering the selected row away behaves the same; picking a row again follows the pick.
    w.requestTable()->selectRow(1);
    QCOMPARE(w.detailView()->shownRequestId(), QStringLiteral("req_000003"));
    w.filterEdit()->setText(QStringLiteral("trace-4"));
    QCOMPARE(w.requestProxy()->rowCount(), 1);
    QCOMPARE(w.detailView()->shownRequestId(), QStringLiteral("req_000003"));
    QTRY_VERIFY(!w.requestTable()->selectionModel()->hasSelection());
    w.requestTable()->selectRow(0);
    QCOMPARE(w.detailView()->shownRequestId(), QStringLiteral("req_000004"));
}

void TestMainWindow::screenshot()
{
    GatewayService gateway;
    MainWindow w(&gateway);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    Q_EMIT gateway.started(QStringLiteral("http://127.0.0.1:8787"));
    std::vector<RequestRecord> v;
    for (int i = 0; i < 20; ++i)
        v.push_back(i % 7 == 3 ? sampleErrorRecord(i) : i % 4 == 1 ? sampleStreamRecord(i) : sampleRecord(i));
    Q_EMIT gateway.recordsReady(makeBatch(std::move(v)));
    QTRY_COMPARE(w.requestProxy()->rowCount(), 20);
    w.requestTable()->selectRow(proxyRowOf(w, QStringLiteral("req_000003")));
    QTest::qWait(250);   // let auto-scroll run

    const QString dir = screenshotDir();
    QVERIFY(QDir().mkpath(dir));
    const QString path = QDir(dir).filePath(QStringLiteral("gatehouse-main-window.png"));
    QVERIFY(w.grab().save(path));
    const QImage image(path);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), (QSizeF(w.size()) * w.devicePixelRatioF()).toSize());
    QCOMPARE(image.size(), QSize(1200, 760));
    qInfo("screenshot: %s", qPrintable(path));
}

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
