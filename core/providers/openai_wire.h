#pragma once
// Builders for the OpenAI wire format that native adapters answer in: chat completion chunks, SSE
// framing, error bodies, ids. Serialisation never throws (invalid UTF-8 is replaced), because the
// values come from providers' answers.

#include <QByteArray>
#include <nlohmann/json.hpp>

#include <string>

namespace gatehouse::openai {

QByteArray dump(const nlohmann::json& j);

// Providers' answers nested deeper than this are refused: dump() recurses, and no real answer nests
// anywhere near it.
constexpr int kMaxAnswerDepth = 256;

// "data: <json>\n\n"
QByteArray sseData(const nlohmann::json& j);
QByteArray sseDone();   // "data: [DONE]\n\n"

// {"error":{"message","type","param":null,"code"}}; an empty code is null.
nlohmann::json error(const std::string& message, const std::string& type, const std::string& code = {});

// One chat.completion.chunk with a single choice.
nlohmann::json chunk(const std::string& id, const std::string& model, qint64 created, int index,
                     nlohmann::json delta, const nlohmann::json& finishReason = nullptr);

// An embedding as OpenAI's encoding_format "base64": the float32 values, little-endian, base64.
QByteArray base64Floats(const nlohmann::json& values);

// The OpenAI error type that matches an HTTP status, for providers whose errors carry none.
std::string errorTypeForStatus(int status);

std::string randomHex(int digits);
std::string newCompletionId();   // "chatcmpl-" + 24 hex digits
std::string newToolCallId();     // "call_" + 24 hex digits (OpenAI allows at most 40 characters)
qint64 nowSeconds();

} // namespace gatehouse::openai
