#pragma once
// How a request steers the built-in mock provider, so configs and failures can be tried offline:
//   model suffix:  "gpt-4o@status=503,latency=200,gap=20,break=3"
//   metadata:      {"mock_status":"503","mock_latency_ms":"200","mock_gap_ms":"20","mock_break_after":"3"}
// status: HTTP status to answer (200 default); latency: ms before the answer starts; gap: ms between
// streamed chunks; break: drop the connection after that many streamed chunks.

#include "http/http_request.h"
#include "pipeline/api_error.h"

#include <map>
#include <string>
#include <variant>

namespace gatehouse {

struct MockDirectives {
    int status = 200;
    int latencyMs = 0;
    int gapMs = 0;
    int breakAfter = -1;

    // Carried to the mock transport as x-mock-* headers.
    void appendHeaders(HeaderList& headers) const;
    static MockDirectives fromHeaders(const HeaderList& headers);
};

std::variant<MockDirectives, ApiError> parseMockDirectives(const std::string& model,
                                                           const std::map<std::string, std::string>* metadata);

} // namespace gatehouse
