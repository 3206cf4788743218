// Response cache benchmark (prints numbers, asserts nothing):
//  1. the semantic index's exact cosine scan over 100,000 vectors of the built-in embedder's size, and
//     over dense vectors of embedding-target sizes (768 and 1536 floats);
//  2. latency through the running gateway (in process, built-in mock provider, one keep-alive
//     connection) of an uncached request, a simple-cache hit and a semantic-cache hit, in one run.
// Usage: gatehouse_cache_bench [requests per case, default 2000]

#include "cache/text_embedder.h"
#include "cache/vector_index.h"
#include "gateway_service.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <cstdio>
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

void scanBench()
{
    constexpr int kEntries = 100'000;
    constexpr int kDim = TextEmbedder::kDimensions;
    std::mt19937 rng(42);
    std::normal_distribution<float> normal;
    VectorIndex index(kDim);
    std::vector<float> v(kDim);
    for (int i = 0; i < kEntries; ++i) {
        double n = 0;
        for (float& x : v) {
            x = normal(rng);
            n += double(x) * x;
        }
        for (float& x : v)
            x = float(x / std::sqrt(n));
        index.add(std::uint64_t(i), v.data());
    }
    // The scan reads only the query's non-zero dimensions: a short question has a few dozen, a long
    // prompt all of them.
    QString longPrompt;
    for (int i = 0; i < 200; ++i)
        longPrompt += QStringLiteral("word%1 ").arg(i * 7919 % 1000);
    const struct {
        const char* name;
        QString text;
    } queries[] = {{"short question", QStringLiteral("What is the capital of France?")}, {"200-word prompt", longPrompt}};
    for (const auto& q : queries) {
        const auto query = TextEmbedder::embed(q.text);
        const auto nonZero = std::count_if(query.begin(), query.end(), [](float x) { return x != 0.0f; });
        std::vector<double> ms;
        for (int i = 0; i < 200; ++i) {
            QElapsedTimer t;
            t.start();
            const auto m = index.best(query.data(), 0.9f);
            ms.push_back(double(t.nsecsElapsed()) / 1e6);
            if (m && m->id == std::uint64_t(-1))
                std::printf("impossible\n");
        }
        std::printf("semantic scan, %d vectors x %d floats, %s (%d non-zero dimensions): p50 %.3f ms, p99 %.3f ms per lookup\n",
                    kEntries, kDim, q.name, int(nonZero), percentile(ms, 50), percentile(ms, 99));
    }
}

// An embedding target's vectors are dense: every dimension is non-zero, so every column is read.
void denseScanBench(int entries, int dim)
{
    std::mt19937 rng(7);
    std::normal_distribution<float> normal;
    VectorIndex index(dim);
    std::vector<float> v(static_cast<std::size_t>(dim));
    auto unit = [&] {
        double n = 0;
        for (float& x : v) {
            x = normal(rng);
            n += double(x) * x;
        }
        for (float& x : v)
            x = float(x / std::sqrt(n));
    };
    for (int i = 0; i < entries; ++i) {
        unit();
        index.add(std::uint64_t(i), v.data());
    }
    unit();
    std::vector<double> ms;
    for (int i = 0; i < 100; ++i) {
        QElapsedTimer t;
        t.start();
        const auto m = index.best(v.data(), 0.9f);
        ms.push_back(double(t.nsecsElapsed()) / 1e6);
        if (m && m->id == std::uint64_t(-1))
            std::printf("impossible\n");
    }
    std::printf("semantic scan, %d vectors x %d floats, dense (embedding target): p50 %.3f ms, p99 %.3f ms per lookup\n",
                entries, dim, percentile(ms, 50), percentile(ms, 99));
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

void gatewayBench(int n)
{
    GatewayService gateway;
    GatewaySettings settings;
    settings.port = 0;
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
    // Prime the entries the hit cases find.
    QByteArray status;
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
    scanBench();
    denseScanBench(10'000, 768);
    denseScanBench(10'000, 1536);
    denseScanBench(100'000, 768);
    gatewayBench(n);
    return 0;
}
