#pragma once
// Walks a routing config for one request: picks targets (single / loadbalance / fallback /
// conditional, nested to any depth), applies inheritance, retries with backoff, skips targets whose
// circuit is open, and reports the outcome that answers the client. Policy only: the calls themselves,
// timers, clock and randomness come from an AttemptRunner, so tests drive it deterministically.

#include "http/http_request.h"
#include "pipeline/api_error.h"
#include "routing/circuit_breaker.h"
#include "routing/routing_config.h"
#include "routing/routing_context.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace gatehouse {

// Settings in force for a leaf after inheritance (and header overrides) were applied.
struct Inherited {
    nlohmann::json overrideParams = nlohmann::json::object();
    std::optional<RetryPolicy> retry;
    std::optional<CacheConfig> cache;
    std::optional<int> requestTimeoutMs;
    std::optional<std::string> customHost;
    std::optional<std::vector<std::string>> forwardHeaders;
    std::optional<bool> strictOpenAiCompliance;
    std::optional<int> firstTokenTimeoutMs;
    std::optional<CircuitBreakerConfig> circuitBreaker;
};

struct LeafPlan {
    const TargetNode* node = nullptr;
    std::string path;              // "config", "config.targets[1].targets[0]"
    Inherited settings;
    int retryIndex = 0;            // 0 = first call
};

struct AttemptResult {
    int status = 0;                // HTTP status (gateway-made for transport failures and timeouts)
    bool committed = false;        // the client already has (part of) this answer: no retry, no fallback
    HeaderList headers;            // upstream headers (for Retry-After)
    QByteArray body;               // the answer to give if this is the last word
    std::optional<ApiError> error; // gateway-made error (transport failure, timeout, missing key, ...)
};

struct RouteOutcome {
    AttemptResult result;
    std::string path;              // leaf that produced it
    int retryCount = 0;            // Portkey semantics: retries made; -1 when retries ran out
    int attempts = 0;              // calls made in total
};

class AttemptRunner {
public:
    virtual ~AttemptRunner() = default;
    virtual void runAttempt(const LeafPlan& plan, std::function<void(AttemptResult)> done) = 0;
    virtual void schedule(int delayMs, std::function<void()> fn) = 0;   // retries wait on this
    virtual double random01() = 0;                                      // uniform [0, 1)
    virtual qint64 nowMsUtc() = 0;                                      // for Retry-After dates
    // A target passed over without a call (its circuit is open): shown in the request's attempts.
    virtual void skippedTarget(const LeafPlan& plan, const ApiError& why) { (void)plan; (void)why; }
};

class RouteWalker {
public:
    RouteWalker(std::shared_ptr<const RoutingConfig> config, RoutingContext context, AttemptRunner& runner,
                CircuitBreakerRegistry* breakers);

    void start(std::function<void(RouteOutcome)> done);
    // Stop scheduling further work (the request is over: client gone, deadline passed).
    void abandon() { abandoned_ = true; }

    static bool isSuccess(int status) { return status >= 200 && status < 300; }
    static std::string breakerKey(const TargetNode& leaf, const Inherited& settings);

private:
    using Done = std::function<void(RouteOutcome)>;
    void tryNode(const TargetNode& node, const Inherited& parent, const std::string& path, Done done);
    void tryLeaf(LeafPlan plan, Done done);
    void tryFallback(const TargetNode& node, const Inherited& settings, const std::string& path, std::size_t index,
                     Done done);

    std::shared_ptr<const RoutingConfig> config_;
    RoutingContext context_;
    AttemptRunner& runner_;
    CircuitBreakerRegistry* breakers_;
    int attempts_ = 0;
    bool abandoned_ = false;
};

// Child settings from the parent's: override_params merge shallowly, everything else is replaced
// when the child sets it.
Inherited inherit(const Inherited& parent, const TargetNode& child);

} // namespace gatehouse
