#pragma once
// Impersonates Google's Gemini API (generativelanguage v1beta) in its real wire format. Point the
// provider at baseUrl() (no path; the adapter adds /v1beta/models/...). Routes:
//   POST /v1beta/models/{model}:generateContent              -> GenerateContentResponse JSON
//   POST /v1beta/models/{model}:streamGenerateContent?alt=sse -> "data: {...}\r\n\r\n" events
//        (without alt=sse: one JSON array, as Gemini does)
//   POST /v1beta/models/{model}:batchEmbedContents           -> {"embeddings":[{"values":[...]}]}
// No x-goog-api-key (and no ?key=) -> 403 PERMISSION_DENIED. The model name picks the scenario:
//   contains "error-<code>" -> that status with {"error":{"code","message","status"}}
//   contains "tool"         -> a functionCall of the first declared function, args {"city":"Paris"},
//                              thoughtSignature "sig-mock-1" -- unless the request already carries a
//                              functionResponse: then "Tool said: <output>"
//   contains "blocked"      -> promptFeedback.blockReason SAFETY, no candidates
//   contains "stream-error" -> streamed: an error event after the first chunk
//   anything else           -> "Hello from Gemini mock: <last user text>" (streamed in 3 events)
// Usage: 9 prompt tokens, 6 candidate tokens, 2 thought tokens, 17 total.

#include "scripted_http_server.h"

namespace gatehouse::test {

class GeminiMockUpstream : public ScriptedHttpServer {
public:
    using ScriptedHttpServer::ScriptedHttpServer;
    QString baseUrl() const;   // http://127.0.0.1:<port>

    // The scripted answer to a request, for mocks that wrap this API (Vertex AI).
    static Reply script(const Request& request);

protected:
    Reply answer(const Request& request) override { return script(request); }
};

} // namespace gatehouse::test
