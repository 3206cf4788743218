#include "routing/circuit_breaker.h"

#include <algorithm>

namespace gatehouse {

const char* circuitStateName(CircuitState s)
{
    switch (s) {
    case CircuitState::Closed: return "closed";
    case CircuitState::Open: return "open";
    case CircuitState::HalfOpen: return "half-open";
    }
    return "closed";
}

CircuitState CircuitBreaker::state(qint64 nowMs) const
{
    if (state_ == CircuitState::Open && nowMs - openedAt_ >= config_.cooldownMs)
        return CircuitState::HalfOpen;
    return state_;
}

bool CircuitBreaker::allowRequest(qint64 nowMs)
{
    switch (state(nowMs)) {
    case CircuitState::Closed:
        return true;
    case CircuitState::Open:
        return false;
    case CircuitState::HalfOpen:
        if (state_ == CircuitState::Open) {
            state_ = CircuitState::HalfOpen;
            probeOut_ = false;
            changed();
        }
        // One probe at a time. A probe that never reported back (openedAt_ holds when it left) is
        // given up after another cooldown, so a lost callback cannot keep the target skipped forever.
        if (probeOut_ && nowMs - openedAt_ < config_.cooldownMs)
            return false;
        probeOut_ = true;
        openedAt_ = nowMs;
        return true;
    }
    return false;
}

CircuitStatus CircuitBreaker::status(const std::string& key, qint64 nowMs) const
{
    CircuitStatus s;
    s.key = key;
    s.state = state(nowMs);
    s.config = config_;
    s.timesOpened = timesOpened_;
    if (s.state == CircuitState::Closed) {
        for (qint64 t : failures_)
            s.recentFailures += t > nowMs - config_.windowMs ? 1 : 0;
    } else if (s.state == CircuitState::Open) {
        s.probeInMs = std::max<qint64>(0, openedAt_ + config_.cooldownMs - nowMs);
    }
    return s;
}

void CircuitBreaker::onSuccess(qint64 nowMs)
{
    (void)nowMs;
    if (state_ == CircuitState::HalfOpen) {
        state_ = CircuitState::Closed;
        failures_.clear();
        probeOut_ = false;
        changed();
    }
    // Closed: successes do not erase failures inside the window. Open: a late answer to a request
    // sent before the circuit opened does not close it; only the probe does.
}

void CircuitBreaker::onFailure(qint64 nowMs)
{
    auto open = [&] {
        state_ = CircuitState::Open;
        openedAt_ = nowMs;
        failures_.clear();
        probeOut_ = false;
        ++timesOpened_;
    };
    switch (state_) {
    case CircuitState::Closed:
        failures_.push_back(nowMs);
        while (!failures_.empty() && failures_.front() <= nowMs - config_.windowMs)
            failures_.pop_front();
        if (int(failures_.size()) >= config_.failureThreshold)
            open();
        changed();
        break;
    case CircuitState::HalfOpen:
        open();   // the probe failed
        changed();
        break;
    case CircuitState::Open:
        break;    // a late answer to a request sent before the circuit opened
    }
}

CircuitBreaker& CircuitBreakerRegistry::breaker(const std::string& key, const CircuitBreakerConfig& config)
{
    auto it = breakers_.find(key);
    if (it != breakers_.end()) {
        it->second.setConfig(config);
        return it->second;
    }
    it = breakers_.emplace(key, CircuitBreaker(config)).first;
    it->second.setOnChange([this] {
        if (observer_)
            observer_();
    });
    if (observer_)
        observer_();
    return it->second;
}

std::vector<CircuitStatus> CircuitBreakerRegistry::statuses() const
{
    std::vector<CircuitStatus> out;
    out.reserve(breakers_.size());
    const qint64 now = clock_();
    for (const auto& [key, b] : breakers_)
        out.push_back(b.status(key, now));
    return out;
}

std::map<std::string, CircuitState> CircuitBreakerRegistry::snapshot() const
{
    std::map<std::string, CircuitState> out;
    const qint64 now = clock_();
    for (const auto& [key, b] : breakers_)
        out.emplace(key, b.state(now));
    return out;
}

} // namespace gatehouse
