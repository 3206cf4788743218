#include "request_rate.h"

namespace gatehouse {

void RequestRate::sample(qint64 nowMs, qint64 total)
{
    if (!samples_.empty() && (total < samples_.back().second || nowMs < samples_.back().first))
        samples_.clear();
    samples_.emplace_back(nowMs, total);
    // Keep one sample at or before the window's start, so the span covers the whole minute.
    while (samples_.size() > 2 && samples_[1].first <= nowMs - kWindowMs)
        samples_.pop_front();
}

double RequestRate::perMinute() const
{
    if (samples_.size() < 2)
        return 0;
    const auto& [t0, n0] = samples_.front();
    const auto& [t1, n1] = samples_.back();
    if (t1 <= t0)
        return 0;
    return double(n1 - n0) * 60'000.0 / double(t1 - t0);
}

} // namespace gatehouse
