#pragma once
// Gatehouse extension: per-target circuit breaker. Closed: requests flow, failures within the window
// are counted; at the threshold it opens. Open: the target is skipped until the cooldown ends.
// HalfOpen: one probe is let through; success closes, failure opens again. Time is injected.

#include "routing/routing_config.h"

#include <deque>
#include <functional>
#include <map>
#include <string>

namespace gatehouse {

enum class CircuitState { Closed, Open, HalfOpen };
const char* circuitStateName(CircuitState s);

class CircuitBreaker {
public:
    explicit CircuitBreaker(CircuitBreakerConfig config) : config_(config) {}
    bool allowRequest(qint64 nowMs);           // false while open (or while a half-open probe is out)
    void onSuccess(qint64 nowMs);
    void onFailure(qint64 nowMs);
    CircuitState state(qint64 nowMs) const;
    // Keeps the state and applies new thresholds (a config reloaded with other numbers).
    void setConfig(const CircuitBreakerConfig& config) { config_ = config; }
    const CircuitBreakerConfig& config() const { return config_; }

private:
    CircuitBreakerConfig config_;
    CircuitState state_ = CircuitState::Closed;
    std::deque<qint64> failures_;              // failure times within the window
    qint64 openedAt_ = 0;
    bool probeOut_ = false;
};

// Breakers by target key (the node's id, or provider + custom host + model), one registry per gateway thread.
class CircuitBreakerRegistry {
public:
    using Clock = std::function<qint64()>;      // monotonic milliseconds
    explicit CircuitBreakerRegistry(Clock clock) : clock_(std::move(clock)) {}
    // Creates the breaker on first use; later calls keep its state and apply `config`. Breakers are never
    // erased, so the reference stays valid for the registry's lifetime.
    CircuitBreaker& breaker(const std::string& key, const CircuitBreakerConfig& config);
    qint64 now() const { return clock_(); }
    std::map<std::string, CircuitState> snapshot() const;   // for observers (the GUI)

private:
    Clock clock_;
    std::map<std::string, CircuitBreaker> breakers_;
};

} // namespace gatehouse
