#include "cache/request_cache.h"

#include "cache/response_cache.h"
#include "cache/text_embedder.h"

#include <nlohmann/json.hpp>

namespace gatehouse {

QByteArray RequestCache::statusText() const
{
    switch (status_) {
    case Status::Disabled: return QByteArrayLiteral("DISABLED");
    case Status::Miss: return QByteArrayLiteral("MISS");
    case Status::Hit: return QByteArrayLiteral("HIT");
    case Status::SemanticHit: return QByteArrayLiteral("SEMANTIC HIT");
    case Status::SemanticMiss: return QByteArrayLiteral("SEMANTIC MISS");
    case Status::Refresh: return QByteArrayLiteral("REFRESH");
    }
    return QByteArrayLiteral("DISABLED");
}

std::shared_ptr<const CachedAnswer> RequestCache::begin(ResponseCache* cache, const std::optional<CacheConfig>& config,
                                                        bool forceRefresh, const CacheKeyInput& input, bool stream)
{
    cache_ = cache;
    status_ = Status::Disabled;
    storePending_ = false;
    similarity_ = -1;
    streamBytes_.clear();
    embedding_.clear();
    awaiting_ = false;
    searching_ = false;
    attempt_ = std::make_shared<int>(0);
    external_ = false;
    key_ = CacheKey{};
    // Listing models is not cached; neither is a request without a JSON body.
    if (!cache || !config || config->mode.empty() || input.endpoint == Endpoint::Models || !input.body
        || !input.body->is_object())
        return nullptr;

    key_ = makeCacheKey(input);
    stream_ = stream;
    namespace_ = input.cacheNamespace;
    model_ = QString::fromStdString(input.body->value("model", std::string()));
    maxAgeMs_ = config->maxAgeMs.value_or(0) > 0 ? *config->maxAgeMs : kDefaultMaxAgeMs;
    semantic_ = config->mode == "semantic" && !key_.semanticScope.isEmpty();
    external_ = semantic_ && !input.embedder.isEmpty();
    threshold_ = config->similarityThreshold.value_or(kDefaultSimilarityThreshold);
    storePending_ = true;

    if (!forceRefresh) {
        if (auto hit = cache->find(key_.exact, maxAgeMs_)) {
            status_ = Status::Hit;
            storePending_ = false;
            return hit;
        }
    }
    if (external_) {
        // The vector is needed to look up and to store; it arrives in resume().
        awaiting_ = true;
        status_ = forceRefresh ? Status::Refresh : Status::SemanticMiss;
        return nullptr;
    }
    if (forceRefresh) {
        status_ = Status::Refresh;
        if (semantic_)
            embedding_ = TextEmbedder::embed(key_.embedText);   // needed to store
        return nullptr;
    }
    if (!semantic_) {
        status_ = Status::Miss;
        return nullptr;
    }
    embedding_ = TextEmbedder::embed(key_.embedText);   // needed to look up and to store
    status_ = Status::SemanticMiss;
    searching_ = true;
    return nullptr;
}

void RequestCache::resume(std::vector<float> embedding)
{
    if (!awaiting_)
        return;
    awaiting_ = false;
    embedding_ = std::move(embedding);
    if (embedding_.empty())
        semantic_ = false;   // no vector: stored for exact lookups only
    else if (status_ != Status::Refresh)
        searching_ = true;
}

void RequestCache::search(Found then)
{
    if (!searching_)
        return then(nullptr);
    cache_->findSimilar(key_.semanticScope, embedding_, float(threshold_), maxAgeMs_,
                        [this, attempt = std::weak_ptr<int>(attempt_), then = std::move(then)](std::optional<ResponseCache::Hit> hit) {
        if (attempt.expired())
            return;
        searching_ = false;
        if (!hit)
            return then(nullptr);
        status_ = Status::SemanticHit;
        similarity_ = hit->similarity;
        storePending_ = false;
        then(hit->answer);
    });
}

void RequestCache::onStreamData(QByteArrayView data)
{
    if (!storePending_ || !stream_)
        return;
    if (streamBytes_.size() + data.size() > kMaxStreamBytes) {
        storePending_ = false;   // too large to keep: relayed, not stored
        streamBytes_.clear();
        return;
    }
    streamBytes_.append(data);
}

void RequestCache::storeJson(int status, QByteArrayView contentType, const QByteArray& body)
{
    if (!storePending_ || stream_ || status < 200 || status >= 300 || !isCleanJson(body))
        return;
    auto a = std::make_shared<CachedAnswer>();
    a->status = status;
    a->contentType = contentType.isEmpty() ? QByteArrayLiteral("application/json") : contentType.toByteArray();
    a->body = body;
    store(std::move(a));
}

void RequestCache::storeStream(int status, QByteArrayView contentType)
{
    if (!storePending_ || !stream_ || status < 200 || status >= 300 || !isCleanStream(streamBytes_))
        return;
    auto a = std::make_shared<CachedAnswer>();
    a->stream = true;
    a->status = status;
    a->contentType = contentType.isEmpty() ? QByteArrayLiteral("text/event-stream") : contentType.toByteArray();
    a->body = std::move(streamBytes_);
    store(std::move(a));
}

void RequestCache::store(std::shared_ptr<CachedAnswer> a)
{
    storePending_ = false;
    a->key = key_.exact;
    a->cacheNamespace = namespace_;
    a->model = model_;
    if (semantic_) {
        a->semanticScope = key_.semanticScope;
        a->embedding = embedding_;
        a->embedderVersion = external_ ? kExternalEmbedderVersion : TextEmbedder::kVersion;
    }
    a->createdMs = cache_->now();
    a->expiresMs = a->createdMs + maxAgeMs_;
    cache_->insert(std::move(a));
}

bool RequestCache::isCleanJson(QByteArrayView body)
{
    const auto j = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
    return j.is_object() && !j.contains("error");
}

bool RequestCache::isCleanStream(QByteArrayView sse)
{
    // Complete: ends with [DONE]. Clean: no event carries an error (a provider may report one
    // inside a 200 stream, and the gateway ends a broken stream with one).
    bool done = false;
    qsizetype pos = 0;
    while (pos < sse.size()) {
        qsizetype end = sse.indexOf('\n', pos);
        if (end < 0)
            end = sse.size();
        QByteArrayView line = sse.sliced(pos, end - pos);
        pos = end + 1;
        if (line.endsWith('\r'))
            line.chop(1);
        if (!line.startsWith("data:"))
            continue;
        QByteArrayView data = line.sliced(5).trimmed();
        if (data == "[DONE]") {
            done = true;
            continue;
        }
        if (done)
            return false;   // events after [DONE]: not a stream we understand
        if (data.contains("\"error\"")) {
            const auto j = nlohmann::json::parse(data.begin(), data.end(), nullptr, false);
            if (!j.is_object() || j.contains("error"))
                return false;
        }
    }
    return done;
}

} // namespace gatehouse
