#pragma once
// Counters and histograms of the gateway's traffic, served as Prometheus text at GET /metrics.
// Lives on the gateway thread: observe() is called once per finished request (a hash lookup and a
// few increments), render() on a scrape. Label sets are bounded: beyond kMaxSeries provider/model
// pairs, new models are counted under model="__other__", so a client sending random model names
// cannot grow the gateway's memory or the scrape without bound.

#include "observability/request_record.h"

#include "cache/cache_gauges.h"
#include "routing/circuit_breaker.h"

#include <QByteArray>

#include <array>
#include <map>
#include <string>
#include <unordered_map>

namespace gatehouse {

// What the gateway thread knows at the moment of a scrape, beside the counters.
struct LiveGauges {
    int inFlight = 0;            // requests being served
    int clientConnections = 0;   // open client connections, idle keep-alive ones included
    double uptimeSeconds = 0;
};

class GatewayMetrics {
public:
    static constexpr std::size_t kMaxSeries = 1000;
    // seconds; from a local model's sub-millisecond answers to a minute-long stream
    static constexpr std::array<double, 15> kLatencyBuckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
    // microseconds would be too fine for Prometheus users; the gateway's own share is usually < 1 ms
    static constexpr std::array<double, 10> kOverheadBuckets{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1};
    static constexpr std::array<double, 9> kTokenBuckets{16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576};

    void observe(const RequestRecord& record);
    // A /v1/ request turned away with 503 because too many were in flight (no record is made for it).
    void observeOverloadRejection() { ++overloadRejections_; }

    // Prometheus text exposition format 0.0.4.
    // `circuits`: the gateway thread's breakers, as gauges (the first kMaxSeries of them); `cache`: the
    // response cache's size, when there is one.
    QByteArray render(const LiveGauges& live, const std::vector<CircuitStatus>& circuits = {},
                      const CacheGauges* cache = nullptr) const;

    template <std::size_t N>
    struct Histogram {
        std::array<quint64, N> counts{};   // per bucket, not cumulative (rendered cumulatively)
        quint64 count = 0;
        double sum = 0;
        void observe(double v, const std::array<double, N>& bounds);
    };

private:
    struct Series {   // one provider/model pair
        std::map<int, quint64> byStatus;
        Histogram<kLatencyBuckets.size()> latency;
        Histogram<kLatencyBuckets.size()> timeToFirstToken;
        Histogram<kTokenBuckets.size()> tokens;
        quint64 promptTokens = 0;
        quint64 completionTokens = 0;
        quint64 cachedTokens = 0;
        quint64 retries = 0;       // attempts beyond the first
        quint64 fallbacks = 0;
        quint64 streams = 0;
    };
    std::unordered_map<std::string, Series> series_;   // key: provider '\n' model
    Histogram<kOverheadBuckets.size()> overhead_;
    std::map<std::string, quint64> errorsByType_;
    std::map<std::string, quint64> cacheByStatus_;   // x-portkey-cache-status values: six at most
    quint64 cacheSavedTokens_ = 0;                    // total tokens of answers served from the cache
    quint64 overloadRejections_ = 0;
};

} // namespace gatehouse
