// The semantic cache with an embedding target (cache.embedding) through the running gateway: chat
// answers come from one MockUpstream, vectors from another that speaks OpenAI's embeddings format
// (model "words-<n>": the same words give the same vector). Failing, slow and unresolvable targets
// must leave the request answered, uncached by meaning, with the call's outcome in the attempt log.

#include "integration_support.h"
#include "mock_upstream.h"

#include "keys/key_snapshot.h"

#include <QTest>

using namespace gatehouse;
using namespace gatehouse::itest;
using gatehouse::test::MockUpstream;

namespace {

// Unit vectors of one bag of words compare at 1.0; the default threshold is 0.9.
const QString kQuestion = QStringLiteral("What is the capital of France?");
const QString kReordered = QStringLiteral("France, the capital of: what is?");
const QString kShuffled = QStringLiteral("France capital the of is what");
const QString kNoMark = QStringLiteral("what is the capital of France");   // the built-in embedder scores this 1.0
const QString kOther = QStringLiteral("How do I boil an egg?");

QByteArray targetConfig(quint16 port, const QString& model, const QString& prefix, const QString& extra)
{
    // Plain strings: moc cannot read a raw string inside a macro.
    return QString::fromLatin1("{\"cache\":{\"mode\":\"semantic\",\"embedding\":{\"provider\":\"openai\",\"api_key\":\"sk-embed-test\","
                               "\"custom_host\":\"http://127.0.0.1:%1%2/v1\",\"model\":\"%3\"%4}}}")
        .arg(port).arg(prefix, model, extra).toUtf8();
}

const QByteArray kBuiltIn = R"({"cache":{"mode":"semantic"}})";
const QString kTimeout150 = QStringLiteral(",\"request_timeout\":150");
const QByteArray kUnknownKeyTarget = R"({"cache":{"mode":"semantic","embedding":{"virtual_key":"no-such-key","model":"words-32"}}})";
const QByteArray kKeyTarget = R"({"cache":{"mode":"semantic","embedding":{"virtual_key":"embedder","model":"words-32"}}})";

struct BadConfig {
    const char* config;
    const char* param;
};
const BadConfig kBadConfigs[] = {
    {R"({"cache":{"mode":"semantic","embedding":{"provider":"openai"}}})", "cache.embedding.model"},
    {R"({"cache":{"mode":"semantic","embedding":{"model":"m"}}})", "cache.embedding.provider"},
    {R"({"cache":{"mode":"semantic","embedding":{"provider":"nope","model":"m"}}})", "cache.embedding.provider"},
    {R"({"cache":{"mode":"semantic","embedding":{"provider":"openai","virtual_key":"k","model":"m"}}})", "cache.embedding.virtual_key"},
    {R"({"cache":{"mode":"semantic","embedding":{"provider":"openai","model":"m","request_timeout":0}}})", "cache.embedding.request_timeout"},
    {R"({"cache":{"mode":"semantic","embedding":{"provider":"openai","model":"m","dims":3}}})", "cache.embedding.dims"},
    {R"({"cache":{"mode":"semantic","embed_messages":"some"}})", "cache.embed_messages"},
};

const AttemptRecord* embeddingAttempt(const RequestRecord& r)
{
    for (const AttemptRecord& a : r.attemptLog) {
        if (a.path.endsWith(QLatin1String(".cache.embedding")))
            return &a;
    }
    return nullptr;
}

} // namespace

class TestGatewayCacheEmbedding : public QObject {
    Q_OBJECT
private:
    GatewayHarness gw_;
    std::unique_ptr<MockUpstream> chat_;
    std::unique_ptr<MockUpstream> emb_;

    QByteArray config(const QString& model = QStringLiteral("words-32"), const QString& prefix = {},
                      const QString& extra = {}) const
    {
        return targetConfig(emb_->port(), model, prefix, extra);
    }
    RawHeaders headers(const QByteArray& cfg, const QByteArray& trace) const
    {
        return openAiHeaders(QStringLiteral("http://127.0.0.1:%1/v1").arg(chat_->port()),
                             {{"x-portkey-config", cfg}, {"x-portkey-trace-id", trace}});
    }
    HttpResponse post(const QString& question, const QByteArray& cfg, const QByteArray& trace)
    {
        const auto r = roundTrip(gw_.port(), httpRequest("POST", "/v1/chat/completions", headers(cfg, trace), chatBody(question)));
        if (!r)
            qFatal("no answer from the gateway");
        return *r;
    }
    const RequestRecord* record(const char* trace)
    {
        if (!QTest::qWaitFor([&] { return gw_.recordByTrace(QString::fromLatin1(trace)) != nullptr; }, 3000))
            return nullptr;
        return gw_.recordByTrace(QString::fromLatin1(trace));
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(gw_.start()); }
    void init()
    {
        chat_ = std::make_unique<MockUpstream>();
        emb_ = std::make_unique<MockUpstream>();
        QVERIFY(chat_->listen());   // new ports per test: new custom hosts, so no entry of another test applies
        QVERIFY(emb_->listen());
        gw_.clearRecords();
    }

    void vectorsComeFromTheTargetAndARewordingHits()
    {
        const HttpResponse first = post(kQuestion, config(), "e-first");
        QCOMPARE(first.status, 200);
        QCOMPARE(first.header("x-portkey-cache-status"), QByteArray("SEMANTIC MISS"));
        QCOMPARE(emb_->requestCount(), 1);
        const MockUpstream::Received call = emb_->received().at(0);
        QCOMPARE(call.path, QByteArray("/v1/embeddings"));
        QCOMPARE(call.header("authorization"), QByteArray("Bearer sk-embed-test"));
        const auto sent = nlohmann::json::parse(call.body.toStdString());
        QVERIFY(sent == nlohmann::json({{"model", "words-32"}, {"input", kQuestion.toStdString()}}));

        // Same words in another order: the built-in embedder scores word pairs and would miss this;
        // the target's bag-of-words vector is identical.
        const HttpResponse hit = post(kReordered, config(), "e-hit");
        QCOMPARE(hit.status, 200);
        QCOMPARE(hit.header("x-portkey-cache-status"), QByteArray("SEMANTIC HIT"));
        QCOMPARE(hit.body, first.body);
        QCOMPARE(chat_->requestCount(), 1);
        QCOMPARE(emb_->requestCount(), 2);

        const HttpResponse other = post(kOther, config(), "e-other");
        QCOMPARE(other.header("x-portkey-cache-status"), QByteArray("SEMANTIC MISS"));
        QCOMPARE(chat_->requestCount(), 2);

        const RequestRecord* r = record("e-hit");
        QVERIFY(r);
        QCOMPARE(r->cacheStatus, QStringLiteral("SEMANTIC HIT"));
        QVERIFY(r->cacheSimilarity > 0.999);
        QCOMPARE(r->attempts, 0);          // the embedding call is not a provider attempt
        QVERIFY(!r->fallbackUsed);
        const AttemptRecord* e = embeddingAttempt(*r);
        QVERIFY(e);
        QCOMPARE(e->provider, QStringLiteral("openai"));
        QCOMPARE(e->status, 200);
        QVERIFY(e->error.isEmpty());
        const RequestRecord* miss = record("e-first");
        QVERIFY(miss);
        QCOMPARE(miss->attempts, 1);
        QVERIFY(!miss->fallbackUsed);
        QVERIFY(!recordJson(*miss).contains(QStringLiteral("sk-embed-test")));
    }

    void anExactRepeatNeedsNoEmbeddingCall()
    {
        QCOMPARE(post(kQuestion, config(), "x-1").header("x-portkey-cache-status"), QByteArray("SEMANTIC MISS"));
        QCOMPARE(post(kQuestion, config(), "x-2").header("x-portkey-cache-status"), QByteArray("HIT"));
        QCOMPARE(emb_->requestCount(), 1);
        QCOMPARE(chat_->requestCount(), 1);
    }

    void vectorsOfAnotherModelAreNeverCompared()
    {
        QCOMPARE(post(kQuestion, config(QStringLiteral("words-32")), "m-1").header("x-portkey-cache-status"),
                 QByteArray("SEMANTIC MISS"));
        // Another model (another length, too): its index is separate, so the rewording misses ...
        QCOMPARE(post(kReordered, config(QStringLiteral("words-48")), "m-2").header("x-portkey-cache-status"),
                 QByteArray("SEMANTIC MISS"));
        // ... and the built-in embedder does not see the target's vectors either.
        QCOMPARE(post(kNoMark, kBuiltIn, "m-3").header("x-portkey-cache-status"),
                 QByteArray("SEMANTIC MISS"));
        QCOMPARE(chat_->requestCount(), 3);
        // Each model still finds its own entries.
        QCOMPARE(post(kShuffled, config(QStringLiteral("words-48")), "m-4").header("x-portkey-cache-status"),
                 QByteArray("SEMANTIC HIT"));
        QCOMPARE(post(kShuffled, config(QStringLiteral("words-32")), "m-5").header("x-portkey-cache-status"),
                 QByteArray("SEMANTIC HIT"));
        QCOMPARE(chat_->requestCount(), 3);
    }

    void aFailingTargetLeavesTheRequestAnsweredAndUncachedByMeaning()
    {
        const QByteArray failing = config(QStringLiteral("words-32"), QStringLiteral("/status/500"));
        const HttpResponse r = post(kQuestion, failing, "f-1");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("x-portkey-cache-status"), QByteArray("SEMANTIC MISS"));
        QVERIFY(r.json().contains("choices"));
        const RequestRecord* rec = record("f-1");
        QVERIFY(rec);
        QCOMPARE(rec->status, 200);
        QCOMPARE(rec->cacheStatus, QStringLiteral("SEMANTIC MISS"));
        QCOMPARE(rec->cacheSimilarity, -1.0);
        QCOMPARE(rec->attempts, 1);
        QVERIFY(!rec->fallbackUsed);
        const AttemptRecord* e = embeddingAttempt(*rec);
        QVERIFY(e);
        QCOMPARE(e->status, 500);
        QVERIFY2(e->error.contains(QStringLiteral("mock upstream error 500")), qPrintable(e->error));
        // Stored for exact lookups only: the same question hits, a rewording goes to the provider.
        QCOMPARE(post(kQuestion, failing, "f-2").header("x-portkey-cache-status"), QByteArray("HIT"));
        QCOMPARE(post(kReordered, failing, "f-3").header("x-portkey-cache-status"), QByteArray("SEMANTIC MISS"));
        QCOMPARE(chat_->requestCount(), 2);
        // A target that answers something other than an embeddings answer is a failure too.
        const QByteArray notEmbeddings = config(QStringLiteral("words-32"), QStringLiteral("/text/200"));
        QCOMPARE(post(kOther, notEmbeddings, "f-4").status, 200);
        const RequestRecord* bad = record("f-4");
        QVERIFY(bad && embeddingAttempt(*bad));
        QVERIFY2(!embeddingAttempt(*bad)->error.isEmpty(), "an unusable answer is noted");
    }

    void aSlowTargetTimesOutAndTheRequestGoesOn()
    {
        const QByteArray stalled = config(QStringLiteral("words-32"), QStringLiteral("/stall"), kTimeout150);
        const HttpResponse r = post(kQuestion, stalled, "s-1");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("x-portkey-cache-status"), QByteArray("SEMANTIC MISS"));
        const RequestRecord* rec = record("s-1");
        QVERIFY(rec);
        const AttemptRecord* e = embeddingAttempt(*rec);
        QVERIFY(e);
        QCOMPARE(e->status, 408);
        QVERIFY2(e->error.contains(QStringLiteral("timed out after 150ms")), qPrintable(e->error));
        QCOMPARE(chat_->requestCount(), 1);
    }

    void theGatewayServesOthersWhileAnEmbeddingIsOutstanding()
    {
        // The embedding answer is held back: the request waits for it, the gateway thread does not.
        RawHttpClient waiting;
        QVERIFY(waiting.connectTo(gw_.port()));
        waiting.send(httpRequest("POST", "/v1/chat/completions",
                                 headers(config(QStringLiteral("words-32"), QStringLiteral("/hold")), "h-1"), chatBody(kQuestion)));
        QVERIFY(QTest::qWaitFor([&] { return emb_->requestCount() == 1; }, 3000));
        const HttpResponse other = post(kOther, {}, "h-2");   // no cache: straight to the provider
        QCOMPARE(other.status, 200);
        QCOMPARE(waiting.unread(), QByteArray());
        QCOMPARE(chat_->requestCount(), 1);
        emb_->releaseHeld();
        const auto answer = waiting.readResponse();
        QVERIFY(answer);
        QCOMPARE(answer->status, 200);
        QCOMPARE(answer->header("x-portkey-cache-status"), QByteArray("SEMANTIC MISS"));
        QCOMPARE(chat_->requestCount(), 2);
    }

    void aClientThatLeavesDuringTheEmbeddingCallIsRecorded()
    {
        RawHttpClient leaving;
        QVERIFY(leaving.connectTo(gw_.port()));
        leaving.send(httpRequest("POST", "/v1/chat/completions",
                                 headers(config(QStringLiteral("words-32"), QStringLiteral("/hold")), "l-1"), chatBody(kQuestion)));
        QVERIFY(QTest::qWaitFor([&] { return emb_->requestCount() == 1; }, 3000));
        leaving.abort();
        const RequestRecord* rec = record("l-1");
        QVERIFY(rec);
        QCOMPARE(rec->status, 499);
        emb_->releaseHeld();   // answered into a cancelled call: nothing happens
        QTest::qWait(50);
        QCOMPARE(chat_->requestCount(), 0);
        QCOMPARE(post(kOther, {}, "l-2").status, 200);
    }

    void anUnknownVirtualKeyTargetMeansNoSemanticLookup()
    {
        const QByteArray cfg = kUnknownKeyTarget;
        const HttpResponse r = post(kQuestion, cfg, "v-1");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("x-portkey-cache-status"), QByteArray("SEMANTIC MISS"));
        const RequestRecord* rec = record("v-1");
        QVERIFY(rec && embeddingAttempt(*rec));
        QCOMPARE(embeddingAttempt(*rec)->status, 401);
        QCOMPARE(emb_->requestCount(), 0);
    }

    void aVirtualKeyTargetSendsTheKeysSecretToItsHost()
    {
        auto keys = std::make_shared<KeySnapshot>();
        ResolvedKey k;
        k.key.slug = QStringLiteral("embedder");
        k.key.provider = QStringLiteral("openai");
        k.key.customHost = QStringLiteral("http://127.0.0.1:%1/v1").arg(emb_->port());
        k.secret = QStringLiteral("sk-vk-embed-secret");
        keys->keys.emplace(k.key.slug, k);
        gw_.service().setKeys(keys);
        const QByteArray cfg = kKeyTarget;
        QCOMPARE(post(kQuestion, cfg, "k-1").header("x-portkey-cache-status"), QByteArray("SEMANTIC MISS"));
        QCOMPARE(emb_->requestCount(), 1);
        QCOMPARE(emb_->received().last().header("authorization"), QByteArray("Bearer sk-vk-embed-secret"));
        QCOMPARE(post(kReordered, cfg, "k-2").header("x-portkey-cache-status"), QByteArray("SEMANTIC HIT"));
        gw_.service().setKeys(std::make_shared<KeySnapshot>());
    }

    void invalidEmbeddingConfigsAreRefusedWithTheirPath()
    {
        for (const BadConfig& c : kBadConfigs) {
            const auto r = roundTrip(gw_.port(), httpRequest("POST", "/v1/chat/completions",
                                                             openAiHeaders(QStringLiteral("http://127.0.0.1:%1/v1").arg(chat_->port()),
                                                                           {{"x-portkey-config", c.config}}),
                                                             chatBody(kQuestion)));
            QVERIFY(r);
            QCOMPARE(r->status, 400);
            QVERIFY2(r->body.contains(c.param), r->body.constData());
        }
        QCOMPARE(chat_->requestCount(), 0);
        QCOMPARE(emb_->requestCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestGatewayCacheEmbedding)
#include "tst_gateway_cache_embedding.moc"
