#pragma once
// The cache's in-memory index, on the gateway thread: exact lookups by key, semantic lookups by
// cosine similarity within a scope, LRU eviction under an entry and a byte bound, expiry by the
// clock it is given. It never touches the disk: a CachePersistence (CacheStore) hears about every
// change and writes it on its own thread, and hands back what it loaded at start.

#include "cache/cache_gauges.h"
#include "cache/cache_namespace_stats.h"
#include "cache/cached_answer.h"
#include "cache/semantic_index.h"

#include <QByteArray>
#include <QHash>
#include <QString>

#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

namespace gatehouse {

struct CacheLimits {
    qint64 maxEntries = 10'000;
    qint64 maxBytes = 256LL * 1024 * 1024;
    qint64 maxEntryBytes = 8LL * 1024 * 1024;   // larger answers are not stored
};

// Told about changes so they can be persisted; every call comes from the gateway thread.
class CachePersistence {
public:
    virtual ~CachePersistence() = default;
    virtual void stored(const std::shared_ptr<const CachedAnswer>& answer) = 0;
    virtual void removed(const QByteArray& key) = 0;
    virtual void touched(const QByteArray& key, qint64 lastUsedMs) = 0;
    virtual void cleared(const std::optional<QString>& cacheNamespace) = 0;
};

class ResponseCache {
public:
    using Clock = std::function<qint64()>;   // wall-clock ms since the epoch (entries outlive restarts)

    // index: where the vectors live and are searched (SemanticIndex::Mode::Threaded in the gateway).
    ResponseCache(CacheLimits limits, Clock now, SemanticIndex::Mode index = SemanticIndex::Mode::Inline);

    static constexpr std::size_t kCandidates = 8;

    struct Hit {
        std::shared_ptr<const CachedAnswer> answer;
        float similarity = 1.0f;
    };

    // The entry under key if it has not expired and is at most maxAgeMs old; counts as a use (LRU).
    std::shared_ptr<const CachedAnswer> find(const QByteArray& key, qint64 maxAgeMs);
    // The most similar entry in scope with similarity >= threshold, fresh as find() requires: the best
    // fresh one of the kCandidates nearest (entries older than this request's max_age are passed over).
    // done runs on this thread once the index has answered (at once with an inline index); an entry
    // removed meanwhile is not served.
    using SimilarDone = std::function<void(std::optional<Hit>)>;
    void findSimilar(const QByteArray& scope, std::vector<float> query, float threshold, qint64 maxAgeMs, SimilarDone done);

    // Stores (or replaces) an answer, then evicts least recently used entries down to the limits.
    // Returns false when the answer alone is over maxEntryBytes (not stored).
    bool insert(std::shared_ptr<CachedAnswer> answer);
    // Entries loaded from disk, least recently used first; keys already present are kept as they are.
    void load(std::vector<std::shared_ptr<CachedAnswer>> answers);
    // Removes every entry, or those of one namespace; returns how many.
    qint64 clear(const std::optional<QString>& cacheNamespace = std::nullopt);

    // Entries and bytes per namespace, sorted by name.
    CacheNamespaceList namespaces() const;

    void setPersistence(CachePersistence* p) { persistence_ = p; }
    const CacheLimits& limits() const { return limits_; }
    qint64 size() const { return qint64(byId_.size()); }
    qint64 bytes() const { return bytes_; }
    qint64 now() const { return now_(); }
    CacheGauges gauges() const;

private:
    struct Node {
        std::shared_ptr<const CachedAnswer> answer;
        std::list<std::uint64_t>::iterator lru;
        bool indexed = false;   // its vector went to the semantic index
    };
    struct Scope {
        int dimensions = 0;
        qint64 entries = 0;   // indexed entries: the index drops the scope when none are left
    };

    bool fresh(const CachedAnswer& a, qint64 maxAgeMs, qint64 now) const;
    void use(std::uint64_t id, Node& node, qint64 now);
    void add(std::shared_ptr<CachedAnswer> answer, bool live);
    void erase(std::uint64_t id, bool persist);
    void evict();

    CacheLimits limits_;
    Clock now_;
    CachePersistence* persistence_ = nullptr;
    std::uint64_t nextId_ = 1;
    std::unordered_map<std::uint64_t, Node> byId_;
    QHash<QByteArray, std::uint64_t> byKey_;
    std::list<std::uint64_t> lru_;                   // front: most recently used
    struct ByteArrayHash {
        std::size_t operator()(const QByteArray& b) const { return qHash(b); }
    };
    std::unordered_map<QByteArray, Scope, ByteArrayHash> scopes_;
    SemanticIndex index_;
    qint64 bytes_ = 0;
    qint64 semanticEntries_ = 0;
    qint64 semanticSkipped_ = 0;
};

} // namespace gatehouse
