#pragma once
// Gemini answers -> OpenAI shapes.
//   generateContent   -> chat.completion: one choice per candidate (text parts joined, thought
//                        parts left out, functionCall -> tool_calls with fresh "call_" ids),
//                        promptFeedback.blockReason -> one empty choice with content_filter
//   batchEmbedContents -> embeddings list
//   {"error":{"code","message","status"}} -> {"error":{"message","type","param","code": status}}
// Shared with the stream mapper: finish reasons, usage, reading a candidate's parts.

#include <QByteArray>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace gatehouse::google {

class ThoughtSignatureStore;

// signatures may be null; when set, each function call's thoughtSignature is kept under its id.
// strict false (x-portkey-strict-open-ai-compliance: false) adds Portkey's extras: each choice's
// groundingMetadata (Google Search grounding) and message.content_blocks (thought parts as
// {"type":"thinking","thinking"}, text parts as {"type":"text","text"}).
void mapGenerateContentResponse(int& status, QByteArray& body, ThoughtSignatureStore* signatures, bool strict = true);
// model: the model the client asked for (the answer does not name it).
void mapBatchEmbedResponse(int& status, QByteArray& body, const std::string& model = {});

// STOP -> stop (tool_calls when the candidate called functions), MAX_TOKENS -> length,
// SAFETY / RECITATION / BLOCKLIST / PROHIBITED_CONTENT / SPII / LANGUAGE / IMAGE_SAFETY -> content_filter,
// anything else (OTHER, MALFORMED_FUNCTION_CALL, ...) -> stop.
std::string finishReason(const std::string& geminiReason, bool calledFunctions);

// usageMetadata -> OpenAI usage. Thinking tokens count as completion tokens (they are billed as
// output) and are also given as completion_tokens_details.reasoning_tokens.
nlohmann::json usage(const nlohmann::json& usageMetadata);

struct CandidateOutput {
    std::string text;
    nlohmann::json toolCalls = nlohmann::json::array();   // OpenAI tool calls, without "index"
};
CandidateOutput readCandidate(const nlohmann::json& candidate, ThoughtSignatureStore* signatures);

// The OpenAI error for a Gemini error body (an object, or the array form streaming endpoints use);
// nullopt when j is not one.
std::optional<nlohmann::json> openAiError(const nlohmann::json& j, int status);

} // namespace gatehouse::google
