#pragma once
// Waits between retries: exponential backoff with full jitter and a cap, or the provider's own
// Retry-After when the config allows it.

#include "http/http_request.h"

#include <optional>

namespace gatehouse {

struct BackoffParams {
    int baseMs = 500;       // first retry waits up to this
    int capMs = 30'000;     // no single wait is longer
};

// Full jitter: uniform in [0, min(cap, base * 2^retryIndex)]; retryIndex counts from 0.
int backoffDelayMs(int retryIndex, double r01, const BackoffParams& p = {});

// retry-after-ms, x-ms-retry-after-ms, or retry-after (seconds or an HTTP date relative to nowMsUtc).
// Values above capMs yield nullopt (do not wait that long: give up retrying).
std::optional<int> retryAfterMs(const HeaderList& headers, qint64 nowMsUtc, int capMs = 60'000);

// The same, telling apart "no usable header" (absent or unparseable: use the backoff) from "asks for
// longer than capMs" (give up retrying). The first header of the three that parses wins.
struct RetryAfter {
    enum class Kind { Absent, Wait, TooLong } kind = Kind::Absent;
    int ms = 0;             // Wait: how long; TooLong: the requested wait, clamped to INT_MAX
};
RetryAfter parseRetryAfter(const HeaderList& headers, qint64 nowMsUtc, int capMs = 60'000);

} // namespace gatehouse
