#pragma once
// The cache's part in one request: per attempt, decide whether the target's cache applies, look the
// answer up (exact, then semantic), and once a fresh answer has been relayed in full and cleanly,
// store it. Holds the x-portkey-cache-status of the answer. The exchange calls it in a few places and
// keeps no cache logic of its own.

#include "cache/cache_key.h"
#include "cache/cached_answer.h"
#include "routing/routing_config.h"

#include <QByteArray>
#include <QByteArrayView>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace gatehouse {

class ResponseCache;

class RequestCache {
public:
    enum class Status { Disabled, Miss, Hit, SemanticHit, SemanticMiss, Refresh };

    static constexpr qint64 kDefaultMaxAgeMs = 24LL * 60 * 60 * 1000;   // Portkey: max_age || 86,400,000
    static constexpr double kDefaultSimilarityThreshold = 0.9;
    static constexpr qint64 kMaxStreamBytes = 8LL * 1024 * 1024;

    // Starts an attempt. Returns the answer to serve on an exact hit; otherwise the answer this attempt
    // produces is stored later if it qualifies, and in semantic mode a lookup by similarity follows
    // (awaitingEmbedding(), then awaitingSearch()). cache null or no cache config: DISABLED.
    std::shared_ptr<const CachedAnswer> begin(ResponseCache* cache, const std::optional<CacheConfig>& config,
                                              bool forceRefresh, const CacheKeyInput& input, bool stream);

    // Every byte of a stream as relayed to the client.
    void onStreamData(QByteArrayView data);
    // A whole answer has been sent: stored when it is a 2xx JSON answer with no error in it.
    void storeJson(int status, QByteArrayView contentType, const QByteArray& body);
    // A stream ended without a transport error: stored when it is complete ([DONE]) and has no error event.
    void storeStream(int status, QByteArrayView contentType);

    Status status() const { return status_; }
    // Semantic mode with an embedding target: begin() found no exact match and the semantic lookup
    // waits for the vector of embedText(), which the exchange fetches and hands to resume().
    bool awaitingEmbedding() const { return awaiting_; }
    const QString& embedText() const { return key_.embedText; }
    // The target's vector (empty: the call failed; then the answer is stored for exact lookups only).
    void resume(std::vector<float> embedding);
    // The vector is known and the semantic index is to be asked: search() does, and then runs later
    // (or at once with an inline index) with the answer to serve, or null to call the provider. It is
    // not run once this RequestCache is gone or has begun another attempt.
    bool awaitingSearch() const { return searching_; }
    using Found = std::function<void(std::shared_ptr<const CachedAnswer>)>;
    void search(Found then);

    bool servedAnswer() const { return status_ == Status::Hit || status_ == Status::SemanticHit; }
    QByteArray statusText() const;
    QString keyHex() const { return key_.exact.isEmpty() ? QString() : key_.hex(); }
    double similarity() const { return similarity_; }   // -1 unless a semantic lookup ran

    static bool isCleanStream(QByteArrayView sse);
    static bool isCleanJson(QByteArrayView body);

private:
    void store(std::shared_ptr<CachedAnswer> answer);

    ResponseCache* cache_ = nullptr;
    Status status_ = Status::Disabled;
    bool storePending_ = false;
    bool stream_ = false;
    bool semantic_ = false;
    bool external_ = false;        // vectors come from an embedding target, not the built-in embedder
    bool awaiting_ = false;
    bool searching_ = false;
    std::shared_ptr<int> attempt_ = std::make_shared<int>(0);   // a search answer for an older attempt is dropped
    double threshold_ = kDefaultSimilarityThreshold;
    CacheKey key_;
    std::vector<float> embedding_;
    QString namespace_;
    QString model_;
    qint64 maxAgeMs_ = kDefaultMaxAgeMs;
    double similarity_ = -1;
    QByteArray streamBytes_;
};

} // namespace gatehouse
