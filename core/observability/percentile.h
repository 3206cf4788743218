#pragma once
// Latency percentiles computed in C++ (SQLite has none).
//
// Definition: nearest rank. The p-th percentile of n samples is the smallest sample such that at
// least p% of the samples are <= it: the sample of 1-based rank ceil(p/100 * n) in ascending order.
// It is always an observed latency (no interpolation): for 1..100 ms, p50 = 50, p95 = 95, p99 = 99.

#include <vector>

namespace gatehouse {

// samples must be sorted ascending; 0 for no samples. p in (0, 100].
double nearestRankPercentile(const std::vector<double>& sortedSamples, double p);

} // namespace gatehouse
