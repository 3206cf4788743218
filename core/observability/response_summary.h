#pragma once
// What a log reader wants to know about an answer without reading it: the model that served it, why
// it stopped, how many tool calls it made, how many prompt tokens came from the provider's cache,
// and for a stream the answer's text put together from its chunks.
// Works on the OpenAI-format answer the client received (a JSON body or an SSE stream). Parses JSON,
// so it runs on the log writer's thread or in the GUI, never on the gateway thread.

#include <QByteArrayView>
#include <QString>

namespace gatehouse {

struct ResponseSummary {
    QString model;
    QString finishReason;     // of choice 0; "" when unknown
    int toolCalls = -1;       // -1: unknown (no choices seen)
    qint64 cachedTokens = -1; // usage.prompt_tokens_details.cached_tokens
    QString text;             // streams: choice 0's content put together (capped), for text search
};

// body: the captured answer (may be truncated); tail: the last bytes of a truncated stream, where
// the final chunks are (may be empty).
ResponseSummary summarizeResponse(QByteArrayView body, QByteArrayView tail, bool stream);

} // namespace gatehouse
