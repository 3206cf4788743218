#pragma once
// OpenAI chat <-> AWS Bedrock's Converse API (the same shapes for every Bedrock model).
//   request: system/developer -> system [{text}], user/assistant turns -> messages with content blocks
//     ({text}, {image:{format, source:{bytes}}} from base64 data URLs, assistant tool_calls ->
//     {toolUse:{toolUseId, name, input}}, tool messages -> a user turn of {toolResult:{toolUseId,
//     content:[{text}]}}; consecutive same-role turns merged, as Converse requires alternation),
//     max_tokens / temperature / top_p / stop -> inferenceConfig, tools -> toolConfig.tools[].toolSpec,
//     tool_choice auto / required / {function} -> {auto:{}} / {any:{}} / {tool:{name}}
//   answer: output.message content -> text and tool_calls; stopReason end_turn / stop_sequence -> stop,
//     tool_use -> tool_calls, max_tokens -> length, guardrail_intervened / content_filtered ->
//     content_filter; usage with cacheRead/WriteInputTokens (prompt_tokens counts them, as OpenAI's does)
//   errors: {"message": ...} (or "Message") with the HTTP status kept
// What Converse cannot take is a 400 naming the parameter: n > 1, http image URLs, tool_choice "none"
// together with tools.

#include "pipeline/api_error.h"

#include <QByteArray>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <variant>

namespace gatehouse::bedrock {

std::variant<nlohmann::json, ApiError> toConverseRequest(const nlohmann::json& openAi);
void mapConverseResponse(int& status, QByteArray& body, const std::string& model);

std::string finishReason(const std::string& stopReason);
nlohmann::json usage(const nlohmann::json& converseUsage);
std::optional<nlohmann::json> openAiError(const nlohmann::json& j, int status);

} // namespace gatehouse::bedrock
