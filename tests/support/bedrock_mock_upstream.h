#pragma once
// Impersonates AWS Bedrock Runtime's Converse API in its real wire format:
//   POST /model/{modelId}/converse         -> Converse JSON
//   POST /model/{modelId}/converse-stream  -> application/vnd.amazon.eventstream frames (CRC-checked
//                                             binary framing), each frame split over HTTP chunks
// Checks what AWS checks first: a SigV4 Authorization header (403 {"message"} otherwise) and
// x-amz-date. The model id picks the scenario:
//   contains "error-<code>"  -> that status with {"message"} (429 ThrottlingException adds no
//                               Retry-After, as AWS does)
//   contains "tool"          -> a toolUse of the request's first tool with {"city":"Paris"}
//                               (stopReason tool_use), unless the last turn holds a toolResult
//   contains "stream-exception" -> streamed: an exception frame (throttlingException) after one delta
//   anything else            -> text "Hello from Bedrock mock: <last user text>"
// Usage: 20 input (+4 cache read), 9 output tokens.

#include "scripted_http_server.h"

namespace gatehouse::test {

class BedrockMockUpstream : public ScriptedHttpServer {
public:
    using ScriptedHttpServer::ScriptedHttpServer;
    QString baseUrl() const;   // http://127.0.0.1:<port>

protected:
    Reply answer(const Request& request) override;
};

} // namespace gatehouse::test
