// Overload: with maxConcurrentRequests in flight, the next /v1/ request is answered at once with 503,
// Retry-After and an OpenAI-shaped "overloaded" error (Anthropic-shaped on /v1/messages); the
// requests already in flight finish
// normally, /health and /metrics stay available, and once there is room requests are served again.
// The slow requests are held by the mock upstream until the test releases them (no timing).

#include "integration_support.h"
#include "mock_upstream.h"

#include <QTest>

#include <memory>
#include <vector>

using namespace gatehouse;
using namespace gatehouse::itest;
using gatehouse::test::MockUpstream;

namespace {

constexpr int kLimit = 3;

QByteArray heldRequest(const MockUpstream& up, const QByteArray& traceId)
{
    return httpRequest("POST", "/v1/chat/completions",
                       openAiHeaders(QStringLiteral("http://127.0.0.1:%1/hold/v1").arg(up.port()), {{"x-portkey-trace-id", traceId}}),
                       chatBody("wait for it", "gpt-4o-mini"));
}

int inFlight(quint16 port)
{
    const auto r = roundTrip(port, httpRequest("GET", "/health", {}));
    return r ? r->json().value("in_flight", -1) : -1;
}

double metricValue(const QByteArray& scrape, const QByteArray& name)
{
    for (const QByteArray& line : scrape.split('\n')) {
        if (line.startsWith(name + ' '))
            return line.mid(name.size() + 1).toDouble();
    }
    return -1;
}

} // namespace

class TestGatewayOverload : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void beyondTheLimitAnswers503ThenRecovers();
};

void TestGatewayOverload::beyondTheLimitAnswers503ThenRecovers()
{
    MockUpstream up;
    QVERIFY(up.listen());
    GatewaySettings settings = testSettings();
    settings.maxConcurrentRequests = kLimit;
    GatewayHarness gw;
    QVERIFY(gw.start(settings));

    std::vector<std::unique_ptr<RawHttpClient>> held;
    for (int i = 0; i < kLimit; ++i) {
        held.push_back(std::make_unique<RawHttpClient>());
        QVERIFY(held.back()->connectTo(gw.port()));
        held.back()->send(heldRequest(up, "held-" + QByteArray::number(i)));
    }
    QTRY_COMPARE_WITH_TIMEOUT(up.requestCount(), kLimit, 5000);   // all of them in flight upstream

    // One more: turned away at once, without reaching the upstream.
    const auto rejected = roundTrip(gw.port(), httpRequest("POST", "/v1/chat/completions", mockHeaders(), chatBody("one too many", "mock-gpt")));
    QVERIFY(rejected);
    const QString problem = openAiErrorProblem(*rejected, 503, QStringLiteral("gateway_overloaded"));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(rejected->json()["error"]["type"].get<std::string>(), std::string("overloaded"));
    QCOMPARE(rejected->header("retry-after"), QByteArray("1"));
    QCOMPARE(up.requestCount(), kLimit);
    // An Anthropic-SDK client is turned away in its own error shape (the SDK reads error.type).
    const QByteArray messagesBody = R"({"model":"mock-gpt","max_tokens":16,"messages":[{"role":"user","content":"one too many"}]})";
    const auto rejectedMessages = roundTrip(gw.port(), httpRequest("POST", "/v1/messages", mockHeaders(), messagesBody));
    QVERIFY(rejectedMessages);
    QCOMPARE(rejectedMessages->status, 503);
    QCOMPARE(rejectedMessages->header("retry-after"), QByteArray("1"));
    QCOMPARE(rejectedMessages->json()["type"].get<std::string>(), std::string("error"));
    QCOMPARE(rejectedMessages->json()["error"]["type"].get<std::string>(), std::string("overloaded_error"));
    QCOMPARE(up.requestCount(), kLimit);

    // Monitoring still answers while full.
    QCOMPARE(inFlight(gw.port()), kLimit);
    const auto metrics = roundTrip(gw.port(), httpRequest("GET", "/metrics", {}));
    QVERIFY(metrics);
    QCOMPARE(metricValue(metrics->body, "gatehouse_overload_rejections_total"), 2.0);

    // The requests in flight complete normally.
    up.releaseHeld();
    for (auto& c : held) {
        const auto r = c->readResponse(5000);
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(r->json()["choices"][0]["message"]["content"].get<std::string>(), std::string("Hello from mock upstream"));
    }
    QVERIFY(gw.waitForRecords(kLimit));
    for (int i = 0; i < kLimit; ++i)
        QVERIFY(gw.recordByTrace(QStringLiteral("held-%1").arg(i)));

    // Room again: a full set of new requests is served.
    QTRY_COMPARE_WITH_TIMEOUT(inFlight(gw.port()), 0, 5000);
    std::vector<std::unique_ptr<RawHttpClient>> again;
    for (int i = 0; i < kLimit; ++i) {
        again.push_back(std::make_unique<RawHttpClient>());
        QVERIFY(again.back()->connectTo(gw.port()));
        again.back()->send(httpRequest("POST", "/v1/chat/completions", mockHeaders(), chatBody("room again", "mock-gpt")));
    }
    for (auto& c : again) {
        const auto r = c->readResponse(5000);
        QVERIFY(r);
        QCOMPARE(r->status, 200);
    }
}

QTEST_GUILESS_MAIN(TestGatewayOverload)
#include "tst_gateway_overload.moc"
