#pragma once
// POST /v1/messages, outbound: the pipeline's OpenAI answer (chat.completion, or an error body)
// in Anthropic's Messages shapes. The streamed form is AnthropicInboundStream.

#include <QByteArray>
#include <QByteArrayView>
#include <nlohmann/json.hpp>

#include <string>

namespace gatehouse::anthropic_inbound {

// stop -> end_turn, length -> max_tokens, tool_calls/function_call -> tool_use,
// content_filter -> refusal; none/unknown -> end_turn.
std::string stopReason(const std::string& finishReason);

// OpenAI usage -> {input_tokens, output_tokens[, cache_read_input_tokens, cache_creation_input_tokens]}.
// OpenAI's prompt_tokens include cached tokens; Anthropic's input_tokens do not.
nlohmann::json usage(const nlohmann::json& openAiUsage);

// "msg_..." for a message id: an id that already is one (an Anthropic upstream's) is kept.
std::string messageId(const std::string& openAiId);

// A chat.completion -> an Anthropic message (text and tool_use blocks). A body that is not a chat
// completion is returned unchanged.
QByteArray toMessage(QByteArrayView chatCompletion);

// Anthropic's error type for an HTTP status (invalid_request_error, authentication_error, ...).
std::string errorType(int status);
// {"type":"error","error":{"type","message"}} from an OpenAI error body (or any body: its text is the message).
nlohmann::json error(int status, QByteArrayView openAiError);
// The error event that ends a stream which broke off, from the gateway's OpenAI error event
// ("data: {"error":{...}}"): `event: error` with api_error (timeout_error for a timeout).
QByteArray streamErrorEvent(QByteArrayView openAiErrorEvent);

} // namespace gatehouse::anthropic_inbound
