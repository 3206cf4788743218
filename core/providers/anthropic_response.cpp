#include "providers/anthropic_response.h"

#include "providers/json_fields.h"
#include "providers/openai_wire.h"

namespace gatehouse::anthropic {

using nlohmann::json;

std::string finishReason(const std::string& stopReason)
{
    if (stopReason == "tool_use")
        return "tool_calls";
    if (stopReason == "max_tokens" || stopReason == "model_context_window_exceeded")
        return "length";
    if (stopReason == "refusal")
        return "content_filter";
    return "stop";
}

json usage(long long input, long long output, long long cacheCreation, long long cacheRead)
{
    const long long prompt = input + cacheCreation + cacheRead;
    json u = {{"prompt_tokens", prompt}, {"completion_tokens", output}, {"total_tokens", prompt + output},
              {"prompt_tokens_details", {{"cached_tokens", cacheRead}}}};
    if (cacheCreation != 0 || cacheRead != 0) {
        u["cache_creation_input_tokens"] = cacheCreation;
        u["cache_read_input_tokens"] = cacheRead;
    }
    return u;
}

std::optional<json> openAiError(const json& j)
{
    if (!j.is_object())
        return std::nullopt;
    const auto e = j.find("error");
    if (e == j.end() || !e->is_object())
        return std::nullopt;
    const std::string message = json_fields::str(*e, "message");
    const std::string type = json_fields::str(*e, "type", "api_error");
    return openai::error(message.empty() ? type : message, type);
}

void mapMessagesResponse(int& status, QByteArray& body, bool strict)
{
    json parsed = json::parse(body.constBegin(), body.constEnd(), nullptr, false);
    // Absurdly deep answers are treated as unusable (dump() would recurse through them).
    const json j = json_fields::nestedDeeperThan(parsed, openai::kMaxAnswerDepth) ? json() : std::move(parsed);
    if (status < 200 || status >= 300) {
        if (const auto e = openAiError(j))
            body = openai::dump(*e);
        return;
    }
    const auto content = j.is_object() ? j.find("content") : json::const_iterator();
    if (!j.is_object() || content == j.end() || !content->is_array()) {
        status = 502;
        body = openai::dump(openai::error("anthropic answered with something that is not a Messages response.",
                                          "upstream_error", "invalid_upstream_response"));
        return;
    }

    std::string text;
    json toolCalls = json::array();
    json blocks = json::array();   // non-strict extra: every block but tool calls, as sent
    for (const auto& block : *content) {
        const std::string type = json_fields::str(block, "type");
        if (type != "tool_use" && block.is_object())
            blocks.push_back(block);
        if (type == "text") {
            text += json_fields::str(block, "text");
        } else if (type == "tool_use") {
            const auto input = block.find("input");
            toolCalls.push_back({{"id", json_fields::str(block, "id")}, {"type", "function"},
                                 {"function", {{"name", json_fields::str(block, "name")},
                                               {"arguments", input != block.end() ? openai::dump(*input).toStdString() : "{}"}}}});
        }
        // thinking / redacted_thinking / server tool blocks have no OpenAI counterpart.
    }
    json message = {{"role", "assistant"}, {"content", text}};
    if (!toolCalls.empty()) {
        if (text.empty())
            message["content"] = nullptr;   // as OpenAI answers a pure tool call
        message["tool_calls"] = std::move(toolCalls);
    }
    if (!strict)
        message["content_blocks"] = std::move(blocks);
    const std::string stopReason = json_fields::str(j, "stop_reason");
    const auto u = j.find("usage");
    const json& usageIn = u != j.end() ? *u : json();
    json out = {{"id", json_fields::str(j, "id", openai::newCompletionId())},
                {"object", "chat.completion"},
                {"created", openai::nowSeconds()},
                {"model", json_fields::str(j, "model")},
                {"choices", json::array({{{"index", 0}, {"message", std::move(message)}, {"logprobs", nullptr},
                                          {"finish_reason", strict || stopReason.empty() ? finishReason(stopReason) : stopReason}}})},
                {"usage", usage(json_fields::integer(usageIn, "input_tokens"), json_fields::integer(usageIn, "output_tokens"),
                                json_fields::integer(usageIn, "cache_creation_input_tokens"),
                                json_fields::integer(usageIn, "cache_read_input_tokens"))}};
    body = openai::dump(out);
}

} // namespace gatehouse::anthropic
