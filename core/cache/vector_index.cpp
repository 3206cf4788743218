#include "cache/vector_index.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace gatehouse {

float VectorIndex::dot(const float* a, const float* b, int n)
{
    // Eight independent sums: no loop-carried dependency, so the loop maps onto SIMD lanes.
    float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        for (int k = 0; k < 8; ++k)
            s[k] += a[i + k] * b[i + k];
    }
    float total = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
    for (; i < n; ++i)
        total += a[i] * b[i];
    return total;
}

std::size_t VectorIndex::add(std::uint64_t id, const float* vector)
{
    for (int d = 0; d < dim_; ++d)
        columns_[std::size_t(d)].push_back(vector[d]);
    ids_.push_back(id);
    return ids_.size() - 1;
}

std::optional<std::uint64_t> VectorIndex::removeRow(std::size_t row)
{
    const std::size_t last = ids_.size() - 1;
    std::optional<std::uint64_t> moved;
    for (auto& column : columns_) {
        column[row] = column[last];
        column.pop_back();
    }
    if (row != last) {
        ids_[row] = ids_[last];
        moved = ids_[row];
    }
    ids_.pop_back();
    return moved;
}

std::optional<VectorIndex::Match> VectorIndex::best(const float* query, float minScore, const Accept& accept) const
{
    // Only the query's non-zero dimensions contribute to a dot product.
    std::vector<std::pair<const float*, float>> terms;
    for (int d = 0; d < dim_; ++d) {
        if (query[d] != 0.0f)
            terms.emplace_back(columns_[std::size_t(d)].data(), query[d]);
    }
    std::optional<Match> out;
    if (terms.empty())
        return out;
    float bar = minScore;
    float scores[kBlockRows];
    for (std::size_t begin = 0; begin < ids_.size(); begin += kBlockRows) {
        const std::size_t n = std::min(kBlockRows, ids_.size() - begin);
        std::fill(scores, scores + n, 0.0f);
        for (const auto& [column, weight] : terms) {
            const float* c = column + begin;
            for (std::size_t i = 0; i < n; ++i)
                scores[i] += weight * c[i];   // vectorised (this file is built with -O3)
        }
        for (std::size_t i = 0; i < n; ++i) {
            if (scores[i] < bar || (out && scores[i] <= out->score))
                continue;
            const std::uint64_t id = ids_[begin + i];
            if (accept && !accept(id))
                continue;
            out = Match{id, scores[i]};
            bar = scores[i];
        }
    }
    return out;
}

} // namespace gatehouse
