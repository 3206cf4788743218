#pragma once
// POST /v1/messages, inbound: an Anthropic Messages API request becomes the OpenAI chat request the
// pipeline routes (any provider, configs, keys, cache). Bad input is a 400 naming the parameter
// ("messages[2].content[0].source.type"), checked here because no provider sees the original body.

#include "pipeline/api_error.h"

#include <nlohmann/json.hpp>

#include <variant>

namespace gatehouse::anthropic_inbound {

// system (string or text blocks) -> a system message; user/assistant turns with text, image
// (base64 or url), document (base64 PDF), tool_use -> tool_calls, tool_result -> tool messages;
// tools/tool_choice, stop_sequences -> stop, metadata.user_id -> user, max_tokens,
// temperature/top_p/top_k, stream (with usage requested), thinking. cache_control is kept on the
// parts that carry it. Thinking blocks of earlier turns are dropped (no OpenAI counterpart).
std::variant<nlohmann::json, ApiError> toChatRequest(const nlohmann::json& req);

} // namespace gatehouse::anthropic_inbound
