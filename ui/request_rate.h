#pragma once
// Requests per minute from a running total sampled now and then (the tray's tooltip). Time comes in
// as milliseconds from the caller, so tests drive it without waiting.

#include <QtGlobal>
#include <deque>
#include <utility>

namespace gatehouse {

class RequestRate {
public:
    static constexpr qint64 kWindowMs = 60'000;

    // total: requests counted so far; a smaller total than before (the list was cleared) starts over.
    void sample(qint64 nowMs, qint64 total);
    // Over the last minute of samples (or less, when fewer exist); 0 with fewer than two samples.
    double perMinute() const;

private:
    std::deque<std::pair<qint64, qint64>> samples_;   // (ms, total), oldest first
};

} // namespace gatehouse
