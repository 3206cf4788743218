#include "cache/response_cache.h"

#include "cache/text_embedder.h"

#include <map>

namespace gatehouse {

ResponseCache::ResponseCache(CacheLimits limits, Clock now, SemanticIndex::Mode index)
    : limits_(limits)
    , now_(std::move(now))
    , index_(index)
{
}

bool ResponseCache::fresh(const CachedAnswer& a, qint64 maxAgeMs, qint64 now) const
{
    // The entry's own expiry (set by the request that stored it) and the asking request's max_age
    // both hold: a request never gets an answer older than it accepts.
    return now < a.expiresMs && (maxAgeMs <= 0 || now - a.createdMs < maxAgeMs);
}

void ResponseCache::use(std::uint64_t id, Node& node, qint64 now)
{
    // The answer itself is immutable once stored (the store thread may be reading it): the use is
    // kept in the LRU order here and in the file's last_used_ms.
    lru_.splice(lru_.begin(), lru_, node.lru);
    if (persistence_)
        persistence_->touched(node.answer->key, now);
    Q_UNUSED(id);
}

std::shared_ptr<const CachedAnswer> ResponseCache::find(const QByteArray& key, qint64 maxAgeMs)
{
    const auto it = byKey_.constFind(key);
    if (it == byKey_.constEnd())
        return nullptr;
    const std::uint64_t id = it.value();
    Node& node = byId_.at(id);
    const qint64 now = now_();
    if (now >= node.answer->expiresMs) {
        erase(id, true);
        return nullptr;
    }
    if (!fresh(*node.answer, maxAgeMs, now))
        return nullptr;
    use(id, node, now);
    return node.answer;
}

void ResponseCache::findSimilar(const QByteArray& scope, std::vector<float> query, float threshold, qint64 maxAgeMs,
                                SimilarDone done)
{
    const auto it = scopes_.find(scope);
    if (it == scopes_.end() || int(query.size()) != it->second.dimensions) {
        done(std::nullopt);
        return;
    }
    index_.search(scope, std::move(query), kCandidates, threshold,
                  [this, maxAgeMs, done = std::move(done)](std::vector<VectorIndex::Match> matches) {
        // Back on this thread: the entries may have changed while the index searched.
        const qint64 now = now_();
        for (const VectorIndex::Match& match : matches) {
            const auto node = byId_.find(match.id);
            if (node == byId_.end() || !fresh(*node->second.answer, maxAgeMs, now))
                continue;
            use(match.id, node->second, now);
            return done(Hit{node->second.answer, match.score});
        }
        done(std::nullopt);
    });
}

bool ResponseCache::insert(std::shared_ptr<CachedAnswer> answer)
{
    if (answer->costBytes() > limits_.maxEntryBytes || answer->costBytes() > limits_.maxBytes || limits_.maxEntries <= 0)
        return false;
    if (const auto it = byKey_.constFind(answer->key); it != byKey_.constEnd())
        erase(it.value(), false);   // replaced: the store overwrites the row
    answer->lastUsedMs = now_();
    add(answer, true);
    if (persistence_)
        persistence_->stored(answer);
    evict();
    return true;
}

void ResponseCache::load(std::vector<std::shared_ptr<CachedAnswer>> answers)
{
    const qint64 now = now_();
    for (auto& a : answers) {
        if (byKey_.contains(a->key) || now >= a->expiresMs || a->costBytes() > limits_.maxEntryBytes)
            continue;
        const bool usable = a->embedderVersion == kExternalEmbedderVersion
            ? !a->embedding.empty()
            : a->embedderVersion == TextEmbedder::kVersion && int(a->embedding.size()) == TextEmbedder::kDimensions;
        if (!usable) {
            a->embedding.clear();   // another embedder's vectors do not compare with ours
            a->semanticScope.clear();
        }
        add(std::move(a), false);
        // Loaded oldest first, each to the front: the newest ends up most recently used.
    }
    evict();
}

void ResponseCache::add(std::shared_ptr<CachedAnswer> answer, bool live)
{
    const std::uint64_t id = nextId_++;
    Node node;
    lru_.push_front(id);
    node.lru = lru_.begin();
    if (!answer->semanticScope.isEmpty() && !answer->embedding.empty()) {
        // A scope holds one embedder's vectors (its identity is part of the scope); a vector of another
        // length (a model that changed its dimensions) is kept for exact lookups only, as is one the
        // index had no room to queue.
        const int dims = int(answer->embedding.size());
        const auto scope = scopes_.find(answer->semanticScope);
        const bool fits = scope == scopes_.end() || scope->second.dimensions == dims;
        if (fits && (live ? index_.tryAdd(answer->semanticScope, id, answer->embedding)
                          : (index_.add(answer->semanticScope, id, answer->embedding), true))) {
            Scope& s = scopes_[answer->semanticScope];
            s.dimensions = dims;
            ++s.entries;
            ++semanticEntries_;
            node.indexed = true;
        } else {
            semanticSkipped_ += fits;
            answer->semanticScope.clear();
            answer->embedding.clear();
        }
    }
    bytes_ += answer->costBytes();
    byKey_.insert(answer->key, id);
    node.answer = std::move(answer);
    byId_.emplace(id, std::move(node));
}

void ResponseCache::erase(std::uint64_t id, bool persist)
{
    const auto it = byId_.find(id);
    if (it == byId_.end())
        return;
    const CachedAnswer& a = *it->second.answer;
    if (it->second.indexed) {
        --semanticEntries_;
        const auto scope = scopes_.find(a.semanticScope);
        if (--scope->second.entries == 0) {
            index_.dropScope(a.semanticScope);
            scopes_.erase(scope);
        } else {
            index_.remove(a.semanticScope, id);
        }
    }
    if (persist && persistence_)
        persistence_->removed(a.key);
    bytes_ -= a.costBytes();
    byKey_.remove(a.key);
    lru_.erase(it->second.lru);
    byId_.erase(it);
}

void ResponseCache::evict()
{
    while (!lru_.empty() && (qint64(byId_.size()) > limits_.maxEntries || bytes_ > limits_.maxBytes))
        erase(lru_.back(), true);
}

CacheGauges ResponseCache::gauges() const
{
    return CacheGauges{qint64(byId_.size()), bytes_, semanticEntries_, semanticSkipped_, index_.backlog()};
}

CacheNamespaceList ResponseCache::namespaces() const
{
    std::map<QString, CacheNamespaceStats> byName;
    for (const auto& [id, node] : byId_) {
        CacheNamespaceStats& s = byName[node.answer->cacheNamespace];
        s.name = node.answer->cacheNamespace;
        ++s.entries;
        s.bytes += node.answer->costBytes();
    }
    CacheNamespaceList out;
    for (auto& [name, s] : byName)
        out.append(std::move(s));
    return out;
}

qint64 ResponseCache::clear(const std::optional<QString>& cacheNamespace)
{
    std::vector<std::uint64_t> ids;
    for (const auto& [id, node] : byId_) {
        if (!cacheNamespace || node.answer->cacheNamespace == *cacheNamespace)
            ids.push_back(id);
    }
    for (const std::uint64_t id : ids)
        erase(id, false);
    if (persistence_)
        persistence_->cleared(cacheNamespace);
    return qint64(ids.size());
}

} // namespace gatehouse
