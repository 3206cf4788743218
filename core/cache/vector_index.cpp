#include "cache/vector_index.h"

#include <algorithm>
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
    data_.insert(data_.end(), vector, vector + dim_);
    ids_.push_back(id);
    return ids_.size() - 1;
}

std::optional<std::uint64_t> VectorIndex::removeRow(std::size_t row)
{
    const std::size_t last = ids_.size() - 1;
    std::optional<std::uint64_t> moved;
    if (row != last) {
        std::memcpy(data_.data() + row * std::size_t(dim_), data_.data() + last * std::size_t(dim_), sizeof(float) * std::size_t(dim_));
        ids_[row] = ids_[last];
        moved = ids_[row];
    }
    ids_.pop_back();
    data_.resize(ids_.size() * std::size_t(dim_));
    return moved;
}

std::optional<VectorIndex::Match> VectorIndex::best(const float* query, float minScore,
                                                    const std::function<bool(std::uint64_t)>& accept) const
{
    std::optional<Match> out;
    float bar = minScore;
    const float* row = data_.data();
    for (std::size_t r = 0; r < ids_.size(); ++r, row += dim_) {
        const float score = dot(row, query, dim_);
        if (score < bar || (out && score == bar))
            continue;
        if (accept && !accept(ids_[r]))
            continue;
        out = Match{ids_[r], score};
        bar = score;
    }
    return out;
}

} // namespace gatehouse
