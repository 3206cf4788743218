#pragma once
// What the gateway needs to start: where to listen and the limits it enforces. Immutable once started.

#include <QString>
#include <QByteArray>
#include <cstdint>
#include <vector>

namespace gatehouse {

struct GatewaySettings {
    QString bindAddress = QStringLiteral("127.0.0.1");
    quint16 port = 8787;                      // 0 picks a free port (tests)
    qint64 maxBodyBytes = 32 * 1024 * 1024;   // request bodies above this get 413
    int maxHeaderBytes = 64 * 1024;           // request line + header block above this gets 431
    int headerTimeoutMs = 10'000;             // first byte of a request -> end of its headers
    int bodyTimeoutMs = 60'000;               // longest silence while a request body is arriving
    int idleTimeoutMs = 75'000;               // keep-alive connection with no request in flight
    int upstreamConnectTimeoutMs = 10'000;
    // PEM file of CA certificates trusted for HTTPS upstreams besides the system's (empty: none)
    QString upstreamCaFile;
    int shutdownGraceMs = 30'000;             // in-flight requests get this long to finish on shutdown
    // /v1/ requests served at once; beyond it a request is answered 503 + Retry-After at once
    // (pipeline/overload_shedding.h), so a burst cannot queue without bound
    int maxConcurrentRequests = 1024;
    int recordBodyCapBytes = 64 * 1024;       // request/response bodies kept in a record, each
    int recordFlushIntervalMs = 100;          // records are handed to observers at most this often
    // Local gateway API keys (x-portkey-api-key), kept only as SHA-256 digests. Empty: no check,
    // which is allowed on loopback only (pipeline/gateway_access.h).
    std::vector<QByteArray> apiKeyDigests;
    // response cache (used by configs with a `cache` section): bounds of the in-memory index, and the
    // SQLite file it persists to (empty: memory only, gone at exit)
    qint64 cacheMaxEntries = 10'000;
    qint64 cacheMaxBytes = 256LL * 1024 * 1024;
    QString cachePath;
};

} // namespace gatehouse
