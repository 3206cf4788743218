#pragma once
// The semantic cache's vectors, kept off the gateway thread. One VectorIndex per scope lives on a
// worker thread; the gateway thread queues adds and removes in order, and searches, and never waits:
// a search's candidates come back as a queued call on the thread that asked. The worker applies
// changes in slices of a few milliseconds and answers searches between them. Adds and removes are sent
// in one batch per event-loop turn. A graph insert costs about a millisecond at 768 dimensions, so
// under a burst of new answers the worker can fall behind: past kMaxBacklog queued adds, tryAdd()
// refuses and the answer is cached for exact lookups only (docs/cache.md).
// Inline mode runs everything at once on the caller's thread, for tests of the cache's bookkeeping.

#include "cache/vector_index.h"

#include <QByteArray>
#include <QObject>
#include <QThread>

#include <atomic>
#include <deque>
#include <functional>
#include <unordered_map>
#include <vector>

namespace gatehouse {

class SemanticIndex {
public:
    enum class Mode { Inline, Threaded };
    static constexpr int kMaxBacklog = 4096;
    static constexpr qint64 kSliceMs = 5;

    explicit SemanticIndex(Mode mode = Mode::Inline);
    ~SemanticIndex();
    SemanticIndex(const SemanticIndex&) = delete;
    SemanticIndex& operator=(const SemanticIndex&) = delete;

    // A vector of a new entry from live traffic; false (and nothing queued) while the worker is behind.
    bool tryAdd(const QByteArray& scope, std::uint64_t id, std::vector<float> vector);
    // A vector loaded from disk at start: always queued.
    void add(const QByteArray& scope, std::uint64_t id, std::vector<float> vector);
    void remove(const QByteArray& scope, std::uint64_t id);
    void dropScope(const QByteArray& scope);

    // Up to k entries of scope with score >= minScore, best first, among the vectors added so far (it
    // does not wait behind queued adds). found runs on the calling thread: later when threaded, before
    // returning when inline.
    using Found = std::function<void(std::vector<VectorIndex::Match>)>;
    void search(const QByteArray& scope, std::vector<float> query, std::size_t k, float minScore, Found found);

    Mode mode() const { return mode_; }
    int backlog() const { return backlog_.load(std::memory_order_relaxed); }

private:
    using Op = std::function<void()>;   // runs where the indexes live
    void enqueue(Op op);
    void flush();
    void drain();   // on the worker: runs pending_ in slices of kSliceMs
    void addNow(const QByteArray& scope, std::uint64_t id, const std::vector<float>& vector);
    // Where the indexes live: the worker, or the caller when inline.
    std::vector<VectorIndex::Match> nearestNow(const QByteArray& scope, const std::vector<float>& query, std::size_t k,
                                               float minScore) const;

    struct ByteArrayHash {
        std::size_t operator()(const QByteArray& b) const { return qHash(b); }
    };

    Mode mode_;
    std::unordered_map<QByteArray, VectorIndex, ByteArrayHash> scopes_;   // touched only where ops run
    std::deque<Op> pending_;         // on the worker: changes not applied yet, in order
    bool drainPosted_ = false;       // on the worker
    std::atomic<int> backlog_{0};
    std::vector<Op> batch_;          // queued on the caller's thread, not yet sent
    bool flushPosted_ = false;
    QObject home_;                   // on the caller's thread: receives flushes and search results
    QThread thread_;
    QObject* worker_ = nullptr;      // on thread_: runs the ops
};

} // namespace gatehouse
