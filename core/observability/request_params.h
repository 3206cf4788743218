#pragma once
// The generation parameters a request set, copied into its record (temperature, top_p, max_tokens,
// tools, messages). Reads an already-parsed body: a few lookups, cheap enough for the gateway thread.

#include <nlohmann/json_fwd.hpp>

namespace gatehouse {

struct RequestRecord;

void readRequestParams(const nlohmann::json& body, RequestRecord& record);

} // namespace gatehouse
