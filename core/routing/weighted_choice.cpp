#include "routing/weighted_choice.h"

#include <cmath>

namespace gatehouse {

std::optional<std::size_t> chooseWeighted(const std::vector<double>& weights, double r01)
{
    // Negative, NaN and infinite weights count as 0 (the config parser refuses them anyway).
    auto usable = [](double w) { return std::isfinite(w) && w > 0; };
    double total = 0;
    std::optional<std::size_t> last;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        if (usable(weights[i])) {
            total += weights[i];
            last = i;
        }
    }
    if (!last || !(total > 0) || !std::isfinite(total))
        return std::nullopt;
    if (!(r01 >= 0))
        r01 = 0;
    if (r01 >= 1)
        r01 = std::nextafter(1.0, 0.0);
    double r = r01 * total;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        if (!usable(weights[i]))
            continue;
        if (r < weights[i])
            return i;
        r -= weights[i];
    }
    return last;   // rounding left r at the very end: the last target with a share
}

} // namespace gatehouse
