#pragma once
// An exact nearest-neighbour index for the semantic cache: unit vectors stored row after row in one
// contiguous array, scanned with a dot product the compiler vectorises. Exact, so it never misses a
// match an approximate index would; at the sizes the cache holds the scan is fast enough
// (docs/cache.md: measured at 100,000 vectors).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace gatehouse {

class VectorIndex {
public:
    explicit VectorIndex(int dimensions) : dim_(dimensions) {}

    struct Match {
        std::uint64_t id = 0;
        float score = 0;   // cosine similarity (dot product of unit vectors)
    };

    // Adds a unit vector of dimensions() floats under id; returns its row.
    std::size_t add(std::uint64_t id, const float* vector);
    // Removes a row by moving the last row into it; returns the id now at that row, if any moved.
    std::optional<std::uint64_t> removeRow(std::size_t row);

    // The row with the highest score >= minScore among those accept() agrees to (asked only for rows
    // that would become the best so far).
    std::optional<Match> best(const float* query, float minScore,
                              const std::function<bool(std::uint64_t)>& accept = {}) const;

    std::size_t size() const { return ids_.size(); }
    int dimensions() const { return dim_; }
    std::uint64_t idAt(std::size_t row) const { return ids_[row]; }

    static float dot(const float* a, const float* b, int n);

private:
    int dim_;
    std::vector<float> data_;
    std::vector<std::uint64_t> ids_;
};

} // namespace gatehouse
