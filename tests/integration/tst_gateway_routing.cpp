// Routing configs through the real gateway against real (mock) upstreams that fail on purpose:
// nested fallback over loadbalance, retries that run out, an opening circuit breaker, conditional
// routing on metadata. Checks what the client sees (status, x-portkey-* headers) and what the record
// says (attempt log, fallback, retries), and which upstream paths were really called.

#include "integration_support.h"
#include "mock_upstream.h"

#include <QTest>

#include <nlohmann/json.hpp>

using namespace gatehouse;
using namespace gatehouse::itest;
using gatehouse::test::MockUpstream;

namespace {

// An OpenAI target pointed at the mock upstream under `customHost`; extra: more keys, starting with ','.
QByteArray leafTarget(const QString& customHost, const QByteArray& extra)
{
    return "{\"provider\":\"openai\",\"api_key\":\"sk-route\",\"custom_host\":\"" + customHost.toUtf8() + "\"" + extra + "}";
}

} // namespace

class TestGatewayRouting : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void nestedFallbackOverLoadbalance();
    void retriesRunOut();
    void circuitOpensAndTargetIsSkipped();
    void conditionalOnMetadata();

private:
    QByteArray target(const QString& prefix, const QByteArray& extra = {}) const { return leafTarget(host(prefix), extra); }
    QString host(const QString& prefix) const { return QStringLiteral("http://127.0.0.1:%1%2/v1").arg(up_.port()).arg(prefix); }
    int callsTo(const QByteArray& prefix) const
    {
        int n = 0;
        for (const auto& r : up_.received())
            n += r.path.startsWith(prefix + "/v1/") ? 1 : 0;
        return n;
    }
    std::optional<HttpResponse> send(const QByteArray& config, const RawHeaders& extra = {})
    {
        return roundTrip(gw_.port(), httpRequest("POST", "/v1/chat/completions",
                                                 RawHeaders{{"content-type", "application/json"}, {"x-portkey-config", config}} + extra,
                                                 chatBody("route me", "gpt-4o-mini")));
    }
    const RequestRecord* lastRecord()
    {
        return gw_.waitForRecords(1) ? &gw_.records().back() : nullptr;
    }

    GatewayHarness gw_;
    MockUpstream up_;
};

void TestGatewayRouting::initTestCase()
{
    QVERIFY(up_.listen());
    QVERIFY(gw_.start());
}

void TestGatewayRouting::init()
{
    up_.clear();
    gw_.clearRecords();
}

void TestGatewayRouting::nestedFallbackOverLoadbalance()
{
    const QByteArray config = R"({"strategy":{"mode":"fallback"},"targets":[
        {"strategy":{"mode":"loadbalance"},"targets":[)" + target("/status/503", R"(,"weight":1)") + "," + target("/status/502", R"(,"weight":1)") + R"(]},
        )" + target("") + "]}";
    const auto r = send(config);
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(r->header("x-portkey-last-used-option-index"), QByteArray("config.targets[1]"));
    QCOMPARE(r->header("x-portkey-retry-attempt-count"), QByteArray("0"));
    QCOMPARE(callsTo("/status/503") + callsTo("/status/502"), 1);   // loadbalance picked one leaf
    QCOMPARE(callsTo(""), 1);

    const RequestRecord* rec = lastRecord();
    QVERIFY(rec);
    QVERIFY(rec->fallbackUsed);
    QCOMPARE(rec->attempts, 2);
    QCOMPARE(int(rec->attemptLog.size()), 2);
    QVERIFY(rec->attemptLog[0].path.startsWith(QStringLiteral("config.targets[0].targets[")));
    QVERIFY(rec->attemptLog[0].status == 503 || rec->attemptLog[0].status == 502);
    QCOMPARE(rec->attemptLog[1].path, QStringLiteral("config.targets[1]"));
    QCOMPARE(rec->attemptLog[1].status, 200);
    QVERIFY(rec->attemptLog[1].startMs >= rec->attemptLog[0].startMs);
}

void TestGatewayRouting::retriesRunOut()
{
    const QByteArray config = R"({"retry":{"attempts":2,"on_status_codes":[503]},"targets":[)" + target("/status/503") + "]}";
    // a single target: mode defaults to fallback over one
    const auto r = send(R"({"strategy":{"mode":"fallback"},)" + config.mid(1));
    QVERIFY(r);
    QCOMPARE(r->status, 503);
    QCOMPARE(r->header("x-portkey-retry-attempt-count"), QByteArray("-1"));   // retries ran out
    QCOMPARE(callsTo("/status/503"), 3);
    const RequestRecord* rec = lastRecord();
    QVERIFY(rec);
    QCOMPARE(rec->attempts, 3);
    QCOMPARE(rec->retries, -1);
    QVERIFY(!rec->fallbackUsed);
}

void TestGatewayRouting::circuitOpensAndTargetIsSkipped()
{
    const QByteArray config = R"({"strategy":{"mode":"fallback"},"targets":[)"
        + target("/status/500", R"(,"id":"flaky","circuit_breaker":{"failure_threshold":2,"window_ms":60000,"cooldown_ms":60000})")
        + "," + target("") + "]}";
    for (int i = 0; i < 2; ++i) {
        const auto r = send(config);
        QVERIFY(r && r->status == 200);
    }
    QCOMPARE(callsTo("/status/500"), 2);
    gw_.clearRecords();
    const auto r = send(config);
    QVERIFY(r && r->status == 200);
    QCOMPARE(callsTo("/status/500"), 2);   // the open circuit kept the third request away from it
    const RequestRecord* rec = lastRecord();
    QVERIFY(rec);
    QCOMPARE(int(rec->attemptLog.size()), 2);
    QCOMPARE(rec->attemptLog[0].status, 503);
    QVERIFY2(rec->attemptLog[0].error.contains(QStringLiteral("circuit breaker is open")), qPrintable(rec->attemptLog[0].error));
    QCOMPARE(rec->attemptLog[0].latencyMs, 0.0);
    QCOMPARE(rec->attempts, 1);   // calls made

    // Observers see it: the service's snapshot (what the window shows), /metrics and /health.
    QTRY_VERIFY(gw_.service().circuits() && !gw_.service().circuits()->empty());
    QTRY_VERIFY(gw_.service().circuits()->front().state == CircuitState::Open);
    const CircuitStatus& flaky = gw_.service().circuits()->front();
    QCOMPARE(flaky.key, std::string("flaky"));
    QCOMPARE(flaky.timesOpened, 1);
    QVERIFY(flaky.probeInMs > 0 && flaky.probeInMs <= 60000);
    const auto metrics = roundTrip(gw_.port(), httpRequest("GET", "/metrics", {}, {}));
    QVERIFY(metrics && metrics->status == 200);
    QVERIFY2(metrics->body.contains("gatehouse_circuit_state{target=\"flaky\"} 2\n"), metrics->body.constData());
    QVERIFY(metrics->body.contains("gatehouse_circuit_opened_total{target=\"flaky\"} 1\n"));
    const auto health = roundTrip(gw_.port(), httpRequest("GET", "/health", {}, {}));
    QVERIFY(health && health->status == 200);
    QCOMPARE(nlohmann::json::parse(health->body.toStdString()).value("circuits_open", -1), 1);
}

void TestGatewayRouting::conditionalOnMetadata()
{
    const QByteArray config = R"({"strategy":{"mode":"conditional","conditions":[
          {"query":{"metadata.tier":{"$eq":"paid"}},"then":"fast"},
          {"query":{"$or":[{"metadata.tier":{"$eq":"free"}},{"params.max_tokens":{"$gt":1000}}]},"then":"slow"}],
        "default":"slow"},
        "targets":[)" + target("/delay/1", R"(,"name":"fast")") + "," + target("/delay/2", R"(,"name":"slow")") + "]}";
    QVERIFY(send(config, {{"x-portkey-metadata", R"({"tier":"paid"})"}}));
    QCOMPARE(callsTo("/delay/1"), 1);
    QVERIFY(send(config, {{"x-portkey-metadata", R"({"tier":"free"})"}}));
    QVERIFY(send(config));
    QCOMPARE(callsTo("/delay/2"), 2);
    QCOMPARE(callsTo("/delay/1"), 1);
}

QTEST_GUILESS_MAIN(TestGatewayRouting)
#include "tst_gateway_routing.moc"
