#include "routing/route_walker.h"

#include "routing/condition_evaluator.h"
#include "routing/retry_backoff.h"
#include "routing/weighted_choice.h"

#include <algorithm>

namespace gatehouse {

namespace {

std::string childPath(const std::string& path, std::size_t i)
{
    return path + ".targets[" + std::to_string(i) + "]";
}

RouteOutcome gatewayOutcome(ApiError error, const std::string& path, int attempts)
{
    RouteOutcome o;
    o.result.status = error.status;
    o.result.body = error.toJson();
    o.result.error = std::move(error);
    o.path = path;
    o.attempts = attempts;
    return o;
}

bool countsAsFailure(const AttemptResult& r)
{
    return r.error.has_value() || r.status >= 500 || r.status == 429 || r.status == 408 || r.status == 0;
}

} // namespace

Inherited inherit(const Inherited& parent, const TargetNode& child)
{
    Inherited s = parent;
    if (child.overrideParams.is_object()) {
        for (const auto& [key, value] : child.overrideParams.items())
            s.overrideParams[key] = value;
    }
    if (child.retry) s.retry = child.retry;
    if (child.cache) s.cache = child.cache;
    if (child.requestTimeoutMs) s.requestTimeoutMs = child.requestTimeoutMs;
    if (child.customHost) s.customHost = child.customHost;
    if (child.forwardHeaders) s.forwardHeaders = child.forwardHeaders;
    if (child.strictOpenAiCompliance) s.strictOpenAiCompliance = child.strictOpenAiCompliance;
    if (child.firstTokenTimeoutMs) s.firstTokenTimeoutMs = child.firstTokenTimeoutMs;
    if (child.circuitBreaker) s.circuitBreaker = child.circuitBreaker;
    return s;
}

std::string RouteWalker::breakerKey(const TargetNode& leaf, const Inherited& settings)
{
    if (leaf.id)
        return *leaf.id;
    std::string key = leaf.provider.value_or(leaf.virtualKey.value_or("?"));
    key += '|';
    key += settings.customHost.value_or("");
    if (const auto m = settings.overrideParams.find("model"); m != settings.overrideParams.end() && m->is_string())
        key += '|' + m->get<std::string>();
    return key;
}

RouteWalker::RouteWalker(std::shared_ptr<const RoutingConfig> config, RoutingContext context, AttemptRunner& runner,
                         CircuitBreakerRegistry* breakers)
    : config_(std::move(config))
    , context_(std::move(context))
    , runner_(runner)
    , breakers_(breakers)
{
}

void RouteWalker::start(std::function<void(RouteOutcome)> done)
{
    tryNode(config_->root, Inherited{}, "config", std::move(done));
}

void RouteWalker::tryNode(const TargetNode& node, const Inherited& parent, const std::string& path, Done done)
{
    const Inherited settings = inherit(parent, node);
    if (node.isLeaf())
        return tryLeaf(LeafPlan{&node, path, settings, 0}, std::move(done));
    if (node.targets.empty())
        return done(gatewayOutcome(ApiError::badRequest(QStringLiteral("Config node %1 has no targets.").arg(QString::fromStdString(path))), path, attempts_));

    switch (node.strategy->mode) {
    case StrategyMode::Single:
        return tryNode(node.targets[0], settings, childPath(path, 0), std::move(done));
    case StrategyMode::Loadbalance: {
        std::vector<double> weights;
        bool anyOpen = false;
        for (const TargetNode& t : node.targets) {
            double w = t.weight;
            // A leaf whose circuit is open gets no share of this draw (unless every leaf is open).
            if (w > 0 && breakers_ && t.isLeaf()) {
                const Inherited s = inherit(settings, t);
                if (s.circuitBreaker && breakers_->breaker(breakerKey(t, s), *s.circuitBreaker).state(breakers_->now()) == CircuitState::Open) {
                    w = 0;
                    anyOpen = true;
                }
            }
            weights.push_back(w);
        }
        auto chosen = chooseWeighted(weights, runner_.random01());
        if (!chosen && anyOpen) {
            weights.clear();
            for (const TargetNode& t : node.targets)
                weights.push_back(t.weight);
            chosen = chooseWeighted(weights, runner_.random01());
        }
        if (!chosen)
            return done(gatewayOutcome(ApiError::badRequest(QStringLiteral("Loadbalance at %1 has no target with a weight above 0.").arg(QString::fromStdString(path)),
                                                            QStringLiteral("invalid_config")), path, attempts_));
        return tryNode(node.targets[*chosen], settings, childPath(path, *chosen), std::move(done));
    }
    case StrategyMode::Fallback:
        return tryFallback(node, settings, path, 0, std::move(done));
    case StrategyMode::Conditional: {
        std::optional<std::string> name;
        for (const Condition& c : node.strategy->conditions) {
            const auto r = evaluateCondition(c.query, context_);
            if (const auto* err = std::get_if<std::string>(&r)) {
                return done(gatewayOutcome(ApiError::badRequest(QStringLiteral("Conditional routing at %1: %2")
                                                                    .arg(QString::fromStdString(path), QString::fromStdString(*err)),
                                                                QStringLiteral("invalid_config")), path, attempts_));
            }
            if (std::get<bool>(r)) {
                name = c.then;
                break;
            }
        }
        if (!name)
            name = node.strategy->defaultTarget;
        for (std::size_t i = 0; name && i < node.targets.size(); ++i) {
            if (node.targets[i].name == name)
                return tryNode(node.targets[i], settings, childPath(path, i), std::move(done));
        }
        return done(gatewayOutcome(ApiError::badRequest(QStringLiteral("Conditional routing at %1 matched no target and has no default.")
                                                            .arg(QString::fromStdString(path)),
                                                        QStringLiteral("no_route")), path, attempts_));
    }
    }
}

void RouteWalker::tryFallback(const TargetNode& node, const Inherited& settings, const std::string& path, std::size_t index,
                              Done done)
{
    const std::string child = childPath(path, index);
    tryNode(node.targets[index], settings, child, [this, &node, settings, path, index, done](RouteOutcome o) {
        if (abandoned_ || o.result.committed)
            return done(std::move(o));
        const auto& codes = node.strategy->onStatusCodes;
        const bool moveOn = codes.empty() ? !isSuccess(o.result.status)
                                          : std::find(codes.begin(), codes.end(), o.result.status) != codes.end();
        if (moveOn && index + 1 < node.targets.size())
            return tryFallback(node, settings, path, index + 1, done);
        done(std::move(o));
    });
}

void RouteWalker::tryLeaf(LeafPlan plan, Done done)
{
    CircuitBreaker* breaker = nullptr;
    if (breakers_ && plan.settings.circuitBreaker)
        breaker = &breakers_->breaker(breakerKey(*plan.node, plan.settings), *plan.settings.circuitBreaker);
    if (breaker && !breaker->allowRequest(breakers_->now())) {
        ApiError e{503, QStringLiteral("Target %1 is skipped: its circuit breaker is open after repeated failures.")
                            .arg(QString::fromStdString(plan.path)),
                   QStringLiteral("server_error"), QStringLiteral("circuit_open"), {}};
        runner_.skippedTarget(plan, e);
        return done(gatewayOutcome(std::move(e), plan.path, attempts_));
    }
    ++attempts_;
    runner_.runAttempt(plan, [this, plan, done, breaker](AttemptResult r) mutable {
        if (breaker) {
            if (r.committed || isSuccess(r.status))
                breaker->onSuccess(breakers_->now());
            else if (countsAsFailure(r))
                breaker->onFailure(breakers_->now());
        }
        RouteOutcome o;
        o.path = plan.path;
        o.attempts = attempts_;
        o.retryCount = plan.retryIndex;
        const std::optional<RetryPolicy>& policy = plan.settings.retry;
        if (r.committed || isSuccess(r.status) || abandoned_ || !policy || policy->attempts == 0
            || !policy->retries(r.status)) {
            o.result = std::move(r);
            return done(std::move(o));
        }
        if (plan.retryIndex >= policy->attempts) {
            o.retryCount = -1;   // retries ran out on a retriable status
            o.result = std::move(r);
            return done(std::move(o));
        }
        int delayMs = backoffDelayMs(plan.retryIndex, runner_.random01());
        const bool hasRetryAfter = hasHeader(r.headers, "retry-after") || hasHeader(r.headers, "retry-after-ms")
                                || hasHeader(r.headers, "x-ms-retry-after-ms");
        if (policy->useRetryAfterHeader && (r.status == 429 || r.status == 503) && hasRetryAfter) {
            const auto wait = retryAfterMs(r.headers, runner_.nowMsUtc());
            if (!wait) {   // the provider asks for longer than we wait: give up now
                o.retryCount = -1;
                o.result = std::move(r);
                return done(std::move(o));
            }
            delayMs = *wait;
        }
        runner_.schedule(delayMs, [this, plan, done]() mutable {
            if (abandoned_)
                return;
            ++plan.retryIndex;
            tryLeaf(std::move(plan), std::move(done));
        });
    });
}

} // namespace gatehouse
