#include "providers/cohere_response.h"

#include "providers/json_fields.h"
#include "providers/openai_wire.h"

#include <cstring>

namespace gatehouse::cohere {

using nlohmann::json;

namespace {

json parseAnswer(const QByteArray& body)
{
    json j = json::parse(body.constBegin(), body.constEnd(), nullptr, false);
    if (j.is_discarded() || json_fields::nestedDeeperThan(j, openai::kMaxAnswerDepth))
        return json();
    return j;
}

void unusable(int& status, QByteArray& body, const char* what)
{
    status = 502;
    body = openai::dump(openai::error(std::string("cohere answered with something that is not a ") + what + " response.",
                                      "upstream_error", "invalid_upstream_response"));
}

} // namespace

std::string finishReason(const std::string& r)
{
    if (r == "MAX_TOKENS")
        return "length";
    if (r == "TOOL_CALL")
        return "tool_calls";
    return "stop";   // COMPLETE, STOP_SEQUENCE, ERROR, TIMEOUT
}

json usage(const json& u)
{
    const json billed = u.is_object() && u.contains("billed_units") ? u["billed_units"] : json();
    const json tokens = u.is_object() && u.contains("tokens") ? u["tokens"] : json();
    const json& src = billed.is_object() && billed.contains("input_tokens") ? billed : tokens;
    const long long in = json_fields::integer(src, "input_tokens");
    const long long out = json_fields::integer(src, "output_tokens");
    return {{"prompt_tokens", in}, {"completion_tokens", out}, {"total_tokens", in + out}};
}

std::optional<json> openAiError(const json& j, int status)
{
    if (!j.is_object() || !j.contains("message") || !j["message"].is_string())
        return std::nullopt;
    return openai::error(j["message"].get<std::string>(), openai::errorTypeForStatus(status));
}

void mapChatResponse(int& status, QByteArray& body, const std::string& model)
{
    const json j = parseAnswer(body);
    if (status < 200 || status >= 300) {
        if (const auto e = openAiError(j, status))
            body = openai::dump(*e);
        return;
    }
    const auto msg = j.is_object() ? j.find("message") : json::const_iterator();
    if (!j.is_object() || msg == j.end() || !msg->is_object())
        return unusable(status, body, "chat");
    std::string text;
    if (const auto c = msg->find("content"); c != msg->end() && c->is_array()) {
        for (const json& b : *c) {
            if (json_fields::str(b, "type") == "text")
                text += json_fields::str(b, "text");
        }
    }
    json message = {{"role", "assistant"}, {"content", text}};
    if (const auto tc = msg->find("tool_calls"); tc != msg->end() && tc->is_array() && !tc->empty()) {
        json calls = json::array();
        for (const json& call : *tc) {
            const json fn = call.is_object() && call.contains("function") ? call["function"] : json::object();
            calls.push_back({{"id", json_fields::str(call, "id", openai::newToolCallId())}, {"type", "function"},
                             {"function", {{"name", json_fields::str(fn, "name")}, {"arguments", json_fields::str(fn, "arguments", "{}")}}}});
        }
        message["tool_calls"] = std::move(calls);
        if (text.empty())
            message["content"] = nullptr;
    }
    json out = {{"id", json_fields::str(j, "id", openai::newCompletionId())}, {"object", "chat.completion"},
                {"created", openai::nowSeconds()}, {"model", model},
                {"choices", json::array({{{"index", 0}, {"message", std::move(message)}, {"logprobs", nullptr},
                                          {"finish_reason", finishReason(json_fields::str(j, "finish_reason"))}}})},
                {"usage", usage(j.value("usage", json::object()))}};
    body = openai::dump(out);
}

void mapEmbedResponse(int& status, QByteArray& body, const std::string& model, bool base64)
{
    const json j = parseAnswer(body);
    if (status < 200 || status >= 300) {
        if (const auto e = openAiError(j, status))
            body = openai::dump(*e);
        return;
    }
    const auto emb = j.is_object() ? j.find("embeddings") : json::const_iterator();
    if (!j.is_object() || emb == j.end() || !emb->is_object() || !emb->contains("float") || !(*emb)["float"].is_array())
        return unusable(status, body, "embed");
    json data = json::array();
    const json& vectors = (*emb)["float"];
    for (std::size_t i = 0; i < vectors.size(); ++i) {
        const json& v = vectors[i].is_array() ? vectors[i] : json::array();
        data.push_back({{"object", "embedding"}, {"index", i},
                        {"embedding", base64 ? json(openai::base64Floats(v).toStdString()) : v}});
    }
    const long long in = json_fields::integer(j.value("meta", json::object()).value("billed_units", json::object()), "input_tokens");
    body = openai::dump({{"object", "list"}, {"data", std::move(data)}, {"model", model},
                         {"usage", {{"prompt_tokens", in}, {"total_tokens", in}}}});
}

} // namespace gatehouse::cohere
