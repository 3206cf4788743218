#pragma once
// The semantic cache's nearest-neighbour index for one scope: an HNSW graph (hnswlib) over unit
// vectors, scored by inner product (= cosine similarity). An exact scan was measured first and
// misses the 2 ms bar past ~20,000 dense vectors (70 ms at 100,000 x 768); the graph answers in a
// fraction of a millisecond at 100,000 with the recall written down in docs/cache.md. A removed
// entry's slot is marked deleted and reused by the next add, so churn under LRU eviction does not
// grow the graph. Not thread-safe: one thread (SemanticIndex's worker) owns it.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace hnswlib {
template <typename T>
class HierarchicalNSW;
class InnerProductSpace;
}

namespace gatehouse {

class VectorIndex {
public:
    explicit VectorIndex(int dimensions);
    ~VectorIndex();
    VectorIndex(VectorIndex&&) noexcept;
    VectorIndex& operator=(VectorIndex&&) noexcept;

    struct Match {
        std::uint64_t id = 0;
        float score = 0;   // cosine similarity (dot product of unit vectors)
    };

    // Adds a unit vector of dimensions() floats under id (an id already present gets the new vector).
    void add(std::uint64_t id, const float* vector);
    // Forgets id; its slot is reused by a later add.
    void remove(std::uint64_t id);

    // Up to k entries with score >= minScore, best first.
    std::vector<Match> nearest(const float* query, std::size_t k, float minScore) const;

    // The candidate list a search keeps (hnswlib's ef): wider finds more and costs more.
    void setSearchBreadth(std::size_t candidates);

    std::size_t size() const { return live_; }
    int dimensions() const { return dim_; }

    static float dot(const float* a, const float* b, int n);

    // Graph parameters (hnswlib's names): links per node, and the candidate list while building and
    // while searching. Larger is slower and finds more (docs/cache.md has the measured trade-off).
    static constexpr std::size_t kLinks = 16;
    static constexpr std::size_t kBuildCandidates = 48;
    static constexpr std::size_t kSearchCandidates = 64;
    static constexpr float kRelinkShare = 0.25f;   // of a reused slot's neighbours whose links are rebuilt

private:
    int dim_;
    std::unique_ptr<hnswlib::InnerProductSpace> space_;
    std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph_;
    std::vector<unsigned> freeSlots_;   // deleted nodes a new vector may take over
    std::size_t live_ = 0;
};

} // namespace gatehouse
