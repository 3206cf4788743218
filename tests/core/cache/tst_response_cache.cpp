// The in-memory index (expiry on an injected clock, LRU bounds, namespaces, semantic scope) and its
// persistence to a real SQLite file across a reopen.

#include "cache/cache_database.h"
#include "cache/cache_store.h"
#include "cache/response_cache.h"
#include "cache/text_embedder.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <random>

using namespace gatehouse;

namespace {

std::shared_ptr<CachedAnswer> answer(const QByteArray& key, qint64 now, qint64 maxAgeMs = 60'000, qsizetype bodyBytes = 10,
                                     const QString& ns = {})
{
    auto a = std::make_shared<CachedAnswer>();
    a->key = key;
    a->cacheNamespace = ns;
    a->contentType = "application/json";
    a->body = QByteArray(bodyBytes, 'x');
    a->createdMs = now;
    a->expiresMs = now + maxAgeMs;
    return a;
}

std::shared_ptr<CachedAnswer> semanticAnswer(const QByteArray& key, const QByteArray& scope, const QString& text, qint64 now)
{
    auto a = answer(key, now);
    a->semanticScope = scope;
    a->embedding = TextEmbedder::embed(text);
    a->embedderVersion = TextEmbedder::kVersion;
    return a;
}

// findSimilar() answers from the index's thread; this waits for it (the gateway thread never does),
// once the vectors queued before have been added (a search does not wait behind them).
std::optional<ResponseCache::Hit> similar(ResponseCache& c, const QByteArray& scope, std::vector<float> query,
                                          float threshold, qint64 maxAgeMs)
{
    if (!QTest::qWaitFor([&] { return c.gauges().indexBacklog == 0; }, 5000))
        qFatal("the semantic index did not catch up");
    std::optional<std::optional<ResponseCache::Hit>> out;
    c.findSimilar(scope, std::move(query), threshold, maxAgeMs, [&](std::optional<ResponseCache::Hit> h) { out = std::move(h); });
    QElapsedTimer t;
    t.start();
    while (!out && t.elapsed() < 5000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    if (!out)
        qFatal("the semantic index did not answer");
    return *out;
}

std::vector<float> randomUnit(std::mt19937& rng, int dim)
{
    std::normal_distribution<float> normal;
    std::vector<float> v(static_cast<std::size_t>(dim));
    float n = 0;
    for (float& x : v) {
        x = normal(rng);
        n += x * x;
    }
    for (float& x : v)
        x /= std::sqrt(n);
    return v;
}

constexpr auto kThreaded = SemanticIndex::Mode::Threaded;

} // namespace

class TestResponseCache : public QObject {
    Q_OBJECT
private:
    qint64 now_ = 1'700'000'000'000;
    ResponseCache::Clock clock() { return [this] { return now_; }; }

private Q_SLOTS:
    void expiresOnTheInjectedClock()
    {
        ResponseCache c({}, clock());
        QVERIFY(c.insert(answer("k", now_, 5000)));
        QVERIFY(c.find("k", 5000));
        now_ += 4999;
        QVERIFY(c.find("k", 5000));
        now_ += 1;
        QVERIFY(!c.find("k", 5000));
        QCOMPARE(c.size(), 0);   // expired entries are dropped when met
    }

    void aReaderNeverGetsAnAnswerOlderThanItsMaxAge()
    {
        ResponseCache c({}, clock());
        QVERIFY(c.insert(answer("k", now_, 60'000)));
        now_ += 2000;
        QVERIFY(!c.find("k", 1000));   // this request accepts at most 1 s
        QVERIFY(c.find("k", 60'000));  // still there for others
    }

    void boundedByEntriesLeastRecentlyUsedGoesFirst()
    {
        CacheLimits limits;
        limits.maxEntries = 3;
        ResponseCache c(limits, clock());
        for (const char* k : {"a", "b", "c"})
            QVERIFY(c.insert(answer(k, now_)));
        QVERIFY(c.find("a", 60'000));   // a is now the most recently used
        QVERIFY(c.insert(answer("d", now_)));
        QCOMPARE(c.size(), 3);
        QVERIFY(!c.find("b", 60'000));
        QVERIFY(c.find("a", 60'000));
        QVERIFY(c.find("c", 60'000));
        QVERIFY(c.find("d", 60'000));
    }

    void boundedByBytes()
    {
        CacheLimits limits;
        limits.maxBytes = 3 * answer("k0", now_, 60'000, 1000)->costBytes();
        limits.maxEntryBytes = limits.maxBytes;
        ResponseCache c(limits, clock());
        for (int i = 0; i < 10; ++i)
            QVERIFY(c.insert(answer("k" + QByteArray::number(i), now_, 60'000, 1000)));
        QCOMPARE(c.size(), 3);
        QVERIFY(c.bytes() <= limits.maxBytes);
        QVERIFY(c.find("k9", 60'000));
        QVERIFY(!c.find("k6", 60'000));
        QVERIFY(!c.insert(answer("huge", now_, 60'000, 4 * 1000)));   // larger than the whole cache: not stored
        QVERIFY(c.find("k9", 60'000));
    }

    void clearsOneNamespace()
    {
        ResponseCache c({}, clock());
        QVERIFY(c.insert(answer("a", now_, 60'000, 10, QStringLiteral("team-a"))));
        QVERIFY(c.insert(answer("b", now_, 60'000, 10, QStringLiteral("team-b"))));
        QVERIFY(c.insert(answer("c", now_)));
        QCOMPARE(c.clear(QStringLiteral("team-a")), 1);
        QVERIFY(!c.find("a", 60'000));
        QVERIFY(c.find("b", 60'000));
        QCOMPARE(c.clear(), 2);
        QCOMPARE(c.size(), 0);
    }

    void semanticLookupStaysInItsScope()
    {
        ResponseCache c({}, clock(), kThreaded);
        QVERIFY(c.insert(semanticAnswer("k1", "scope-1", QStringLiteral("What is the capital of France?"), now_)));
        QVERIFY(c.insert(semanticAnswer("k2", "scope-1", QStringLiteral("How do I boil an egg?"), now_)));
        const auto q = TextEmbedder::embed(QStringLiteral("what's the capital of france"));
        const auto hit = similar(c, "scope-1", q, 0.9f, 60'000);
        QVERIFY(hit);
        QCOMPARE(hit->answer->key, QByteArray("k1"));
        QVERIFY(hit->similarity > 0.99f);
        QVERIFY(!similar(c, "scope-2", q, 0.9f, 60'000));   // another model, key or namespace
        // Removed entries leave the index (their slots are reused by later adds).
        QCOMPARE(c.clear(), 2);
        QVERIFY(!similar(c, "scope-1", q, 0.5f, 60'000));
        QVERIFY(c.insert(semanticAnswer("k3", "scope-1", QStringLiteral("How do I boil an egg?"), now_)));
        QVERIFY(!similar(c, "scope-1", q, 0.9f, 60'000));
        now_ += 120'000;
        QVERIFY(!similar(c, "scope-1", TextEmbedder::embed(QStringLiteral("How do I boil an egg?")), 0.9f, 60'000));
    }

    void evictionChurnKeepsTheIndexTrue()
    {
        // LRU eviction at capacity: every add evicts one entry, whose graph slot the next vector takes.
        // The live entries are found by their own vectors, the evicted ones no more.
        CacheLimits limits;
        limits.maxEntries = 50;
        ResponseCache c(limits, clock(), kThreaded);
        std::mt19937 rng(11);
        std::vector<std::vector<float>> vectors;
        for (int i = 0; i < 400; ++i) {
            auto a = answer("k" + QByteArray::number(i), now_);
            a->semanticScope = "scope";
            a->embedding = randomUnit(rng, 32);
            a->embedderVersion = kExternalEmbedderVersion;
            vectors.push_back(a->embedding);
            QVERIFY(c.insert(std::move(a)));
        }
        QCOMPARE(c.size(), 50);
        for (int i = 350; i < 400; ++i) {
            const auto hit = similar(c, "scope", vectors[std::size_t(i)], 0.95f, 60'000);
            QVERIFY2(hit && hit->answer->key == "k" + QByteArray::number(i), qPrintable(QString::number(i)));
        }
        for (int i = 0; i < 350; i += 7)
            QVERIFY(!similar(c, "scope", vectors[std::size_t(i)], 0.95f, 60'000));
    }

    void anEntryRemovedDuringTheSearchIsNotServed()
    {
        ResponseCache c({}, clock(), kThreaded);
        QVERIFY(c.insert(semanticAnswer("k1", "scope", QStringLiteral("What is the capital of France?"), now_)));
        std::optional<std::optional<ResponseCache::Hit>> out;
        c.findSimilar("scope", TextEmbedder::embed(QStringLiteral("what's the capital of france")), 0.9f, 60'000,
                      [&](std::optional<ResponseCache::Hit> h) { out = std::move(h); });
        QVERIFY(!out);   // the index answers on a later turn of this thread's event loop
        QCOMPARE(c.clear(), 1);
        QTRY_VERIFY(out);
        QVERIFY(!*out);
    }

    void targetVectorsOfAnyLengthPersistAndNeverMixLengths()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("cache.sqlite3"));
        auto external = [&](const QByteArray& key, const QByteArray& scope, std::vector<float> v) {
            auto a = answer(key, now_);
            a->semanticScope = scope;
            a->embedding = std::move(v);
            a->embedderVersion = kExternalEmbedderVersion;
            return a;
        };
        {
            ResponseCache c({}, clock(), kThreaded);
            CacheStore store(&c);
            QSignalSpy loaded(&store, &CacheStore::loaded);
            store.open(path);
            QVERIFY(loaded.wait(5000));
            QVERIFY(c.insert(external("e3", "scope-e", {0.6f, 0.8f, 0.0f})));
            // Another length in the same scope (a model that changed its dimensions): exact lookups only.
            QVERIFY(c.insert(external("e4", "scope-e", {0.0f, 0.0f, 0.0f, 1.0f})));
            QVERIFY(c.find("e4", 60'000));
            QVERIFY(!similar(c, "scope-e", {0.0f, 0.0f, 0.0f, 1.0f}, 0.5f, 60'000));
            const auto hit = similar(c, "scope-e", {0.6f, 0.8f, 0.0f}, 0.99f, 60'000);
            QVERIFY(hit && hit->answer->key == QByteArray("e3"));
            const CacheNamespaceList ns = c.namespaces();
            QCOMPARE(ns.size(), 1);
            QCOMPARE(ns[0].entries, 2);
            QCOMPARE(ns[0].bytes, c.bytes());
        }
        ResponseCache c({}, clock(), kThreaded);
        CacheStore store(&c);
        QSignalSpy loaded(&store, &CacheStore::loaded);
        store.open(path);
        QVERIFY(loaded.wait(5000));
        QCOMPARE(loaded.at(0).at(0).toLongLong(), 2);
        const auto hit = similar(c, "scope-e", {0.6f, 0.8f, 0.0f}, 0.99f, 60'000);   // a target's vector survives a restart
        QVERIFY(hit && hit->answer->key == QByteArray("e3"));
        const auto file = cacheFileNamespaces(path, nullptr);
        QVERIFY(file && file->size() == 1 && file->at(0).entries == 2);
    }

    void persistsAcrossReopen()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("sub/cache.sqlite3"));
        {
            ResponseCache c({}, clock(), kThreaded);
            CacheStore store(&c);
            QSignalSpy loaded(&store, &CacheStore::loaded);
            store.open(path);
            QVERIFY(loaded.wait(5000));
            QCOMPARE(loaded.at(0).at(0).toLongLong(), 0);
            auto a = answer("json-key", now_, 60'000, 10, QStringLiteral("team-a"));
            a->body = R"({"id":"x","choices":[]})";
            QVERIFY(c.insert(a));
            auto s = semanticAnswer("sse-key", "scope", QStringLiteral("What is the capital of France?"), now_);
            s->stream = true;
            s->contentType = "text/event-stream";
            s->body = "data: {\"a\":1}\n\ndata: [DONE]\n\n";
            QVERIFY(c.insert(s));
            QVERIFY(c.insert(answer("short-lived", now_, 1000)));
            QVERIFY(c.insert(answer("removed", now_)));
            QCOMPARE(c.clear(QStringLiteral("")) , 3);   // default namespace: sse-key, short-lived, removed
            QVERIFY(c.insert(s));
            QVERIFY(c.insert(answer("short-lived", now_, 1000)));
        }   // the store writes what is queued before it goes
        now_ += 5000;   // short-lived has expired meanwhile
        ResponseCache c({}, clock(), kThreaded);
        CacheStore store(&c);
        QSignalSpy loaded(&store, &CacheStore::loaded);
        store.open(path);
        QVERIFY(loaded.wait(5000));
        QCOMPARE(loaded.at(0).at(0).toLongLong(), 2);
        const auto json = c.find("json-key", 60'000);
        QVERIFY(json);
        QCOMPARE(json->body, QByteArray(R"({"id":"x","choices":[]})"));
        QCOMPARE(json->cacheNamespace, QStringLiteral("team-a"));
        const auto sse = c.find("sse-key", 60'000);
        QVERIFY(sse);
        QVERIFY(sse->stream);
        QCOMPARE(sse->body, QByteArray("data: {\"a\":1}\n\ndata: [DONE]\n\n"));
        QVERIFY(!c.find("short-lived", 60'000));
        QVERIFY(!c.find("removed", 60'000));
        const auto paraphrase = similar(c, "scope", TextEmbedder::embed(QStringLiteral("what's the capital of france")), 0.9f, 60'000);
        QVERIFY(paraphrase);
        QCOMPARE(paraphrase->answer->key, QByteArray("sse-key"));
    }

    void theCommandLineClearsOneNamespaceOfTheFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("cache.sqlite3"));
        {
            ResponseCache c({}, clock(), kThreaded);
            CacheStore store(&c);
            QSignalSpy loaded(&store, &CacheStore::loaded);
            store.open(path);
            QVERIFY(loaded.wait(5000));
            QVERIFY(c.insert(answer("a1", now_, 60'000, 10, QStringLiteral("a"))));
            QVERIFY(c.insert(answer("a2", now_, 60'000, 10, QStringLiteral("a"))));
            QVERIFY(c.insert(answer("b1", now_, 60'000, 10, QStringLiteral("b"))));
        }
        QString error;
        QCOMPARE(clearCacheFile(path, QStringLiteral("a"), &error), 2);
        QCOMPARE(clearCacheFile(path, QStringLiteral("a"), &error), 0);
        QCOMPARE(clearCacheFile(path, std::nullopt, &error), 1);
        QCOMPARE(clearCacheFile(dir.filePath(QStringLiteral("missing.sqlite3")), std::nullopt, &error), 0);
    }
};

QTEST_GUILESS_MAIN(TestResponseCache)
#include "tst_response_cache.moc"
