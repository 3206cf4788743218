#pragma once
// One stored answer: the exact bytes a client got for a successful request, either a JSON body or
// the complete OpenAI SSE event sequence of a stream, with what is needed to find it again.

#include <QByteArray>
#include <QString>

#include <vector>

namespace gatehouse {

// CachedAnswer::embedderVersion of a vector from an embedding target (cache.embedding). Which model
// made it is part of the semantic scope, so only vectors of one model share an index.
inline constexpr int kExternalEmbedderVersion = -1;

struct CachedAnswer {
    QByteArray key;                 // exact key (SHA-256, 32 bytes)
    QString cacheNamespace;         // for clearing per namespace
    QByteArray semanticScope;       // empty: not in the semantic index
    std::vector<float> embedding;   // unit vector (TextEmbedder::kDimensions for the built-in embedder), or empty
    int embedderVersion = 0;
    bool stream = false;            // body is an SSE event sequence, replayed as a stream
    int status = 200;
    QByteArray contentType;
    QByteArray body;
    QString model;                  // as requested (shown when listing)
    qint64 createdMs = 0;           // wall clock, ms since the epoch
    qint64 expiresMs = 0;
    qint64 lastUsedMs = 0;

    // What the entry costs in memory, for the byte bound.
    qint64 costBytes() const
    {
        return body.size() + contentType.size() + key.size() + semanticScope.size()
             + qint64(embedding.size() * sizeof(float)) + 2 * (cacheNamespace.size() + model.size()) + 160;
    }
};

} // namespace gatehouse
