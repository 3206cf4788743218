#include "routing/route_simulator.h"

#include "routing/route_walker.h"

#include <random>

namespace gatehouse {

namespace {

void collectLeaves(const TargetNode& node, const std::string& path, std::vector<SimulatedLeaf>& out)
{
    if (node.isLeaf()) {
        std::string label = node.provider.value_or(node.virtualKey ? "@" + *node.virtualKey : "(request's provider)");
        if (const auto m = node.overrideParams.find("model"); m != node.overrideParams.end() && m->is_string())
            label += " " + m->get<std::string>();
        if (node.name)
            label += " (" + *node.name + ")";
        out.push_back({path, label});
        return;
    }
    for (std::size_t i = 0; i < node.targets.size(); ++i)
        collectLeaves(node.targets[i], path + ".targets[" + std::to_string(i) + "]", out);
}

// Answers every call at once from the scenario; retries run immediately (their waits do not matter here).
class ScenarioRunner : public AttemptRunner {
public:
    ScenarioRunner(const FailureScenario& scenario, std::uint64_t seed, SimulationResult& result)
        : scenario_(scenario), random_(seed), result_(result) {}

    void runAttempt(const LeafPlan& plan, std::function<void(AttemptResult)> done) override
    {
        if (firstPath_.empty())
            firstPath_ = plan.path;
        LeafCounts& c = result_.leaves[plan.path];
        ++c.attempts;
        if (plan.retryIndex > 0) {
            ++c.retries;
            ++result_.retries;
        }
        AttemptResult r;
        const auto it = scenario_.statusByPath.find(plan.path);
        r.status = it == scenario_.statusByPath.end() ? 200 : it->second;
        if (!RouteWalker::isSuccess(r.status))
            ++c.failures;
        done(std::move(r));
    }
    void schedule(int, std::function<void()> fn) override { fn(); }
    double random01() override { return std::uniform_real_distribution<double>(0.0, 1.0)(random_); }
    qint64 nowMsUtc() override { return 0; }

    std::string firstPath_;

private:
    const FailureScenario& scenario_;
    std::mt19937_64 random_;
    SimulationResult& result_;
};

} // namespace

std::vector<SimulatedLeaf> simulatedLeaves(const RoutingConfig& config)
{
    std::vector<SimulatedLeaf> out;
    collectLeaves(config.root, "config", out);
    return out;
}

SimulationResult simulateRoutes(std::shared_ptr<const RoutingConfig> config, int requests, const FailureScenario& scenario,
                                std::uint64_t seed, const RoutingContext& context)
{
    SimulationResult result;
    if (!config)
        return result;
    for (const SimulatedLeaf& leaf : simulatedLeaves(*config))
        result.leaves[leaf.path];
    ScenarioRunner runner(scenario, seed, result);
    for (int i = 0; i < requests; ++i) {
        runner.firstPath_.clear();
        RouteWalker walker(config, context, runner, nullptr);
        bool finished = false;
        walker.start([&](RouteOutcome o) {
            finished = true;
            ++result.requests;
            if (RouteWalker::isSuccess(o.result.status))
                ++result.succeeded;
            else
                ++result.failed;
            if (o.attempts > 0) {   // a config error answers without any call
                ++result.leaves[o.path].answered;
                if (o.path != runner.firstPath_)
                    ++result.fellBack;
            }
        });
        if (!finished)   // cannot happen with a synchronous runner; keep the count honest anyway
            ++result.failed;
    }
    return result;
}

} // namespace gatehouse
