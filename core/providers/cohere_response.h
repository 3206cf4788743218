#pragma once
// Cohere v2 answers -> OpenAI shapes.
//   /v2/chat  -> chat.completion: text content blocks joined, tool_calls kept (same shape), finish
//               reasons COMPLETE / STOP_SEQUENCE -> stop, MAX_TOKENS -> length, TOOL_CALL ->
//               tool_calls, anything else -> stop; usage from billed_units (what is charged), else tokens
//   /v2/embed -> embeddings list (float, or base64 of little-endian float32 when asked), usage from
//               meta.billed_units.input_tokens
//   errors    -> {"message": ...} becomes {"error":{"message","type","param","code"}}, status kept
// Shared with the stream mapper: finish reasons, usage, errors.

#include <QByteArray>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace gatehouse::cohere {

// model: the model the client asked for (Cohere's answers do not name it).
void mapChatResponse(int& status, QByteArray& body, const std::string& model);
void mapEmbedResponse(int& status, QByteArray& body, const std::string& model, bool base64);

std::string finishReason(const std::string& cohereReason);
nlohmann::json usage(const nlohmann::json& cohereUsage);
// The OpenAI error for a Cohere error body ({"message": ...}); nullopt when j is not one.
std::optional<nlohmann::json> openAiError(const nlohmann::json& j, int status);

} // namespace gatehouse::cohere
