#pragma once
// Anthropic answers -> OpenAI shapes: a whole Messages response becomes a chat.completion, an error
// body {"type":"error","error":{"type","message"}} becomes {"error":{"message","type","param","code"}}.

#include <QByteArray>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace gatehouse::anthropic {

// Rewrites body (and status, when a 2xx answer is unusable: 502) in place. Bodies that are not
// Anthropic's are left alone for the pipeline to wrap. strict false (x-portkey-strict-open-ai-
// compliance: false) adds Portkey's extras: message.content_blocks (the text and thinking blocks as
// Anthropic sent them) and the raw stop_reason as finish_reason.
void mapMessagesResponse(int& status, QByteArray& body, bool strict = true);

// end_turn / stop_sequence / pause_turn -> stop, tool_use -> tool_calls, max_tokens -> length,
// refusal -> content_filter; unknown -> stop.
std::string finishReason(const std::string& stopReason);

// OpenAI usage. prompt_tokens counts every input token, cached or not (OpenAI's meaning, and so
// total = prompt + completion); cache reads also appear as prompt_tokens_details.cached_tokens and,
// as Portkey does, Anthropic's own cache counters are added when non-zero.
nlohmann::json usage(long long input, long long output, long long cacheCreation, long long cacheRead);

// The OpenAI error for Anthropic's {"type":"error","error":{...}}, or nullopt when j is not one.
std::optional<nlohmann::json> openAiError(const nlohmann::json& j);

} // namespace gatehouse::anthropic
