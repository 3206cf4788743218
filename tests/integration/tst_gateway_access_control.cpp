// Local gateway API keys on the real gateway: x-portkey-api-key decides, errors are OpenAI-shaped
// 401s, /health stays open, and a non-loopback listener without keys refuses to start.

#include "integration_support.h"

#include "pipeline/gateway_access.h"

#include <QSignalSpy>
#include <QTest>

using namespace gatehouse;
using namespace gatehouse::itest;

class TestGatewayAccessControl : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        GatewaySettings s = testSettings();
        s.apiKeyDigests = {gatewayKeyDigest("gk-local-1"), gatewayKeyDigest("gk-local-2")};
        QVERIFY(gw_.start(s));
    }

    void requestsNeedAGatewayKey_data()
    {
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::newRow("missing") << QByteArray() << 401 << "gateway_key_missing";
        QTest::newRow("wrong") << QByteArray("gk-local-3") << 401 << "gateway_key_invalid";
        QTest::newRow("first") << QByteArray("gk-local-1") << 200 << QString();
        QTest::newRow("second") << QByteArray("gk-local-2") << 200 << QString();
    }

    void requestsNeedAGatewayKey()
    {
        QFETCH(QByteArray, key);
        QFETCH(int, status);
        QFETCH(QString, code);
        RawHeaders extra;
        if (!key.isEmpty())
            extra.append({"x-portkey-api-key", key});
        const auto r = roundTrip(gw_.port(), httpRequest("POST", "/v1/chat/completions", mockHeaders(extra), chatBody(QStringLiteral("hi"), QStringLiteral("mock-gpt"))));
        QVERIFY(r);
        if (status == 200) {
            QCOMPARE(r->status, 200);
        } else {
            const QString problem = openAiErrorProblem(*r, status, code);
            QVERIFY2(problem.isEmpty(), qPrintable(problem));
            QVERIFY(!r->body.contains("gk-local-3"));
        }
    }

    void healthNeedsNoKey()
    {
        const auto r = roundTrip(gw_.port(), httpRequest("GET", "/health", {}));
        QVERIFY(r);
        QCOMPARE(r->status, 200);
    }

    void nonLoopbackWithoutKeysRefusesToStart()
    {
        GatewayService service;
        QSignalSpy failed(&service, &GatewayService::failed);
        QSignalSpy started(&service, &GatewayService::started);
        GatewaySettings s = testSettings();
        s.bindAddress = QStringLiteral("0.0.0.0");
        service.start(s);
        QVERIFY(failed.wait(5000));
        QCOMPARE(started.count(), 0);
        const QString message = failed.first().first().toString();
        QVERIFY2(message.contains(QStringLiteral("without a gateway API key")) && message.contains(QStringLiteral("--gateway-key-file")),
                 qPrintable(message));
    }

private:
    GatewayHarness gw_;
};

QTEST_GUILESS_MAIN(TestGatewayAccessControl)
#include "tst_gateway_access_control.moc"
