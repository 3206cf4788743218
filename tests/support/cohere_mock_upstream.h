#pragma once
// Impersonates Cohere's v2 API in its real wire format: POST /v2/chat (JSON, or its SSE stream of
// typed events) and POST /v2/embed. Point the provider at baseUrl() (".../v2").
// Checks what Cohere checks first: Authorization bearer (401), messages / texts present (400).
// The model name picks the scenario:
//   contains "error-<code>"  -> that status with Cohere's {"id","message"} body (429 adds Retry-After: 7)
//   contains "tool"          -> a tool call of the request's first tool with {"city":"Paris"}
//                               (finish_reason TOOL_CALL, a tool_plan), unless the last message is a
//                               tool result: then "Tool said: <content>"
//   anything else            -> text "Hello from Cohere mock: <last user text>"
// Usage: billed 10 input / 6 output tokens (tokens: 210 / 6, the preamble Cohere does not bill).
// Embeddings: one [0.5, -0.25, <index>] vector per text; billed input tokens = number of texts * 3.

#include "scripted_http_server.h"

namespace gatehouse::test {

class CohereMockUpstream : public ScriptedHttpServer {
public:
    using ScriptedHttpServer::ScriptedHttpServer;
    QString baseUrl() const;   // http://127.0.0.1:<port>/v2

protected:
    Reply answer(const Request& request) override;
};

} // namespace gatehouse::test
