#pragma once
// Impersonates Anthropic's Messages API (POST /v1/messages) in its real wire format, so the gateway's
// anthropic adapter can be driven end to end. Point the provider at baseUrl() (".../v1").
// Checks what Anthropic checks first: x-api-key (401 authentication_error), anthropic-version and
// max_tokens (400 invalid_request_error). The model name picks the scenario:
//   contains "error-<code>"  -> that status with Anthropic's error body (429 rate_limit_error,
//                               529 overloaded_error, 500 api_error, 401 authentication_error, ...)
//   contains "tool"          -> a text block, then a tool_use of the request's first tool with input
//                               {"city":"Paris"} (stop_reason tool_use), unless the last user turn
//                               holds a tool_result: then the answer is "Tool said: <content>"
//   contains "stream-error"  -> streamed: an error event (overloaded_error) after the first delta
//   contains "stream-cut"    -> streamed: the first delta and a third of the next event, then the
//                               connection is aborted
//   anything else            -> text "Hello from Anthropic mock: <last user text>"
// "stream": true answers with the event stream (event:/data: lines, ping, block start/delta/stop,
// message_delta, message_stop), every event split over two HTTP chunks.
// POST /v1/messages/count_tokens answers {"input_tokens": 10 + characters of system and message
// text}; like Anthropic it refuses max_tokens and stream there (400). Usage: 12 input tokens
// (+3 cache read), 7 output tokens.

#include "scripted_http_server.h"

namespace gatehouse::test {

class AnthropicMockUpstream : public ScriptedHttpServer {
public:
    using ScriptedHttpServer::ScriptedHttpServer;
    QString baseUrl() const;   // http://127.0.0.1:<port>/v1

    // The scripted answer to a request, for mocks that wrap this API (Vertex AI).
    static Reply script(const Request& request);

protected:
    Reply answer(const Request& request) override { return script(request); }
};

} // namespace gatehouse::test
