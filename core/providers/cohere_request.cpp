#include "providers/cohere_request.h"

#include "providers/json_fields.h"
#include "providers/openai_request.h"

namespace gatehouse::cohere {

using nlohmann::json;

namespace {

ApiError unsupported(const QString& param, const QString& what)
{
    return ApiError::badRequest(QStringLiteral("Provider 'cohere' does not support %1.").arg(what),
                                QStringLiteral("unsupported_parameter"), param);
}

std::variant<json, ApiError> content(const json& c, std::size_t i, bool imagesAllowed)
{
    if (c.is_string() || c.is_null())
        return c.is_null() ? json("") : c;
    if (!c.is_array())
        return openai::invalidField(QStringLiteral("messages[%1].content").arg(i), QStringLiteral("must be a string or an array of parts"));
    json parts = json::array();
    for (const json& p : c) {
        const std::string type = json_fields::str(p, "type");
        if (type == "text") {
            parts.push_back({{"type", "text"}, {"text", json_fields::str(p, "text")}});
        } else if (type == "image_url" && imagesAllowed) {
            const std::string url = openai::imageUrlOf(p);
            if (url.empty())
                return openai::invalidField(QStringLiteral("messages[%1].content").arg(i), QStringLiteral("has an image_url part without a url"));
            parts.push_back({{"type", "image_url"}, {"image_url", {{"url", url}}}});
        } else {
            return unsupported(QStringLiteral("messages[%1].content").arg(i),
                               QStringLiteral("content parts of type '%1' in this message").arg(QString::fromStdString(type).left(40)));
        }
    }
    return parts;
}

} // namespace

std::variant<json, ApiError> toChatRequest(const json& req)
{
    json out = {{"model", json_fields::str(req, "model")}};
    const auto msgs = req.find("messages");
    if (msgs == req.end() || !msgs->is_array() || msgs->empty())
        return openai::invalidField(QStringLiteral("messages"), QStringLiteral("must be a non-empty array"));
    json messages = json::array();
    for (std::size_t i = 0; i < msgs->size(); ++i) {
        const json& m = (*msgs)[i];
        std::string role = json_fields::str(m, "role");
        if (role == "developer")
            role = "system";
        if (role != "system" && role != "user" && role != "assistant" && role != "tool")
            return openai::invalidField(QStringLiteral("messages[%1].role").arg(i), QStringLiteral("must be system, developer, user, assistant or tool"));
        json cm = {{"role", role}};
        const json c = m.is_object() && m.contains("content") ? m["content"] : json(nullptr);
        if (role == "system" || role == "tool") {
            cm["content"] = openai::contentText(c);
            if (role == "tool") {
                const std::string id = json_fields::str(m, "tool_call_id");
                if (id.empty())
                    return openai::invalidField(QStringLiteral("messages[%1].tool_call_id").arg(i), QStringLiteral("is required for tool messages"));
                cm["tool_call_id"] = id;
            }
        } else {
            auto mapped = content(c, i, role == "user");
            if (auto* e = std::get_if<ApiError>(&mapped))
                return *e;
            cm["content"] = std::get<json>(mapped);
            if (role == "assistant") {
                if (const auto tc = m.find("tool_calls"); tc != m.end() && tc->is_array() && !tc->empty()) {
                    json calls = json::array();
                    for (const json& call : *tc) {
                        const json fn = call.is_object() && call.contains("function") ? call["function"] : json::object();
                        calls.push_back({{"id", json_fields::str(call, "id")}, {"type", "function"},
                                         {"function", {{"name", json_fields::str(fn, "name")},
                                                       {"arguments", json_fields::str(fn, "arguments", "{}")}}}});
                    }
                    cm["tool_calls"] = std::move(calls);
                    if (cm["content"] == json(""))
                        cm.erase("content");   // Cohere refuses an empty assistant text next to tool calls
                }
            }
        }
        messages.push_back(std::move(cm));
    }
    out["messages"] = std::move(messages);

    std::optional<long long> n;
    if (auto e = openai::readInteger(req, "n", n))
        return *e;
    if (n && *n != 1)
        return unsupported(QStringLiteral("n"), QStringLiteral("n > 1 (one choice per request)"));
    std::optional<long long> maxTokens;
    if (auto e = openai::readMaxTokens(req, maxTokens))
        return *e;
    if (maxTokens)
        out["max_tokens"] = *maxTokens;
    for (const auto& [from, to] : {std::pair{"temperature", "temperature"}, {"top_p", "p"}, {"frequency_penalty", "frequency_penalty"},
                                   {"presence_penalty", "presence_penalty"}}) {
        std::optional<double> v;
        if (auto e = openai::readNumber(req, from, v))
            return *e;
        if (v)
            out[to] = *v;
    }
    std::optional<long long> seed;
    if (auto e = openai::readInteger(req, "seed", seed))
        return *e;
    if (seed)
        out["seed"] = *seed;
    std::vector<std::string> stop;
    if (auto e = openai::readStop(req, stop))
        return *e;
    if (!stop.empty())
        out["stop_sequences"] = stop;
    if (const auto tools = req.find("tools"); tools != req.end() && !tools->is_null()) {
        if (!tools->is_array())
            return openai::invalidField(QStringLiteral("tools"), QStringLiteral("must be an array"));
        if (!tools->empty())
            out["tools"] = *tools;   // Cohere v2 takes OpenAI's {"type":"function","function":{...}}
    }
    if (const auto tc = req.find("tool_choice"); tc != req.end() && !tc->is_null()) {
        if (tc->is_string() && *tc == "required")
            out["tool_choice"] = "REQUIRED";
        else if (tc->is_string() && *tc == "none")
            out["tool_choice"] = "NONE";
        else if (!(tc->is_string() && *tc == "auto"))
            return unsupported(QStringLiteral("tool_choice"), QStringLiteral("a tool_choice naming one function (use \"auto\", \"required\" or \"none\")"));
    }
    if (const auto rf = req.find("response_format"); rf != req.end() && rf->is_object()) {
        const std::string type = json_fields::str(*rf, "type");
        if (type == "json_object") {
            out["response_format"] = {{"type", "json_object"}};
        } else if (type == "json_schema") {
            json f = {{"type", "json_object"}};
            if (const auto js = rf->find("json_schema"); js != rf->end() && js->is_object() && js->contains("schema"))
                f["json_schema"] = (*js)["schema"];
            out["response_format"] = std::move(f);
        }
    }
    if (json_fields::boolean(req, "stream"))
        out["stream"] = true;
    return out;
}

std::variant<json, ApiError> toEmbedRequest(const json& req)
{
    json texts = json::array();
    const auto input = req.find("input");
    if (input != req.end() && input->is_string()) {
        texts.push_back(*input);
    } else if (input != req.end() && input->is_array() && !input->empty()) {
        for (const json& t : *input) {
            if (!t.is_string())
                return unsupported(QStringLiteral("input"), QStringLiteral("token-array input for embeddings (send strings)"));
            texts.push_back(t);
        }
    } else {
        return openai::invalidField(QStringLiteral("input"), QStringLiteral("must be a string or a non-empty array of strings"));
    }
    if (texts.size() > 96)
        return unsupported(QStringLiteral("input"), QStringLiteral("more than 96 texts in one embeddings request"));
    json out = {{"model", json_fields::str(req, "model")}, {"texts", std::move(texts)},
                {"input_type", json_fields::str(req, "input_type", "search_document")},
                {"embedding_types", json::array({"float"})}};
    std::optional<long long> dims;
    if (auto e = openai::readInteger(req, "dimensions", dims))
        return *e;
    if (dims)
        out["output_dimension"] = *dims;
    const std::string format = json_fields::str(req, "encoding_format", "float");
    if (format != "float" && format != "base64")
        return openai::invalidField(QStringLiteral("encoding_format"), QStringLiteral("must be float or base64"));
    return out;
}

} // namespace gatehouse::cohere
