#include "cache/vector_index.h"

#include <hnswlib/hnswlib.h>

#include <algorithm>

namespace gatehouse {

namespace {
constexpr std::size_t kInitialCapacity = 256;
}

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

VectorIndex::VectorIndex(int dimensions)
    : dim_(dimensions)
    , space_(std::make_unique<hnswlib::InnerProductSpace>(std::size_t(dimensions)))
    // A fixed seed: the same adds build the same graph, so a lookup's result is reproducible.
    , graph_(std::make_unique<hnswlib::HierarchicalNSW<float>>(space_.get(), kInitialCapacity, kLinks, kBuildCandidates, 100))
{
    graph_->setEf(kSearchCandidates);
}

VectorIndex::~VectorIndex() = default;
VectorIndex::VectorIndex(VectorIndex&&) noexcept = default;
VectorIndex& VectorIndex::operator=(VectorIndex&&) noexcept = default;

void VectorIndex::setSearchBreadth(std::size_t candidates)
{
    graph_->setEf(candidates);
}

void VectorIndex::add(std::uint64_t id, const float* vector)
{
    auto& g = *graph_;
    if (const auto it = g.label_lookup_.find(id); it != g.label_lookup_.end()) {
        if (g.isMarkedDeleted(it->second))
            return;   // not reachable: remove() forgets the label
        g.updatePoint(vector, it->second, 1.0f);
        return;
    }
    if (!freeSlots_.empty()) {
        // hnswlib 0.7's replace_deleted, done by hand (Debian ships 0.6): the deleted node takes the
        // new label and vector, and its links are repaired around the new position. Re-linking
        // every neighbour (hnswlib's 1.0) made an evict+add 15x slower than an add; a quarter of them
        // kept the recall (docs/cache.md).
        const unsigned slot = freeSlots_.back();
        freeSlots_.pop_back();
        g.setExternalLabel(slot, id);
        g.label_lookup_[id] = slot;
        g.unmarkDeletedInternal(slot);
        g.updatePoint(vector, slot, kRelinkShare);
        ++live_;
        return;
    }
    if (g.cur_element_count >= g.max_elements_)
        g.resizeIndex(g.max_elements_ * 2);
    g.addPoint(vector, id);
    ++live_;
}

void VectorIndex::remove(std::uint64_t id)
{
    auto& g = *graph_;
    const auto it = g.label_lookup_.find(id);
    if (it == g.label_lookup_.end())
        return;
    const unsigned slot = it->second;
    g.markDeletedInternal(slot);
    g.label_lookup_.erase(it);
    freeSlots_.push_back(slot);
    --live_;
}

std::vector<VectorIndex::Match> VectorIndex::nearest(const float* query, std::size_t k, float minScore) const
{
    std::vector<Match> out;
    if (live_ == 0 || k == 0)
        return out;
    auto found = graph_->searchKnn(query, std::min(k, live_));   // farthest on top
    out.reserve(found.size());
    while (!found.empty()) {
        const float score = 1.0f - found.top().first;   // hnswlib's inner-product distance is 1 - dot
        if (score >= minScore)
            out.push_back(Match{found.top().second, score});
        found.pop();
    }
    std::reverse(out.begin(), out.end());
    return out;
}

} // namespace gatehouse
