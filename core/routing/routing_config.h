#pragma once
// A routing config in Portkey's format (x-portkey-config or a saved config): a tree of nodes, each
// either a strategy over child targets or a leaf naming a provider. Parsed once, validated, then
// shared immutably (std::shared_ptr<const RoutingConfig>) by every request that uses it.

#include <nlohmann/json.hpp>

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gatehouse {

enum class StrategyMode { Single, Loadbalance, Fallback, Conditional };

struct RetryPolicy {
    int attempts = 0;                         // retries after the first call (0..10)
    std::vector<int> onStatusCodes;           // empty = 429, 500, 502, 503, 504
    bool useRetryAfterHeader = false;
    bool retries(int status) const;
};

// Gatehouse extension: where semantic mode gets its vectors. Absent: the built-in offline embedder.
// Any provider's embeddings endpoint, reached as a target would be (provider + api_key/custom_host,
// or a virtual key); the call runs asynchronously beside the request, never in its way.
struct CacheEmbeddingTarget {
    std::optional<std::string> provider;
    std::optional<std::string> virtualKey;
    std::optional<std::string> apiKey;
    std::optional<std::string> customHost;
    std::string model;
    std::optional<int> requestTimeoutMs;      // default RequestCache::kDefaultEmbeddingTimeoutMs
};

struct CacheConfig {
    std::string mode;                         // "simple" | "semantic"
    std::optional<long long> maxAgeMs;        // Portkey's max_age is milliseconds
    std::optional<double> similarityThreshold;   // Gatehouse: semantic mode's cosine bar (0, 1]
    std::optional<std::string> embedMessages; // Gatehouse: "last_user" (default) | "user" | "all"
    std::optional<CacheEmbeddingTarget> embedding;   // Gatehouse: semantic mode's embedder
};

// Gatehouse extension: skip a failing target for a while instead of trying it on every request.
struct CircuitBreakerConfig {
    int failureThreshold = 5;                 // failures within windowMs that open the circuit
    int windowMs = 60'000;
    int cooldownMs = 30'000;                  // open for this long, then one probe request
};

struct Condition {
    nlohmann::json query;                     // {"metadata.plan": {"$eq": "paid"}}, $and/$or ...
    std::string then;                         // name of the target to use
};

struct Strategy {
    StrategyMode mode = StrategyMode::Single;
    std::vector<int> onStatusCodes;           // fallback: statuses that move on (empty = any non-2xx)
    std::vector<Condition> conditions;        // conditional
    std::optional<std::string> defaultTarget; // conditional: name used when nothing matches
};

struct TargetNode {
    // identity
    std::optional<std::string> name;          // for conditional routing
    std::optional<std::string> id;            // stable id (circuit breaker state is kept per id)

    // leaf: who to call (not inherited)
    std::optional<std::string> provider;
    std::optional<std::string> apiKey;
    std::optional<std::string> virtualKey;
    nlohmann::json providerOptions = nlohmann::json::object();   // azure_*, aws_*, vertex_*, openai_*, anthropic_* keys

    // strategy node
    std::optional<Strategy> strategy;
    std::vector<TargetNode> targets;
    double weight = 1.0;                      // loadbalance share among siblings

    // inherited down the tree (child wins; override_params merge shallowly)
    nlohmann::json overrideParams = nlohmann::json::object();
    std::optional<RetryPolicy> retry;
    std::optional<CacheConfig> cache;
    std::optional<int> requestTimeoutMs;      // per attempt
    std::optional<std::string> customHost;
    std::optional<std::vector<std::string>> forwardHeaders;
    std::optional<bool> strictOpenAiCompliance;

    // Gatehouse extensions
    std::optional<int> totalTimeoutMs;        // whole request, all attempts (top level only)
    std::optional<int> firstTokenTimeoutMs;   // streams: headers to first byte of body
    std::optional<CircuitBreakerConfig> circuitBreaker;

    bool isLeaf() const { return !strategy.has_value(); }
};

// One problem found in a config, at its JSON path ("targets[1].weight").
struct ConfigIssue {
    std::string path;
    std::string message;
};

struct RoutingConfig {
    TargetNode root;
    std::vector<ConfigIssue> warnings;        // accepted keys Gatehouse does not act on yet (hooks, ...)
    std::string sourceId;                     // saved config id, or empty for inline configs
    int version = 0;                          // saved config version
};

struct ConfigParseResult {
    std::shared_ptr<const RoutingConfig> config;   // set when valid
    std::vector<ConfigIssue> errors;               // every error, with its path
};

// Parses and validates in one pass; never throws on bad input.
ConfigParseResult parseRoutingConfig(const nlohmann::json& j);
ConfigParseResult parseRoutingConfig(QByteArrayView text);

// The same, also checking every `provider` against the gateway's provider table (the routing module does
// not depend on the registry). An unknown id is an error with a "did you mean" suggestion taken from
// providerIds when given, else from the ids one edit away that isKnownProvider accepts.
using ProviderPredicate = std::function<bool(const std::string&)>;
ConfigParseResult parseRoutingConfig(const nlohmann::json& j, const ProviderPredicate& isKnownProvider,
                                     const std::vector<std::string>& providerIds = {});
ConfigParseResult parseRoutingConfig(QByteArrayView text, const ProviderPredicate& isKnownProvider,
                                     const std::vector<std::string>& providerIds = {});

// A QByteArray converts both to QByteArrayView and to json (as an array of bytes): say which.
inline ConfigParseResult parseRoutingConfig(const QByteArray& text) { return parseRoutingConfig(QByteArrayView(text)); }
inline ConfigParseResult parseRoutingConfig(const QByteArray& text, const ProviderPredicate& isKnownProvider,
                                            const std::vector<std::string>& providerIds = {})
{
    return parseRoutingConfig(QByteArrayView(text), isKnownProvider, providerIds);
}

// "targets[1].weight: must be >= 0"; the root path "" is shown as "config".
std::string formatConfigIssue(const ConfigIssue& issue);

void to_json(nlohmann::json& j, const TargetNode& node);

} // namespace gatehouse
