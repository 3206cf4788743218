#include "observability/percentile.h"

#include <algorithm>
#include <cmath>

namespace gatehouse {

double nearestRankPercentile(const std::vector<double>& sorted, double p)
{
    if (sorted.empty())
        return 0;
    const double n = double(sorted.size());
    // p * n first, then / 100: 95 * 100 / 100 is exactly 95, while 0.95 * 100 is not. The epsilon
    // absorbs the rounding of fractional p (99.9 * 1000).
    const double rank = std::ceil(p * n / 100.0 - 1e-9);
    const std::size_t index = std::size_t(std::clamp(rank, 1.0, n)) - 1;
    return sorted[index];
}

} // namespace gatehouse
