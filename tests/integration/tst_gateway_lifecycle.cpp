// GatewayService's life: start on an ephemeral port (or fail clearly when the port is taken), and the
// graceful stop: in-flight answers finish, idle connections close, new connections are refused,
// stopped() comes last; stragglers beyond the grace time are cut and recorded as 499.

#include "integration_support.h"
#include "mock_upstream.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <sys/ioctl.h>

using namespace gatehouse;
using namespace gatehouse::itest;
using gatehouse::test::MockUpstream;

namespace {

// Whether a fresh connection to the port is refused (the listener is gone).
bool connectionRefused(quint16 port)
{
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, port);
    (void)QTest::qWaitFor([&] {
        return s.state() == QAbstractSocket::ConnectedState || s.state() == QAbstractSocket::UnconnectedState;
    }, 2000);
    const bool refused = s.state() == QAbstractSocket::UnconnectedState && s.error() == QAbstractSocket::ConnectionRefusedError;
    s.abort();
    return refused;
}

// Bytes the client has taken plus those waiting in its kernel buffer.
qint64 bytesDelivered(RawHttpClient& c)
{
    int pending = 0;
    if (c.socket().socketDescriptor() >= 0)
        ::ioctl(int(c.socket().socketDescriptor()), FIONREAD, &pending);
    return c.allReceived().size() + c.socket().bytesAvailable() + pending;
}

int inFlight(quint16 port)
{
    const auto r = roundTrip(port, httpRequest("GET", "/health", {}));
    return r ? r->json().value("in_flight", -1) : -1;
}

} // namespace

class TestGatewayLifecycle : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void startsOnEphemeralPortAndReportsBaseUrl();
    void portInUseFailsToStart();
    void secondGatewayOnSamePortFailsToStart();
    void restartAfterStop();
    void stopRightAfterStart();
    void stopLetsInFlightRequestsFinish();
    void stopCutsStragglersAfterGraceTime();
};

void TestGatewayLifecycle::startsOnEphemeralPortAndReportsBaseUrl()
{
    GatewayService service;
    QSignalSpy started(&service, &GatewayService::started);
    service.start(testSettings());
    QVERIFY(started.wait(5000));
    QVERIFY(service.isRunning());
    QVERIFY(service.port() != 0);
    const QString expected = QStringLiteral("http://127.0.0.1:%1").arg(service.port());
    QCOMPARE(service.baseUrl(), expected);
    QCOMPARE(started.first().first().toString(), expected);
    const auto r = roundTrip(service.port(), httpRequest("GET", "/health", {}));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QSignalSpy stopped(&service, &GatewayService::stopped);
    service.stop();
    QVERIFY(stopped.wait(5000));
    QVERIFY(!service.isRunning());
}

void TestGatewayLifecycle::portInUseFailsToStart()
{
    QTcpServer occupier;
    QVERIFY(occupier.listen(QHostAddress::LocalHost, 0));
    GatewayService service;
    QSignalSpy started(&service, &GatewayService::started);
    QSignalSpy failed(&service, &GatewayService::failed);
    GatewaySettings s = testSettings();
    s.port = occupier.serverPort();
    service.start(s);
    QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty() || !started.isEmpty(), 5000);
    QCOMPARE(started.size(), 0);
    const QString message = failed.first().first().toString();
    QVERIFY2(message.contains(QString::number(s.port)) && message.contains(QLatin1String("in use")), qPrintable(message));
    QVERIFY(!service.isRunning());
}

void TestGatewayLifecycle::secondGatewayOnSamePortFailsToStart()
{
    // Two gateways on one port would split the clients' connections between them at random.
    GatewayHarness first;
    QVERIFY(first.start());
    GatewayService second;
    QSignalSpy started(&second, &GatewayService::started);
    QSignalSpy failed(&second, &GatewayService::failed);
    GatewaySettings s = testSettings();
    s.port = first.port();
    second.start(s);
    QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty() || !started.isEmpty(), 5000);
    QVERIFY2(failed.size() == 1 && started.isEmpty(),
             qPrintable(QStringLiteral("second gateway: started %1, failed %2").arg(started.size()).arg(failed.size())));
}

void TestGatewayLifecycle::restartAfterStop()
{
    GatewayHarness gw;
    QVERIFY(gw.start());
    gw.service().stopAndWait();
    QVERIFY(!gw.service().isRunning());
    QVERIFY(gw.start());
    const auto r = roundTrip(gw.port(), httpRequest("POST", "/v1/chat/completions", mockHeaders(), chatBody("again", "mock-gpt")));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
}

void TestGatewayLifecycle::stopRightAfterStart()
{
    GatewayService service;
    QSignalSpy started(&service, &GatewayService::started);
    QSignalSpy stopped(&service, &GatewayService::stopped);
    service.start(testSettings());
    service.stop();   // before started() has even arrived
    QVERIFY(stopped.wait(5000));
    QCOMPARE(stopped.size(), 1);
    QVERIFY(!service.isRunning());
    service.stop();   // harmless when already stopped
    QTest::qWait(50);
    QCOMPARE(stopped.size(), 1);
}

void TestGatewayLifecycle::stopLetsInFlightRequestsFinish()
{
    MockUpstream up;
    QVERIFY(up.listen());
    GatewayHarness gw;
    QVERIFY(gw.start());
    const quint16 port = gw.port();

    // An idle keep-alive connection, a slow plain request upstream and a paced mock stream.
    RawHttpClient idle;
    QVERIFY(idle.connectTo(port));
    idle.send(httpRequest("GET", "/health", {}));
    QVERIFY(idle.readResponse());

    RawHttpClient slow;
    QVERIFY(slow.connectTo(port));
    slow.send(httpRequest("POST", "/v1/chat/completions",
                          openAiHeaders(QStringLiteral("http://127.0.0.1:%1/delay/800/v1").arg(up.port()),
                                        {{"x-portkey-trace-id", "drain-slow"}}),
                          chatBody("slow", "gpt-4o-mini")));
    RawHttpClient stream;
    QVERIFY(stream.connectTo(port));
    stream.send(httpRequest("POST", "/v1/chat/completions", mockHeaders({{"x-portkey-trace-id", "drain-stream"}}),
                            chatBody("drain me", "mock-gpt@gap=100", true)));
    QTRY_COMPARE_WITH_TIMEOUT(up.requestCount(), 1, 3000);
    QVERIFY(stream.waitForUnreadContaining("data: ", 3000));

    bool stoppedSeen = false;
    qint64 slowBytesAtStop = -1, streamBytesAtStop = -1;
    bool recordsAtStop = false;
    QObject::connect(&gw.service(), &GatewayService::stopped, &gw.service(), [&] {
        stoppedSeen = true;
        slowBytesAtStop = bytesDelivered(slow);
        streamBytesAtStop = bytesDelivered(stream);
        recordsAtStop = gw.recordByTrace(QStringLiteral("drain-slow")) && gw.recordByTrace(QStringLiteral("drain-stream"));
    });
    QElapsedTimer sinceStop;
    sinceStop.start();
    gw.service().stop();

    // Draining: no new connections, idle ones closed, the busy ones still going.
    QTRY_VERIFY_WITH_TIMEOUT(connectionRefused(port), 1000);
    QVERIFY(idle.waitForClosed(1000));
    QVERIFY(!stoppedSeen);
    QVERIFY(slow.unread().isEmpty());

    const auto slowAnswer = slow.readResponse(5000);
    QVERIFY(slowAnswer);
    QCOMPARE(slowAnswer->status, 200);
    QCOMPARE(slowAnswer->json()["choices"][0]["message"]["content"].get<std::string>(), std::string("Hello from mock upstream"));
    QCOMPARE(slowAnswer->header("connection").toLower(), QByteArray("close"));
    const auto streamAnswer = stream.readResponse(5000);
    QVERIFY(streamAnswer);
    QCOMPARE(streamAnswer->status, 200);
    QVERIFY(streamAnswer->chunkedTerminatorSeen);
    QVERIFY(streamAnswer->body.endsWith("data: [DONE]\n\n"));
    QVERIFY(slow.waitForClosed(2000));
    QVERIFY(stream.waitForClosed(2000));

    QTRY_VERIFY_WITH_TIMEOUT(stoppedSeen, 5000);
    QVERIFY2(sinceStop.elapsed() >= 500, qPrintable(QString::number(sinceStop.elapsed())));
    // stopped() came after both answers were complete on the client's side, and after their records.
    QVERIFY2(slowBytesAtStop >= slowAnswer->offset + slowAnswer->raw.size(), qPrintable(QString::number(slowBytesAtStop)));
    QVERIFY2(streamBytesAtStop >= streamAnswer->offset + streamAnswer->raw.size(), qPrintable(QString::number(streamBytesAtStop)));
    QVERIFY(recordsAtStop);
    QVERIFY(gw.recordByTrace(QStringLiteral("drain-slow")));
    QCOMPARE(gw.recordByTrace(QStringLiteral("drain-slow"))->status, 200);
    QCOMPARE(gw.recordByTrace(QStringLiteral("drain-stream"))->status, 200);
    QVERIFY(!gw.service().isRunning());
    QVERIFY(connectionRefused(port));
}

void TestGatewayLifecycle::stopCutsStragglersAfterGraceTime()
{
    GatewayHarness gw;
    GatewaySettings s = testSettings();
    s.shutdownGraceMs = 300;
    QVERIFY(gw.start(s));
    RawHttpClient c;
    QVERIFY(c.connectTo(gw.port()));
    c.send(httpRequest("POST", "/v1/chat/completions", mockHeaders({{"x-portkey-trace-id", "straggler"}}),
                       chatBody("too slow", "mock-gpt@latency=5000")));
    QTRY_COMPARE_WITH_TIMEOUT(inFlight(gw.port()), 1, 2000);

    QSignalSpy stopped(&gw.service(), &GatewayService::stopped);
    QElapsedTimer t;
    t.start();
    gw.service().stop();
    QVERIFY(stopped.wait(3000));
    const qint64 ms = t.elapsed();
    QVERIFY2(ms >= 250 && ms < 2000, qPrintable(QString::number(ms)));
    QVERIFY(c.waitForClosed(1000));
    QVERIFY(c.unread().isEmpty());
    const RequestRecord* rec = gw.recordByTrace(QStringLiteral("straggler"));
    QVERIFY(rec);
    QCOMPARE(rec->status, 499);
}

QTEST_GUILESS_MAIN(TestGatewayLifecycle)
#include "tst_gateway_lifecycle.moc"
