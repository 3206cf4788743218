#pragma once
// Reading a client's OpenAI-format request for the native adapters: optional typed fields (a
// present value of the wrong type is a 400 naming the field; null counts as absent), message text,
// stop sequences, data URLs. Nothing here throws on hostile input.

#include "pipeline/api_error.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::openai {

// Deeper nesting is refused before mapping (the rewrites and nlohmann's dump() recurse).
constexpr int kMaxRequestDepth = 64;

// 400 invalid_json when the body's arrays/objects nest deeper than maxDepth; nullopt otherwise.
std::optional<ApiError> nestingError(const nlohmann::json& body, int maxDepth);

// Common entry checks: a JSON object, not nested absurdly deep, with a non-empty string "model".
std::optional<ApiError> checkRequest(const nlohmann::json* body, std::string& model);

std::optional<ApiError> readNumber(const nlohmann::json& req, const char* key, std::optional<double>& out);
// Integers; also a number with no fractional part (some clients send 256.0).
std::optional<ApiError> readInteger(const nlohmann::json& req, const char* key, std::optional<long long>& out);
std::optional<ApiError> readString(const nlohmann::json& req, const char* key, std::optional<std::string>& out);
// "stop": a string or an array of strings; empty strings are left out.
std::optional<ApiError> readStop(const nlohmann::json& req, std::vector<std::string>& out);
// max_completion_tokens (preferred) or max_tokens; must be positive.
std::optional<ApiError> readMaxTokens(const nlohmann::json& req, std::optional<long long>& out);

// Text of a message's content: the string, or its text parts concatenated. Other parts are ignored.
std::string contentText(const nlohmann::json& content);

struct DataUrl {
    std::string mediaType;   // "image/png"; empty when the URL names none
    std::string base64;      // the payload, still base64-encoded
};
// "data:<media type>[;params];base64,<payload>"; nullopt when it is not a base64 data URL.
std::optional<DataUrl> parseDataUrl(std::string_view url);
bool isHttpUrl(std::string_view url);

// The image URL of an image_url part: {"image_url":{"url":...}} or the shorthand {"image_url":"..."}.
std::string imageUrlOf(const nlohmann::json& part);

ApiError invalidField(const QString& param, const QString& what);
// "messages[3]": the param of an array element, for invalidField.
QString paramAt(const QString& param, std::size_t index);

} // namespace gatehouse::openai
