#pragma once
// OpenAI chat request -> Anthropic Messages request (POST /v1/messages body).
//   system/developer messages      -> top-level "system" text blocks (wherever they appear)
//   user / assistant               -> turns; consecutive turns of one role are merged
//   text, image_url, file parts    -> text, image (base64 or url source), document blocks
//   assistant tool_calls           -> tool_use blocks (arguments parsed; invalid JSON -> {})
//   tool messages                  -> tool_result blocks in a user turn (consecutive ones merged)
//   tools, tool_choice, parallel_tool_calls, stop, max_(completion_)tokens (default 4096),
//   temperature (clamped to [0,1]), top_p, top_k, user -> metadata.user_id, stream, thinking
// Other OpenAI fields are dropped (as in Portkey). Client mistakes are 400s, never exceptions.

#include "pipeline/api_error.h"

#include <nlohmann/json.hpp>

#include <string>
#include <variant>

namespace gatehouse::anthropic {

// Anthropic requires max_tokens; OpenAI clients usually omit it. 4096 is within every Claude
// model's output limit.
constexpr long long kDefaultMaxTokens = 4096;

std::variant<nlohmann::json, ApiError> toMessagesRequest(const nlohmann::json& openAiRequest);

// Anthropic accepts tool ids matching [A-Za-z0-9_-]+ only; ids minted by other providers are
// replaced by a stable hash, the same for a tool_use and its tool_result.
std::string toolUseId(const std::string& openAiId);

// Anthropic's prompt-caching marker on a block, copied as is (both directions keep it).
void copyCacheControl(const nlohmann::json& from, nlohmann::json& to);

} // namespace gatehouse::anthropic
