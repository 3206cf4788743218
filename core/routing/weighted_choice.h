#pragma once
// Loadbalance: picks an index with probability weight / sum(weights). Zero weights are never chosen.
// r01 is a uniform random number in [0, 1) from the injected random source.

#include <cstddef>
#include <optional>
#include <vector>

namespace gatehouse {

std::optional<std::size_t> chooseWeighted(const std::vector<double>& weights, double r01);

} // namespace gatehouse
