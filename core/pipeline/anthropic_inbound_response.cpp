#include "pipeline/anthropic_inbound_response.h"

#include "providers/json_fields.h"
#include "providers/openai_wire.h"
#include "providers/sse_reader.h"

#include <QString>

#include <algorithm>

namespace gatehouse::anthropic_inbound {

using nlohmann::json;

std::string stopReason(const std::string& finishReason)
{
    if (finishReason == "length")
        return "max_tokens";
    if (finishReason == "tool_calls" || finishReason == "function_call")
        return "tool_use";
    if (finishReason == "content_filter")
        return "refusal";
    // Non-strict answers carry Anthropic's own reason already.
    for (const char* own : {"max_tokens", "tool_use", "refusal", "stop_sequence", "pause_turn"}) {
        if (finishReason == own)
            return finishReason;
    }
    return "end_turn";
}

json usage(const json& u)
{
    const long long prompt = json_fields::integer(u, "prompt_tokens");
    const long long completion = json_fields::integer(u, "completion_tokens");
    long long cacheRead = json_fields::integer(u, "cache_read_input_tokens", -1);
    if (cacheRead < 0)
        cacheRead = u.is_object() && u.contains("prompt_tokens_details") ? json_fields::integer(u["prompt_tokens_details"], "cached_tokens") : 0;
    const long long cacheCreation = json_fields::integer(u, "cache_creation_input_tokens");
    json out = {{"input_tokens", std::max(0LL, prompt - cacheRead - cacheCreation)}, {"output_tokens", completion}};
    if (cacheRead > 0 || cacheCreation > 0) {
        out["cache_read_input_tokens"] = cacheRead;
        out["cache_creation_input_tokens"] = cacheCreation;
    }
    return out;
}

std::string messageId(const std::string& openAiId)
{
    if (openAiId.rfind("msg_", 0) == 0)
        return openAiId;
    return "msg_" + openai::randomHex(24);
}

QByteArray toMessage(QByteArrayView body)
{
    const json j = json::parse(body.begin(), body.end(), nullptr, false);
    if (!j.is_object() || json_fields::nestedDeeperThan(j, openai::kMaxAnswerDepth))
        return body.toByteArray();
    const auto choices = j.find("choices");
    if (choices == j.end() || !choices->is_array() || choices->empty() || !(*choices)[0].is_object())
        return body.toByteArray();
    const json& choice = (*choices)[0];
    const json message = choice.contains("message") && choice["message"].is_object() ? choice["message"] : json::object();

    json content = json::array();
    std::string text = json_fields::str(message, "content");
    if (const auto parts = message.find("content"); parts != message.end() && parts->is_array()) {
        for (const auto& p : *parts)
            text += json_fields::str(p, "text");
    }
    if (text.empty())
        text = json_fields::str(message, "refusal");
    if (!text.empty())
        content.push_back({{"type", "text"}, {"text", text}});
    if (const auto calls = message.find("tool_calls"); calls != message.end() && calls->is_array()) {
        for (const auto& call : *calls) {
            const json fn = call.is_object() && call.contains("function") ? call["function"] : json::object();
            const std::string args = json_fields::str(fn, "arguments");
            json input = json::parse(args, nullptr, false);
            if (!input.is_object())
                input = json::object();   // Anthropic's input is always an object
            std::string id = json_fields::str(call, "id");
            if (id.empty())
                id = openai::newToolCallId();
            content.push_back({{"type", "tool_use"}, {"id", id}, {"name", json_fields::str(fn, "name")}, {"input", std::move(input)}});
        }
    }
    const std::string finish = json_fields::str(choice, "finish_reason");
    const json out = {{"id", messageId(json_fields::str(j, "id"))},
                      {"type", "message"},
                      {"role", "assistant"},
                      {"model", json_fields::str(j, "model")},
                      {"content", std::move(content)},
                      {"stop_reason", stopReason(finish)},
                      {"stop_sequence", nullptr},
                      {"usage", usage(j.contains("usage") ? j["usage"] : json())}};
    return openai::dump(out);
}

std::string errorType(int status)
{
    switch (status) {
    case 400: return "invalid_request_error";
    case 401: return "authentication_error";
    case 402: return "billing_error";
    case 403: return "permission_error";
    case 404: return "not_found_error";
    case 408:
    case 504: return "timeout_error";
    case 413: return "request_too_large";
    case 429: return "rate_limit_error";
    case 529: return "overloaded_error";
    default: return status >= 400 && status < 500 ? "invalid_request_error" : "api_error";
    }
}

json error(int status, QByteArrayView body)
{
    const json j = json::parse(body.begin(), body.end(), nullptr, false);
    std::string message;
    if (j.is_object()) {
        const auto e = j.find("error");
        if (e != j.end() && e->is_object())
            message = json_fields::str(*e, "message");
        else if (e != j.end() && e->is_string())
            message = e->get<std::string>();
        else
            message = json_fields::str(j, "message");
    }
    if (message.empty())
        message = QString::fromUtf8(body.first(std::min<qsizetype>(body.size(), 500))).simplified().toStdString();
    if (message.empty())
        message = "HTTP " + std::to_string(status);
    return {{"type", "error"}, {"error", {{"type", errorType(status)}, {"message", message}}}};
}

QByteArray streamErrorEvent(QByteArrayView openAiErrorEvent)
{
    SseReader reader;
    QByteArray data;
    for (const auto& e : reader.feed(openAiErrorEvent))
        data = e.data;
    for (const auto& e : reader.finish())
        data = e.data;
    const json chunk = json::parse(data.constBegin(), data.constEnd(), nullptr, false);
    const bool timeout = chunk.is_object() && chunk.contains("error") && chunk["error"].is_object()
                      && chunk["error"].value("type", json()) == "timeout_error";
    return "event: error\ndata: " + openai::dump(error(timeout ? 504 : 500, data)) + "\n\n";
}

} // namespace gatehouse::anthropic_inbound
