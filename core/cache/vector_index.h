#pragma once
// An exhaustive nearest-neighbour index for the semantic cache: every row is scored, none is skipped
// by a graph or clustering, so no match above the bar is missed. The vectors are stored by dimension
// (one contiguous column of floats per dimension), because the built-in embedder's vectors are sparse:
// a question has a few dozen non-zero dimensions of 256, and only those columns are read. Rows are
// scored in blocks that stay in the L1 cache with a multiply-add the compiler vectorises
// (docs/cache.md: measured at 100,000 vectors).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace gatehouse {

class VectorIndex {
public:
    explicit VectorIndex(int dimensions) : dim_(dimensions), columns_(std::size_t(dimensions)) {}

    struct Match {
        std::uint64_t id = 0;
        float score = 0;   // cosine similarity (dot product of unit vectors)
    };

    // Adds a unit vector of dimensions() floats under id; returns its row.
    std::size_t add(std::uint64_t id, const float* vector);
    // Removes a row by moving the last row into it; returns the id now at that row, if any moved.
    std::optional<std::uint64_t> removeRow(std::size_t row);

    // Whether a row's id may be served (not expired); asked only for rows that would become the best.
    using Accept = std::function<bool(std::uint64_t)>;

    // The row with the highest score >= minScore that accept() agrees to.
    std::optional<Match> best(const float* query, float minScore, const Accept& accept = {}) const;

    std::size_t size() const { return ids_.size(); }
    int dimensions() const { return dim_; }
    std::uint64_t idAt(std::size_t row) const { return ids_[row]; }

    static float dot(const float* a, const float* b, int n);

private:
    static constexpr std::size_t kBlockRows = 8192;   // 32 KiB of scores: stays in L1 across columns

    int dim_;
    std::vector<std::vector<float>> columns_;   // columns_[d][row]
    std::vector<std::uint64_t> ids_;
};

} // namespace gatehouse
