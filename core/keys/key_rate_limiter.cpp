#include "keys/key_rate_limiter.h"

namespace gatehouse {

namespace {

int secondsUntil(qint64 ms)
{
    return int(std::max<qint64>(1, (ms + 999) / 1000));
}

} // namespace

KeyRateLimiter::KeyRateLimiter(std::function<qint64()> nowMs)
    : now_(std::move(nowMs))
{
}

void KeyRateLimiter::expire(Window& w, qint64 now)
{
    // An event at t counts while now - t < 60 s: at exactly t + 60 s it is gone.
    while (!w.requests.empty() && now - w.requests.front() >= kWindowMs)
        w.requests.pop_front();
    while (!w.tokens.empty() && now - w.tokens.front().first >= kWindowMs) {
        w.tokenSum -= w.tokens.front().second;
        w.tokens.pop_front();
    }
}

std::optional<ApiError> KeyRateLimiter::admit(const QString& slug, const KeyLimits& limits)
{
    if (!limits.any())
        return std::nullopt;
    const qint64 now = now_();
    Window& w = windows_[slug];
    expire(w, now);
    auto tooMany = [&](const QString& what, qint64 freeAtMs) {
        ApiError e{429, QStringLiteral("Virtual key '%1' is over its limit of %2; retry after %3 s.").arg(slug, what).arg(secondsUntil(freeAtMs - now)),
                   QStringLiteral("rate_limit_error"), QStringLiteral("virtual_key_rate_limited"), QStringLiteral("x-portkey-virtual-key")};
        e.retryAfterSeconds = secondsUntil(freeAtMs - now);
        return e;
    };
    if (limits.requestsPerMinute > 0 && qint64(w.requests.size()) >= limits.requestsPerMinute) {
        // room again when the oldest call that keeps the count at the limit leaves the window
        const qint64 oldest = w.requests[w.requests.size() - std::size_t(limits.requestsPerMinute)];
        return tooMany(QStringLiteral("%1 requests per minute").arg(limits.requestsPerMinute), oldest + kWindowMs);
    }
    if (limits.tokensPerMinute > 0 && w.tokenSum >= limits.tokensPerMinute) {
        qint64 sum = w.tokenSum;
        qint64 freeAt = now + kWindowMs;
        for (const auto& [t, n] : w.tokens) {
            sum -= n;
            if (sum < limits.tokensPerMinute) {
                freeAt = t + kWindowMs;
                break;
            }
        }
        return tooMany(QStringLiteral("%1 tokens per minute").arg(limits.tokensPerMinute), freeAt);
    }
    if (limits.requestsPerMinute > 0)
        w.requests.push_back(now);
    return std::nullopt;
}

void KeyRateLimiter::addTokens(const QString& slug, qint64 tokens)
{
    if (tokens <= 0)
        return;
    const auto it = windows_.find(slug);
    if (it == windows_.end())
        return;   // keys without limits keep no window
    const qint64 now = now_();
    expire(it->second, now);
    it->second.tokens.emplace_back(now, tokens);
    it->second.tokenSum += tokens;
}

} // namespace gatehouse
