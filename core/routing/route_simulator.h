#pragma once
// "What if": runs N made-up requests through the real RouteWalker with a failure scenario instead of
// providers (each leaf answers a fixed status, 200 unless the scenario says otherwise) and counts
// where they went. No network, no timers (retries run at once), seeded randomness: the same inputs
// give the same numbers. Circuit breakers are not simulated.

#include "routing/routing_config.h"
#include "routing/routing_context.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace gatehouse {

struct SimulatedLeaf {
    std::string path;        // "config.targets[1]"
    std::string label;       // "openai gpt-4o" (provider or virtual key, and the model when one is set)
};

// Every leaf of a config, in tree order.
std::vector<SimulatedLeaf> simulatedLeaves(const RoutingConfig& config);

struct FailureScenario {
    std::map<std::string, int> statusByPath;   // leaf path -> status it answers; absent = 200
};

struct LeafCounts {
    int attempts = 0;        // calls made to this leaf, retries included
    int retries = 0;         // of those, retries
    int failures = 0;        // calls answered with a non-2xx status
    int answered = 0;        // requests whose final answer came from this leaf
};

struct SimulationResult {
    int requests = 0;
    int succeeded = 0;       // final answer 2xx
    int failed = 0;
    int fellBack = 0;        // requests answered by a leaf other than the first one called
    int retries = 0;         // retries over all requests
    std::map<std::string, LeafCounts> leaves;   // by leaf path; every leaf of the config is present
};

SimulationResult simulateRoutes(std::shared_ptr<const RoutingConfig> config, int requests, const FailureScenario& scenario,
                                std::uint64_t seed, const RoutingContext& context = {});

} // namespace gatehouse
