// The response cache through the running gateway: a real HTTP upstream (MockUpstream on loopback,
// reached through the `openai` provider with x-portkey-custom-host) counts what actually reaches it.

#include "integration_support.h"
#include "mock_upstream.h"

#include <QTest>

using namespace gatehouse;
using namespace gatehouse::itest;
using gatehouse::test::MockUpstream;

namespace {
const QByteArray kSimple = R"({"cache":{"mode":"simple"}})";
const QByteArray kSemantic = R"({"cache":{"mode":"semantic"}})";
} // namespace

class TestGatewayCache : public QObject {
    Q_OBJECT
private:
    GatewayHarness gw_;
    std::unique_ptr<MockUpstream> up_;

    QString host(const QString& prefix = {}) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2/v1").arg(up_->port()).arg(prefix);
    }
    HttpResponse post(const QByteArray& body, const RawHeaders& extra = {}, const QByteArray& config = kSimple,
                      const QString& prefix = {})
    {
        RawHeaders headers = openAiHeaders(host(prefix), extra);
        if (!config.isEmpty())
            headers.append({"x-portkey-config", config});
        const auto r = roundTrip(gw_.port(), httpRequest("POST", "/v1/chat/completions", headers, body));
        if (!r)
            qFatal("no answer from the gateway");
        return *r;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(gw_.start()); }
    void init()
    {
        up_ = std::make_unique<MockUpstream>();
        QVERIFY(up_->listen());   // a new port per test: a new custom host, so no entry of another test applies
        gw_.clearRecords();
    }

    void secondIdenticalRequestIsAHitAndNeverReachesTheUpstream()
    {
        const QByteArray body = chatBody(QStringLiteral("What is the capital of France?"));
        const HttpResponse first = post(body, {{"x-portkey-trace-id", "c-first"}});
        QCOMPARE(first.status, 200);
        QCOMPARE(first.header("x-portkey-cache-status"), QByteArray("MISS"));
        const HttpResponse second = post(body, {{"x-portkey-trace-id", "c-second"}});
        QCOMPARE(second.status, 200);
        QCOMPARE(second.header("x-portkey-cache-status"), QByteArray("HIT"));
        QCOMPARE(second.body, first.body);
        QCOMPARE(second.header("content-type"), QByteArray("application/json"));
        QCOMPARE(second.header("x-portkey-trace-id"), QByteArray("c-second"));
        QCOMPARE(up_->requestCount(), 1);

        QVERIFY(gw_.waitForRecords(2));
        const RequestRecord* hit = gw_.recordByTrace(QStringLiteral("c-second"));
        const RequestRecord* miss = gw_.recordByTrace(QStringLiteral("c-first"));
        QVERIFY(hit && miss);
        QCOMPARE(hit->cacheStatus, QStringLiteral("HIT"));
        QCOMPARE(miss->cacheStatus, QStringLiteral("MISS"));
        QCOMPARE(hit->cacheKey.size(), 64);
        QCOMPARE(hit->cacheKey, miss->cacheKey);
        QCOMPARE(hit->attempts, 0);        // no upstream call
        QCOMPARE(hit->upstreamMs, -1.0);
        // gpt-4o-mini is priced in the catalog: the miss paid, the hit paid nothing and saved the same.
        QVERIFY(miss->priceKnown && miss->costUsd > 0);
        QVERIFY(!hit->priceKnown);
        QCOMPARE(miss->cacheSavedUsd, -1.0);
        QCOMPARE(hit->cacheSavedUsd, miss->costUsd);

        const auto metrics = roundTrip(gw_.port(), httpRequest("GET", "/metrics", {}));
        QVERIFY(metrics);
        QVERIFY2(metrics->body.contains("gatehouse_cache_requests_total{status=\"HIT\"} 1\n"), metrics->body.constData());
        QVERIFY(metrics->body.contains("gatehouse_cache_requests_total{status=\"MISS\"} 1\n"));
    }

    void withoutCacheConfigTheStatusIsDisabled()
    {
        const QByteArray body = chatBody(QStringLiteral("no cache here"));
        QCOMPARE(post(body, {}, {}).header("x-portkey-cache-status"), QByteArray("DISABLED"));
        QCOMPARE(post(body, {}, {}).header("x-portkey-cache-status"), QByteArray("DISABLED"));
        QCOMPARE(up_->requestCount(), 2);
    }

    void aDifferentParameterIsAMiss()
    {
        nlohmann::json j = nlohmann::json::parse(chatBody(QStringLiteral("Tell me a joke")).toStdString());
        j["temperature"] = 0.2;
        QCOMPARE(post(QByteArray::fromStdString(j.dump())).header("x-portkey-cache-status"), QByteArray("MISS"));
        j["temperature"] = 0.3;
        QCOMPARE(post(QByteArray::fromStdString(j.dump())).header("x-portkey-cache-status"), QByteArray("MISS"));
        j["model"] = "gpt-4o";
        QCOMPARE(post(QByteArray::fromStdString(j.dump())).header("x-portkey-cache-status"), QByteArray("MISS"));
        QCOMPARE(up_->requestCount(), 3);
        QCOMPARE(post(QByteArray::fromStdString(j.dump())).header("x-portkey-cache-status"), QByteArray("HIT"));
        QCOMPARE(up_->requestCount(), 3);
    }

    void anotherApiKeyNeverSharesAnswers()
    {
        const QByteArray body = chatBody(QStringLiteral("whose answer is this?"));
        QCOMPARE(post(body).header("x-portkey-cache-status"), QByteArray("MISS"));
        RawHeaders other = openAiHeaders(host(), {{"x-portkey-config", kSimple}});
        for (auto& h : other) {
            if (h.first == "Authorization")
                h.second = "Bearer sk-someone-else";
        }
        const auto r = roundTrip(gw_.port(), httpRequest("POST", "/v1/chat/completions", other, body));
        QVERIFY(r);
        QCOMPARE(r->header("x-portkey-cache-status"), QByteArray("MISS"));
        QCOMPARE(up_->requestCount(), 2);
    }

    void errorsAreNeverCached()
    {
        const QByteArray body = chatBody(QStringLiteral("fail me"));
        for (int i = 0; i < 2; ++i) {
            const HttpResponse r = post(body, {}, kSimple, QStringLiteral("/status/500"));
            QCOMPARE(r.status, 500);
            QCOMPARE(r.header("x-portkey-cache-status"), QByteArray("MISS"));
        }
        QCOMPARE(up_->requestCount(), 2);
        // A stream that breaks half-way is not stored either.
        const QByteArray streamBody = chatBody(QStringLiteral("break me"), QStringLiteral("gpt-4o-mini"), true);
        for (int i = 0; i < 2; ++i)
            QCOMPARE(post(streamBody, {}, kSimple, QStringLiteral("/resetmid")).header("x-portkey-cache-status"), QByteArray("MISS"));
        QCOMPARE(up_->requestCount(), 4);
    }

    void forceRefreshCallsTheUpstreamAndReplacesTheEntry()
    {
        const QByteArray body = chatBody(QStringLiteral("refresh me"));
        QCOMPARE(post(body).header("x-portkey-cache-status"), QByteArray("MISS"));
        const HttpResponse r = post(body, {{"x-portkey-cache-force-refresh", "true"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("x-portkey-cache-status"), QByteArray("REFRESH"));
        QCOMPARE(up_->requestCount(), 2);
        QCOMPARE(post(body).header("x-portkey-cache-status"), QByteArray("HIT"));
        QCOMPARE(up_->requestCount(), 2);
    }

    void namespacesAreSeparate()
    {
        const QByteArray body = chatBody(QStringLiteral("namespaced"));
        QCOMPARE(post(body, {{"x-portkey-cache-namespace", "team-a"}}).header("x-portkey-cache-status"), QByteArray("MISS"));
        QCOMPARE(post(body, {{"x-portkey-cache-namespace", "team-b"}}).header("x-portkey-cache-status"), QByteArray("MISS"));
        QCOMPARE(post(body).header("x-portkey-cache-status"), QByteArray("MISS"));
        QCOMPARE(post(body, {{"x-portkey-cache-namespace", "team-a"}}).header("x-portkey-cache-status"), QByteArray("HIT"));
        QCOMPARE(up_->requestCount(), 3);
    }

    void aStreamIsReplayedByteForByteAsAStream()
    {
        const QByteArray body = chatBody(QStringLiteral("stream me"), QStringLiteral("gpt-4o-mini"), true, true);
        const HttpResponse first = post(body);
        QCOMPARE(first.status, 200);
        QCOMPARE(first.header("x-portkey-cache-status"), QByteArray("MISS"));
        QVERIFY(first.chunked);
        QVERIFY(first.body.contains("data: [DONE]"));
        const HttpResponse second = post(body);
        QCOMPARE(second.status, 200);
        QCOMPARE(second.header("x-portkey-cache-status"), QByteArray("HIT"));
        QVERIFY(second.chunked);
        QVERIFY(second.header("content-type").startsWith("text/event-stream"));
        QCOMPARE(second.body, first.body);   // the same event sequence, byte for byte
        QCOMPARE(up_->requestCount(), 1);

        // The same request unstreamed is a different request: never answered with SSE.
        const HttpResponse plain = post(chatBody(QStringLiteral("stream me"), QStringLiteral("gpt-4o-mini"), false, true));
        QCOMPARE(plain.header("x-portkey-cache-status"), QByteArray("MISS"));
        QVERIFY(plain.header("content-type").startsWith("application/json"));
        QCOMPARE(up_->requestCount(), 2);
    }

    void semanticModeServesARewordingAndNotAnotherQuestion()
    {
        QCOMPARE(post(chatBody(QStringLiteral("What is the capital of France?")), {}, kSemantic).header("x-portkey-cache-status"),
                 QByteArray("SEMANTIC MISS"));
        gw_.clearRecords();
        const HttpResponse reworded = post(chatBody(QStringLiteral("what's the capital of france")),
                                           {{"x-portkey-trace-id", "sem-hit"}}, kSemantic);
        QCOMPARE(reworded.header("x-portkey-cache-status"), QByteArray("SEMANTIC HIT"));
        QCOMPARE(up_->requestCount(), 1);
        QVERIFY(gw_.waitForRecords(1));
        const RequestRecord* r = gw_.recordByTrace(QStringLiteral("sem-hit"));
        QVERIFY(r);
        QVERIFY(r->cacheSimilarity >= 0.9);
        QCOMPARE(post(chatBody(QStringLiteral("What is the capital of Germany?")), {}, kSemantic).header("x-portkey-cache-status"),
                 QByteArray("SEMANTIC MISS"));
        QCOMPARE(up_->requestCount(), 2);
        // Both answers are in the semantic index, none was skipped, nothing is left queued for it.
        const auto metrics = roundTrip(gw_.port(), httpRequest("GET", "/metrics", {}));
        QVERIFY(metrics);
        QVERIFY2(metrics->body.contains("\ngatehouse_cache_semantic_entries 2\n"), metrics->body.constData());
        QVERIFY(metrics->body.contains("\ngatehouse_cache_semantic_skipped_total 0\n"));
    }
};

QTEST_GUILESS_MAIN(TestGatewayCache)
#include "tst_gateway_cache.moc"
