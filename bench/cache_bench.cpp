// Response cache benchmark (prints numbers, asserts nothing):
//  1. the semantic index (HNSW graph) at 10,000 and 100,000 vectors of the built-in embedder's size
//     and of embedding-target sizes (768 and 1536 floats): build rate, lookup latency, recall, and
//     recall after eviction churn;
//  2. latency through the running gateway (in process, built-in mock provider, one keep-alive
//     connection) of an uncached request, a simple-cache hit and a semantic-cache hit with the
//     semantic scope holding 100,000 entries, in one run.
// Usage: gatehouse_cache_bench [requests per case, default 2000] [entries in the semantic scope, default 100000]
// CACHE_BENCH_QUICK=1 skips the 100,000-vector index runs.

#include "cache/text_embedder.h"
#include "cache/vector_index.h"
#include "gateway_service.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <random>
#include <vector>

using namespace gatehouse;

namespace {

double percentile(std::vector<double> v, double p)
{
    std::sort(v.begin(), v.end());
    const auto rank = std::size_t(std::ceil(p / 100.0 * double(v.size())));
    return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

std::vector<float> randomUnit(std::mt19937& rng, int dim)
{
    std::normal_distribution<float> normal;
    std::vector<float> v(std::size_t(dim), 0.0f);
    double n = 0;
    for (float& x : v) {
        x = normal(rng);
        n += double(x) * x;
    }
    for (float& x : v)
        x = float(x / std::sqrt(n));
    return v;
}

// A query near a stored vector: cosine ~0.95 with it, far below that with every other (random) one.
std::vector<float> nearby(std::mt19937& rng, const std::vector<float>& v)
{
    std::vector<float> noise = randomUnit(rng, int(v.size()));
    std::vector<float> q(v.size());
    double n = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
        q[i] = v[i] + 0.33f * noise[i];
        n += double(q[i]) * q[i];
    }
    for (float& x : q)
        x = float(x / std::sqrt(n));
    return q;
}

// Vectors with few effective dimensions, as a model's embeddings have: a random point of a
// `latent`-dimensional space through a fixed random projection, plus a little noise in every dimension.
struct LatentSpace {
    int dim = 0;
    int latent = 0;
    std::vector<std::vector<float>> basis;   // latent x dim
    LatentSpace(std::mt19937& rng, int d, int l) : dim(d), latent(l)
    {
        for (int i = 0; i < l; ++i)
            basis.push_back(randomUnit(rng, d));
    }
    std::vector<float> draw(std::mt19937& rng) const
    {
        std::normal_distribution<float> normal;
        std::vector<float> v(static_cast<std::size_t>(dim), 0.0f);
        for (const auto& b : basis) {
            const float z = normal(rng);
            for (int i = 0; i < dim; ++i)
                v[std::size_t(i)] += z * b[std::size_t(i)];
        }
        const auto noise = randomUnit(rng, dim);
        double n = 0;
        for (int i = 0; i < dim; ++i) {
            v[std::size_t(i)] = v[std::size_t(i)] / std::sqrt(float(latent)) + 0.1f * noise[std::size_t(i)];
            n += double(v[std::size_t(i)]) * v[std::size_t(i)];
        }
        for (float& x : v)
            x = float(x / std::sqrt(n));
        return v;
    }
};

// The index at the sizes the cache holds: the build rate, then lookups of a reworded question
// (a query near one stored vector) with the recall of that vector at the 0.9 threshold, and
// lookups of an unrelated question (no match, the slower case for a graph: it explores before giving
// up). latent 0: uniformly random vectors, the hardest case for a graph; latent n: n effective dimensions.
void indexBench(int entries, int dim, int latent = 0)
{
    std::mt19937 rng(std::uint32_t(entries + dim));
    std::vector<std::vector<float>> stored;
    stored.reserve(std::size_t(entries));
    const std::optional<LatentSpace> space = latent > 0 ? std::optional<LatentSpace>(LatentSpace(rng, dim, latent)) : std::nullopt;
    for (int i = 0; i < entries; ++i)
        stored.push_back(space ? space->draw(rng) : randomUnit(rng, dim));
    VectorIndex index(dim);
    QElapsedTimer build;
    build.start();
    for (int i = 0; i < entries; ++i)
        index.add(std::uint64_t(i), stored[std::size_t(i)].data());
    const double buildS = double(build.nsecsElapsed()) / 1e9;

    constexpr int kQueries = 500;
    std::printf("index %7d x %4d, %s: build %6.0f adds/s\n", entries, dim,
                latent > 0 ? qPrintable(QStringLiteral("%1 effective dimensions").arg(latent)) : "uniformly random", entries / buildS);
    // The default search breadth, then wider ones on the same graph: recall against latency.
    for (const std::size_t breadth : {VectorIndex::kSearchCandidates, std::size_t(128), std::size_t(256)}) {
        index.setSearchBreadth(breadth);
        std::vector<double> hitMs, missMs;
        int found = 0;
        for (int i = 0; i < kQueries; ++i) {
            const std::size_t target = std::size_t(rng()) % stored.size();
            const auto q = nearby(rng, stored[target]);
            QElapsedTimer t;
            t.start();
            const auto m = index.nearest(q.data(), 8, 0.9f);
            hitMs.push_back(double(t.nsecsElapsed()) / 1e6);
            found += !m.empty() && m.front().id == target;
            const auto unrelated = randomUnit(rng, dim);
            t.restart();
            const auto none = index.nearest(unrelated.data(), 8, 0.9f);
            missMs.push_back(double(t.nsecsElapsed()) / 1e6);
            if (!none.empty())
                std::printf("unexpected match\n");
        }
        std::printf("   breadth %3zu: reworded p50 %.3f ms p99 %.3f ms, recall %.1f%% | unrelated p50 %.3f ms p99 %.3f ms\n",
                    breadth, percentile(hitMs, 50), percentile(hitMs, 99), 100.0 * found / kQueries, percentile(missMs, 50),
                    percentile(missMs, 99));
    }
    index.setSearchBreadth(VectorIndex::kSearchCandidates);
    int found = 0;
    // Churn at capacity (LRU eviction): remove the oldest, add a new one; the graph stays the same size.
    QElapsedTimer churn;
    churn.start();
    const int kChurn = std::min(entries, 5000);
    for (int i = 0; i < kChurn; ++i) {
        index.remove(std::uint64_t(i));
        stored[std::size_t(i)] = space ? space->draw(rng) : randomUnit(rng, dim);
        index.add(std::uint64_t(entries + i), stored[std::size_t(i)].data());
    }
    const double churnS = double(churn.nsecsElapsed()) / 1e9;
    found = 0;   // with the default breadth
    for (int i = 0; i < kQueries; ++i) {
        const std::size_t target = std::size_t(rng()) % stored.size();
        const auto q = nearby(rng, stored[target]);
        const auto m = index.nearest(q.data(), 8, 0.9f);
        const std::uint64_t id = target < std::size_t(kChurn) ? std::uint64_t(entries) + target : target;
        found += !m.empty() && m.front().id == id;
    }
    std::printf("   after %d evict+add (%.0f/s): recall %.1f%%\n", kChurn, kChurn / churnS, 100.0 * found / kQueries);
}

// One request over a kept-alive connection; returns ms, or -1 on failure.
double post(QTcpSocket& s, quint16 port, const QByteArray& config, const QByteArray& body, QByteArray* cacheStatus)
{
    QByteArray req = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
                   + "\r\nx-portkey-provider: mock\r\nContent-Type: application/json\r\n";
    if (!config.isEmpty())
        req += "x-portkey-config: " + config + "\r\n";
    req += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    QElapsedTimer t;
    t.start();
    s.write(req);
    s.flush();
    QByteArray in;
    for (;;) {
        if (!s.waitForReadyRead(5000))
            return -1;
        in += s.readAll();
        const qsizetype headEnd = in.indexOf("\r\n\r\n");
        if (headEnd < 0)
            continue;
        const QByteArray head = in.left(headEnd).toLower();
        const qsizetype cl = head.indexOf("content-length: ");
        if (cl < 0)
            return -1;
        const qsizetype len = head.mid(cl + 16, head.indexOf("\r\n", cl) - cl - 16).trimmed().toLongLong();
        if (in.size() >= headEnd + 4 + len) {
            const qsizetype cs = head.indexOf("x-portkey-cache-status: ");
            *cacheStatus = cs < 0 ? QByteArray() : head.mid(cs + 24, head.indexOf("\r\n", cs) - cs - 24).toUpper();
            return double(t.nsecsElapsed()) / 1e6;
        }
    }
}

// A /metrics sample's value, or -1.
double metric(quint16 port, const char* name)
{
    QTcpSocket s;
    s.connectToHost(QStringLiteral("127.0.0.1"), port);
    if (!s.waitForConnected(3000))
        return -1;
    s.write("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    QByteArray in;
    while (s.waitForReadyRead(3000))
        in += s.readAll();
    const QByteArray key = "\n" + QByteArray(name) + " ";
    const qsizetype at = in.indexOf(key);
    return at < 0 ? -1 : in.mid(at + key.size(), in.indexOf('\n', at + 1) - at - key.size()).toDouble();
}

// Distinct questions the built-in embedder keeps apart: eight words drawn from a 2,000-word vocabulary.
QByteArray randomQuestion(std::mt19937& rng)
{
    QByteArray q = "Question";
    for (int w = 0; w < 8; ++w)
        q += " w" + QByteArray::number(int(rng() % 2000));
    return q;
}

void gatewayBench(int n, int entries)
{
    GatewayService gateway;
    GatewaySettings settings;
    settings.port = 0;
    settings.cacheMaxEntries = entries + 10'000;
    settings.cacheMaxBytes = 4LL * 1024 * 1024 * 1024;
    QEventLoop loop;
    QObject::connect(&gateway, &GatewayService::started, &loop, &QEventLoop::quit);
    QObject::connect(&gateway, &GatewayService::failed, &loop, [&](const QString& m) {
        std::fprintf(stderr, "gateway failed: %s\n", qPrintable(m));
        loop.quit();
    });
    gateway.start(settings);
    loop.exec();
    if (!gateway.isRunning())
        return;
    QTcpSocket s;
    s.connectToHost(QStringLiteral("127.0.0.1"), gateway.port());
    s.waitForConnected(3000);
    s.setSocketOption(QAbstractSocket::LowDelayOption, 1);

    struct Case {
        const char* name;
        QByteArray config;
        bool distinct;   // a new prompt every time: never a hit
        QByteArray expect;
    };
    const QByteArray simple = R"({"cache":{"mode":"simple"}})";
    const QByteArray semantic = R"({"cache":{"mode":"semantic"}})";
    const Case cases[] = {
        {"uncached (no cache config, mock provider)", {}, true, "DISABLED"},
        {"simple cache miss (lookup + store)", simple, true, "MISS"},
        {"simple cache hit", simple, false, "HIT"},
        {"semantic cache hit (reworded prompt)", semantic, false, "SEMANTIC HIT"},
    };
    // Fill the semantic scope the semantic hit case searches with `entries` distinct questions, then
    // let the index thread catch up: the hit case is then measured against that many vectors.
    QByteArray status;
    std::mt19937 rng(3);
    QElapsedTimer fill;
    fill.start();
    int stored = 0;
    for (int i = 0; i < entries; ++i) {
        const QByteArray body = R"({"model":"mock-gpt","messages":[{"role":"user","content":")" + randomQuestion(rng) + R"("}]})";
        if (post(s, gateway.port(), semantic, body, &status) < 0) {
            std::fprintf(stderr, "request failed\n");
            return;
        }
        stored += status == "SEMANTIC MISS";
    }
    const double fillS = double(fill.nsecsElapsed()) / 1e9;
    while (metric(gateway.port(), "gatehouse_cache_semantic_index_backlog") > 0)
        QThread::msleep(50);
    std::printf("semantic scope filled: %d questions sent (%.0f/s), %d stored, %.0f in the index, %.0f skipped (index behind)\n",
                entries, entries / fillS, stored, metric(gateway.port(), "gatehouse_cache_semantic_entries"),
                metric(gateway.port(), "gatehouse_cache_semantic_skipped_total"));
    // Prime the entries the hit cases find.
    post(s, gateway.port(), simple, R"({"model":"mock-gpt","messages":[{"role":"user","content":"What is the capital of France?"}]})", &status);
    post(s, gateway.port(), semantic, R"({"model":"mock-gpt","messages":[{"role":"user","content":"What is the capital of Spain?"}]})", &status);
    double baseline = 0;
    for (const Case& c : cases) {
        std::vector<double> ms;
        int wrong = 0;
        for (int i = 0; i < n; ++i) {
            QByteArray prompt = c.distinct ? "Question number " + QByteArray::number(i) + " for " + c.name
                              : (c.config == semantic ? QByteArray("what's the capital of spain") : QByteArray("What is the capital of France?"));
            const QByteArray body = R"({"model":"mock-gpt","messages":[{"role":"user","content":")" + prompt + R"("}]})";
            const double t = post(s, gateway.port(), c.config, body, &status);
            if (t < 0) {
                std::fprintf(stderr, "request failed\n");
                return;
            }
            wrong += status != c.expect;
            if (i >= n / 10)   // the first tenth warms up
                ms.push_back(t);
        }
        const double p50 = percentile(ms, 50);
        if (baseline == 0)
            baseline = p50;
        std::printf("%-45s p50 %.3f ms  p99 %.3f ms  (%.2fx uncached)%s\n", c.name, p50, percentile(ms, 99), p50 / baseline,
                    wrong ? qPrintable(QStringLiteral("  [%1 answers had another cache status]").arg(wrong)) : "");
    }
    gateway.stopAndWait();
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const int n = argc > 1 ? std::max(100, std::atoi(argv[1])) : 2000;
    const int entries = argc > 2 ? std::max(0, std::atoi(argv[2])) : 100'000;
    const bool quick = qEnvironmentVariableIsSet("CACHE_BENCH_QUICK");
    indexBench(10'000, TextEmbedder::kDimensions);
    indexBench(10'000, 768);
    if (!quick) {
        indexBench(100'000, TextEmbedder::kDimensions);
        indexBench(100'000, 768);
        indexBench(100'000, 768, 32);
        indexBench(20'000, 1536);
    }
    gatewayBench(n, entries);
    return 0;
}
