#include "providers/openai_wire.h"

#include <QDateTime>
#include <QRandomGenerator>

#include <cstring>

namespace gatehouse::openai {

using nlohmann::json;

QByteArray dump(const json& j)
{
    return QByteArray::fromStdString(j.dump(-1, ' ', false, json::error_handler_t::replace));
}

QByteArray sseData(const json& j)
{
    return "data: " + dump(j) + "\n\n";
}

QByteArray sseDone()
{
    return QByteArrayLiteral("data: [DONE]\n\n");
}

json error(const std::string& message, const std::string& type, const std::string& code)
{
    return {{"error", {{"message", message}, {"type", type}, {"param", nullptr},
                       {"code", code.empty() ? json(nullptr) : json(code)}}}};
}

json chunk(const std::string& id, const std::string& model, qint64 created, int index, json delta,
           const json& finishReason)
{
    json choice = {{"index", index}, {"delta", std::move(delta)}, {"logprobs", nullptr}, {"finish_reason", finishReason}};
    return {{"id", id}, {"object", "chat.completion.chunk"}, {"created", created}, {"model", model},
            {"choices", json::array({std::move(choice)})}};
}

QByteArray base64Floats(const nlohmann::json& values)
{
    QByteArray bytes;
    bytes.reserve(qsizetype(values.size() * 4));
    for (const nlohmann::json& v : values) {
        const float f = v.is_number() ? v.get<float>() : 0.0f;
        char b[4];
        std::memcpy(b, &f, 4);   // x86/ARM Linux are little-endian, as OpenAI's encoding is
        bytes.append(b, 4);
    }
    return bytes.toBase64();
}

std::string errorTypeForStatus(int status)
{
    switch (status) {
    case 400: return "invalid_request_error";
    case 401: return "authentication_error";
    case 403: return "permission_error";
    case 404: return "not_found_error";
    case 408: return "timeout_error";
    case 413: return "request_too_large";
    case 429: return "rate_limit_error";
    default: return status >= 500 ? "server_error" : "invalid_request_error";
    }
}

std::string randomHex(int digits)
{
    static const char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(std::size_t(digits));
    auto* rng = QRandomGenerator::global();
    while (int(out.size()) < digits) {
        quint64 bits = rng->generate64();
        for (int i = 0; i < 16 && int(out.size()) < digits; ++i, bits >>= 4)
            out += kHex[bits & 0xf];
    }
    return out;
}

std::string newCompletionId()
{
    return "chatcmpl-" + randomHex(24);
}

std::string newToolCallId()
{
    return "call_" + randomHex(24);
}

qint64 nowSeconds()
{
    return QDateTime::currentSecsSinceEpoch();
}

} // namespace gatehouse::openai
