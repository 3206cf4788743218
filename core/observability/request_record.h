#pragma once
// One finished request as the gateway saw it: what observers (the live window, the log store) receive.
// Plain value type; built on the gateway thread, then shared read-only in batches.

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QMetaType>

#include <nlohmann/json_fwd.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace gatehouse {

struct ResponseSummary;

// One call to a provider within a request (retries and fallbacks make several).
struct AttemptRecord {
    QString path;               // config path of the target: "config.targets[1]"
    double startMs = -1;        // offset from the request's arrival; -1 when unknown
    QString provider;
    int status = 0;             // HTTP status, or the gateway's for transport failures
    double latencyMs = 0;
    QString error;              // empty on success
};

struct RequestRecord {
    // identity
    QString requestId;          // x-portkey-request-id sent back to the client
    QString traceId;            // x-portkey-trace-id (generated when the client sent none)
    QString spanId;             // x-portkey-span-id; empty: the request is its own span
    QString parentSpanId;       // x-portkey-parent-span-id
    QString spanName;           // x-portkey-span-name
    QString traceparent;        // W3C traceparent as sent (validated shape), empty when absent

    // timing (wall clock for display; durations measured on a monotonic clock)
    QDateTime receivedAt;
    // durations in milliseconds with sub-millisecond precision (local models and mocks answer in µs)
    double totalMs = 0;         // received -> last byte written
    double upstreamMs = -1;     // upstream start -> upstream finished; -1 if no upstream call
    double firstByteMs = -1;    // received -> first response byte from upstream; -1 if none
    double upstreamStartMs = -1; // received -> first upstream attempt started; -1 if none
    double firstTokenMs = -1;   // streams: received -> first event relayed to the client; -1 if none

    // routing
    QString method;             // GET / POST
    QString path;               // /v1/chat/completions ...
    QString provider;           // provider id, empty when the request failed before routing
    QString model;              // model as requested
    QString upstreamUrl;        // without credentials
    int attempts = 0;           // upstream attempts made
    int retries = 0;            // x-portkey-retry-attempt-count of the answer (-1: retries ran out)
    bool fallbackUsed = false;  // the answer came from a later fallback target
    QString targetPath;         // x-portkey-last-used-option-index
    QString configId;           // saved config id (empty for inline or no config)
    int configVersion = 0;      // that config's version when the request started; 0 = inline or none
    QString virtualKey;         // slug of the virtual key used (never its secret); empty if none
    std::vector<AttemptRecord> attemptLog;

    // result
    int status = 0;             // HTTP status returned to the client
    bool stream = false;
    QString errorType;          // OpenAI error type when the gateway answered with an error
    QString errorMessage;

    // request parameters (-1 / empty when the request did not set them)
    double temperature = -1;
    double topP = -1;
    qint64 maxTokens = -1;      // max_tokens or max_completion_tokens
    int toolsCount = -1;        // entries in tools (or functions)
    int messagesCount = -1;     // entries in messages (chat) or inputs (embeddings)

    // answer summary, read from the response off the gateway thread (response_summary.h)
    QString modelServed;        // the answer's "model" (may differ from the one requested)
    QString finishReason;       // of the first choice; "" when unknown
    int toolCalls = -1;         // tool calls in the answer; -1 when unknown
    // cache (x-portkey-cache-status; key and similarity when the cache was consulted)
    QString cacheStatus;        // DISABLED, MISS, HIT, SEMANTIC HIT, SEMANTIC MISS, REFRESH; empty = not reached
    QString cacheKey;           // hex SHA-256 of the request's cache identity (never the request itself)
    double cacheSimilarity = -1;  // cosine similarity of a semantic lookup's best match; -1 none
    double cacheSavedUsd = -1;  // a hit: what the answer would have cost from the provider; -1 unknown or no hit

    // usage (-1 when the upstream did not report it)
    qint64 promptTokens = -1;
    qint64 completionTokens = -1;
    qint64 totalTokens = -1;
    qint64 cachedTokens = -1;   // prompt tokens served from the provider's prompt cache
    // cost from the model catalog; priceKnown false (and costUsd -1) when the model or its price
    // is unknown or no usage was reported: never a made-up 0
    double costUsd = -1;
    bool priceKnown = false;

    // client
    QString clientAddress;
    QString userAgent;
    std::map<std::string, std::string> metadata;  // x-portkey-metadata

    // sizes and bodies (bodies are size-capped and have secrets redacted)
    qint64 requestBytes = 0;
    qint64 responseBytes = 0;
    QByteArray requestBody;
    QByteArray responseBody;
    bool requestBodyTruncated = false;
    bool responseBodyTruncated = false;
    QByteArray responseTail;    // last bytes of a stream whose body was truncated: its final events

    // Fills the answer summary from the captured response (response_summary.h). Parses JSON, so the
    // log writer and the GUI call it, never the gateway thread.
    void summarizeResponse();
    // The stored summary, or one read from the captured response now (same rules as above).
    ResponseSummary responseSummary() const;
    // The summary is set (summarizeResponse() ran, or the record was read back from the log).
    bool hasResponseSummary() const { return !modelServed.isEmpty() || !finishReason.isEmpty() || toolCalls >= 0; }
    // Time the gateway itself added: total minus the upstream's share (-1 without an upstream call).
    double gatewayOverheadMs() const { return upstreamMs < 0 ? -1 : std::max(0.0, totalMs - upstreamMs); }
};

void to_json(nlohmann::json& j, const AttemptRecord& a);
void from_json(const nlohmann::json& j, AttemptRecord& a);   // lenient: missing fields stay default
void to_json(nlohmann::json& j, const RequestRecord& r);

// Records travel between threads in immutable batches: one queued signal per burst, never one per request.
using RecordBatch = std::shared_ptr<const std::vector<RequestRecord>>;

} // namespace gatehouse

Q_DECLARE_METATYPE(gatehouse::RecordBatch)
