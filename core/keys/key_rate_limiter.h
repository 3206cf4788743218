#pragma once
// Per-key request and token rates over a sliding 60 s window, on one gateway thread (each worker
// has its own; no locks). Time comes from an injected monotonic clock so tests can stand exactly on
// a window's edge. State lives in memory: a minute's window does not need to survive a restart.

#include "keys/key_limits.h"
#include "pipeline/api_error.h"

#include <QString>
#include <deque>
#include <functional>
#include <optional>
#include <map>

namespace gatehouse {

class KeyRateLimiter {
public:
    static constexpr qint64 kWindowMs = 60'000;

    explicit KeyRateLimiter(std::function<qint64()> nowMs);

    // Counts one upstream call if the key is within its limits; otherwise the 429 to answer, with
    // retryAfterSeconds set to when the window will have room again.
    std::optional<ApiError> admit(const QString& slug, const KeyLimits& limits);
    // Tokens an answer reported, counted at the time it finished.
    void addTokens(const QString& slug, qint64 tokens);

private:
    struct Window {
        std::deque<qint64> requests;                       // start times
        std::deque<std::pair<qint64, qint64>> tokens;      // (time, tokens)
        qint64 tokenSum = 0;
    };
    void expire(Window& w, qint64 now);

    std::function<qint64()> now_;
    std::map<QString, Window> windows_;
};

} // namespace gatehouse
