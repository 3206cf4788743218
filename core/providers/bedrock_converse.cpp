#include "providers/bedrock_converse.h"

#include "providers/json_fields.h"
#include "providers/openai_request.h"
#include "providers/openai_wire.h"

namespace gatehouse::bedrock {

using nlohmann::json;
using openai::invalidField;

namespace {

ApiError unsupported(const QString& param, const QString& what)
{
    return ApiError::badRequest(QStringLiteral("Provider 'bedrock' does not support %1.").arg(what),
                                QStringLiteral("unsupported_parameter"), param);
}

std::variant<json, ApiError> imageBlock(const json& part, const QString& param)
{
    const std::string url = openai::imageUrlOf(part);
    const auto data = openai::parseDataUrl(url);
    if (!data)
        return unsupported(param, QStringLiteral("image URLs; send the image as a base64 data URL"));
    std::string format = data->mediaType.rfind("image/", 0) == 0 ? data->mediaType.substr(6) : std::string();
    if (format == "jpg")
        format = "jpeg";
    if (format != "png" && format != "jpeg" && format != "gif" && format != "webp")
        return unsupported(param, QStringLiteral("images of type '%1' (png, jpeg, gif or webp)").arg(QString::fromStdString(data->mediaType).left(40)));
    return json{{"image", {{"format", format}, {"source", {{"bytes", data->base64}}}}}};
}

std::variant<json, ApiError> contentBlocks(const json& c, const QString& param, bool imagesAllowed)
{
    json blocks = json::array();
    if (c.is_string()) {
        if (!c.get_ref<const std::string&>().empty())
            blocks.push_back({{"text", c}});
        return blocks;
    }
    if (c.is_null())
        return blocks;
    if (!c.is_array())
        return invalidField(param, QStringLiteral("must be a string or an array of content parts"));
    for (std::size_t i = 0; i < c.size(); ++i) {
        const json& p = c[i];
        const std::string type = json_fields::str(p, "type");
        const QString at = QStringLiteral("%1[%2]").arg(param).arg(qulonglong(i));
        if (type == "text") {
            if (const std::string t = json_fields::str(p, "text"); !t.empty())
                blocks.push_back({{"text", t}});
        } else if (type == "image_url" && imagesAllowed) {
            auto b = imageBlock(p, at);
            if (auto* e = std::get_if<ApiError>(&b))
                return *e;
            blocks.push_back(std::get<json>(b));
        } else {
            return unsupported(at, QStringLiteral("content parts of type '%1' here").arg(QString::fromStdString(type).left(40)));
        }
    }
    return blocks;
}

// Converse wants user/assistant alternation: consecutive turns of one role become one turn.
void pushTurn(json& messages, const std::string& role, json blocks)
{
    if (blocks.empty())
        return;
    if (!messages.empty() && messages.back()["role"] == role) {
        for (auto& b : blocks)
            messages.back()["content"].push_back(std::move(b));
        return;
    }
    messages.push_back({{"role", role}, {"content", std::move(blocks)}});
}

} // namespace

std::variant<json, ApiError> toConverseRequest(const json& req)
{
    const auto msgs = req.find("messages");
    if (msgs == req.end() || !msgs->is_array() || msgs->empty())
        return invalidField(QStringLiteral("messages"), QStringLiteral("must be a non-empty array"));
    json system = json::array();
    json messages = json::array();
    for (std::size_t i = 0; i < msgs->size(); ++i) {
        const json& m = (*msgs)[i];
        const std::string role = json_fields::str(m, "role");
        const QString param = QStringLiteral("messages[%1].content").arg(qulonglong(i));
        const json c = m.is_object() && m.contains("content") ? m["content"] : json(nullptr);
        if (role == "system" || role == "developer") {
            if (const std::string t = openai::contentText(c); !t.empty())
                system.push_back({{"text", t}});
        } else if (role == "user" || role == "assistant") {
            auto blocks = contentBlocks(c, param, role == "user");
            if (auto* e = std::get_if<ApiError>(&blocks))
                return *e;
            json b = std::get<json>(blocks);
            if (role == "assistant") {
                if (const auto tc = m.find("tool_calls"); tc != m.end() && tc->is_array()) {
                    for (const json& call : *tc) {
                        const json fn = call.is_object() && call.contains("function") ? call["function"] : json::object();
                        const std::string args = json_fields::str(fn, "arguments", "{}");
                        json input = json::parse(args, nullptr, false);
                        if (!input.is_object())
                            return invalidField(QStringLiteral("messages[%1].tool_calls").arg(qulonglong(i)), QStringLiteral("arguments must be a JSON object"));
                        b.push_back({{"toolUse", {{"toolUseId", json_fields::str(call, "id")}, {"name", json_fields::str(fn, "name")}, {"input", input}}}});
                    }
                }
            }
            pushTurn(messages, role, std::move(b));
        } else if (role == "tool") {
            const std::string id = json_fields::str(m, "tool_call_id");
            if (id.empty())
                return invalidField(QStringLiteral("messages[%1].tool_call_id").arg(qulonglong(i)), QStringLiteral("is required for tool messages"));
            pushTurn(messages, "user", json::array({{{"toolResult", {{"toolUseId", id}, {"content", json::array({{{"text", openai::contentText(c)}}})}}}}}));
        } else {
            return invalidField(QStringLiteral("messages[%1].role").arg(qulonglong(i)), QStringLiteral("must be system, developer, user, assistant or tool"));
        }
    }
    if (messages.empty())
        return invalidField(QStringLiteral("messages"), QStringLiteral("needs at least one user or assistant message"));
    json out = {{"messages", std::move(messages)}};
    if (!system.empty())
        out["system"] = std::move(system);

    std::optional<long long> n;
    if (auto e = openai::readInteger(req, "n", n))
        return *e;
    if (n && *n != 1)
        return unsupported(QStringLiteral("n"), QStringLiteral("n > 1 (one choice per request)"));
    json inference = json::object();
    std::optional<long long> maxTokens;
    if (auto e = openai::readMaxTokens(req, maxTokens))
        return *e;
    if (maxTokens)
        inference["maxTokens"] = *maxTokens;
    for (const auto& [from, to] : {std::pair{"temperature", "temperature"}, {"top_p", "topP"}}) {
        std::optional<double> v;
        if (auto e = openai::readNumber(req, from, v))
            return *e;
        if (v)
            inference[to] = *v;
    }
    std::vector<std::string> stop;
    if (auto e = openai::readStop(req, stop))
        return *e;
    if (!stop.empty())
        inference["stopSequences"] = stop;
    if (!inference.empty())
        out["inferenceConfig"] = std::move(inference);

    const auto tools = req.find("tools");
    if (tools != req.end() && tools->is_array() && !tools->empty()) {
        json specs = json::array();
        for (std::size_t i = 0; i < tools->size(); ++i) {
            const json& t = (*tools)[i];
            const json fn = t.is_object() && t.contains("function") ? t["function"] : json();
            if (json_fields::str(t, "type") != "function" || !fn.is_object() || json_fields::str(fn, "name").empty())
                return invalidField(QStringLiteral("tools[%1]").arg(qulonglong(i)), QStringLiteral("must be {\"type\":\"function\",\"function\":{\"name\",...}}"));
            json spec = {{"name", json_fields::str(fn, "name")},
                         {"inputSchema", {{"json", fn.contains("parameters") && fn["parameters"].is_object() ? fn["parameters"] : json{{"type", "object"}}}}}};
            if (const std::string d = json_fields::str(fn, "description"); !d.empty())
                spec["description"] = d;
            specs.push_back({{"toolSpec", std::move(spec)}});
        }
        json config = {{"tools", std::move(specs)}};
        if (const auto tc = req.find("tool_choice"); tc != req.end() && !tc->is_null()) {
            if (tc->is_string() && *tc == "auto") {
                config["toolChoice"] = {{"auto", json::object()}};
            } else if (tc->is_string() && *tc == "required") {
                config["toolChoice"] = {{"any", json::object()}};
            } else if (tc->is_object() && tc->contains("function") && !json_fields::str((*tc)["function"], "name").empty()) {
                config["toolChoice"] = {{"tool", {{"name", json_fields::str((*tc)["function"], "name")}}}};
            } else {
                return unsupported(QStringLiteral("tool_choice"), QStringLiteral("tool_choice \"none\" with tools (leave the tools out instead)"));
            }
        }
        out["toolConfig"] = std::move(config);
    }
    return out;
}

std::string finishReason(const std::string& r)
{
    if (r == "tool_use")
        return "tool_calls";
    if (r == "max_tokens")
        return "length";
    if (r == "guardrail_intervened" || r == "content_filtered")
        return "content_filter";
    return "stop";
}

json usage(const json& u)
{
    const long long in = json_fields::integer(u, "inputTokens");
    const long long out = json_fields::integer(u, "outputTokens");
    const long long read = json_fields::integer(u, "cacheReadInputTokens");
    const long long write = json_fields::integer(u, "cacheWriteInputTokens");
    // Bedrock's inputTokens leave the cached ones out; OpenAI's prompt_tokens include them.
    json r = {{"prompt_tokens", in + read + write}, {"completion_tokens", out}, {"total_tokens", in + read + write + out}};
    if (read || write) {
        r["prompt_tokens_details"] = {{"cached_tokens", read}};
        r["cache_read_input_tokens"] = read;
        r["cache_creation_input_tokens"] = write;
    }
    return r;
}

std::optional<json> openAiError(const json& j, int status)
{
    if (!j.is_object())
        return std::nullopt;
    std::string message = json_fields::str(j, "message", json_fields::str(j, "Message"));
    if (message.empty())
        return std::nullopt;
    return openai::error(message, openai::errorTypeForStatus(status));
}

void mapConverseResponse(int& status, QByteArray& body, const std::string& model)
{
    json j = json::parse(body.constBegin(), body.constEnd(), nullptr, false);
    if (j.is_discarded() || json_fields::nestedDeeperThan(j, openai::kMaxAnswerDepth))
        j = json();
    if (status < 200 || status >= 300) {
        if (const auto e = openAiError(j, status))
            body = openai::dump(*e);
        return;
    }
    const json* msg = nullptr;
    if (j.is_object() && j.contains("output") && j["output"].is_object() && j["output"].contains("message") && j["output"]["message"].is_object())
        msg = &j["output"]["message"];
    if (!msg) {
        status = 502;
        body = openai::dump(openai::error("bedrock answered with something that is not a Converse response.", "upstream_error", "invalid_upstream_response"));
        return;
    }
    std::string text;
    json calls = json::array();
    if (const auto c = msg->find("content"); c != msg->end() && c->is_array()) {
        for (const json& b : *c) {
            if (b.is_object() && b.contains("text") && b["text"].is_string())
                text += b["text"].get<std::string>();
            if (b.is_object() && b.contains("toolUse") && b["toolUse"].is_object()) {
                const json& t = b["toolUse"];
                calls.push_back({{"id", json_fields::str(t, "toolUseId", openai::newToolCallId())}, {"type", "function"},
                                 {"function", {{"name", json_fields::str(t, "name")}, {"arguments", t.contains("input") ? openai::dump(t["input"]).toStdString() : "{}"}}}});
            }
        }
    }
    json message = {{"role", "assistant"}, {"content", text}};
    if (!calls.empty()) {
        message["tool_calls"] = std::move(calls);
        if (text.empty())
            message["content"] = nullptr;
    }
    json out = {{"id", openai::newCompletionId()}, {"object", "chat.completion"}, {"created", openai::nowSeconds()}, {"model", model},
                {"choices", json::array({{{"index", 0}, {"message", std::move(message)}, {"logprobs", nullptr},
                                          {"finish_reason", finishReason(json_fields::str(j, "stopReason"))}}})},
                {"usage", usage(j.value("usage", json::object()))}};
    body = openai::dump(out);
}

} // namespace gatehouse::bedrock
