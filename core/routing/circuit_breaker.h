#pragma once
// Gatehouse extension: per-target circuit breaker. Closed: requests flow, failures within the window
// are counted; at the threshold it opens. Open: the target is skipped until the cooldown ends.
// HalfOpen: one probe is let through; success closes, failure opens again. Time is injected.

#include "routing/routing_config.h"

#include <QMetaType>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace gatehouse {

enum class CircuitState { Closed, Open, HalfOpen };
const char* circuitStateName(CircuitState s);

// One breaker as observers see it: what a Dashboard row or a /metrics gauge shows.
struct CircuitStatus {
    std::string key;                 // the target: its id, or provider|custom host|model
    CircuitState state = CircuitState::Closed;
    int recentFailures = 0;          // closed: failures within the window so far
    qint64 probeInMs = 0;            // open: until a probe request is let through
    int timesOpened = 0;             // since the gateway started
    CircuitBreakerConfig config;
};
using CircuitSnapshot = std::shared_ptr<const std::vector<CircuitStatus>>;

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
    CircuitStatus status(const std::string& key, qint64 nowMs) const;
    // Called after each change observers may show: a state change or a counted failure.
    void setOnChange(std::function<void()> onChange) { onChange_ = std::move(onChange); }

private:
    void changed() const
    {
        if (onChange_)
            onChange_();
    }

    CircuitBreakerConfig config_;
    std::function<void()> onChange_;
    int timesOpened_ = 0;
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
    std::map<std::string, CircuitState> snapshot() const;
    std::vector<CircuitStatus> statuses() const;              // by key, for observers (GUI, /metrics)
    // Called when a breaker is created, changes state or counts a failure. Half-open comes with
    // time alone: an observer that shows it asks again after the shortest probeInMs.
    void setObserver(std::function<void()> observer) { observer_ = std::move(observer); }

private:
    Clock clock_;
    std::map<std::string, CircuitBreaker> breakers_;
    std::function<void()> observer_;
};

} // namespace gatehouse

Q_DECLARE_METATYPE(gatehouse::CircuitSnapshot)
