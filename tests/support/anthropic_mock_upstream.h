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
//   anything else            -> text "Hello from Anthropic mock: <last user text>"
// "stream": true answers with the event stream (event:/data: lines, ping, block start/delta/stop,
// message_delta, message_stop), every event split over two HTTP chunks. Usage: 12 input tokens
// (+3 cache read), 7 output tokens.

#include "scripted_http_server.h"

namespace gatehouse::test {

class AnthropicMockUpstream : public ScriptedHttpServer {
public:
    using ScriptedHttpServer::ScriptedHttpServer;
    QString baseUrl() const;   // http://127.0.0.1:<port>/v1

protected:
    Reply answer(const Request& request) override;
};

} // namespace gatehouse::test
