#include "providers/anthropic_request.h"

#include "providers/json_fields.h"
#include "providers/openai_request.h"

#include <QCryptographicHash>

#include <algorithm>

namespace gatehouse::anthropic {

using nlohmann::json;
using openai::invalidField;

void copyCacheControl(const json& from, json& to)
{
    if (const auto cc = from.find("cache_control"); cc != from.end() && cc->is_object())
        to["cache_control"] = *cc;
}

namespace {

json textBlock(const std::string& text)
{
    return {{"type", "text"}, {"text", text}};
}

// image_url -> image block; a PDF data URL becomes a document block.
std::variant<json, ApiError> imageBlock(const json& part, const QString& param)
{
    const std::string url = openai::imageUrlOf(part);
    if (const auto data = openai::parseDataUrl(url)) {
        const bool pdf = data->mediaType == "application/pdf";
        return json{{"type", pdf ? "document" : "image"},
                    {"source", {{"type", "base64"}, {"media_type", data->mediaType}, {"data", data->base64}}}};
    }
    if (openai::isHttpUrl(url))
        return json{{"type", "image"}, {"source", {{"type", "url"}, {"url", url}}}};
    return invalidField(param + QStringLiteral(".image_url.url"), QStringLiteral("must be a base64 data URL or an http(s) URL"));
}

// OpenAI file part {"file":{"file_data":"data:application/pdf;base64,...","filename":...}} -> document.
std::variant<json, ApiError> fileBlock(const json& part, const QString& param)
{
    const auto file = part.find("file");
    const std::string data = file != part.end() ? json_fields::str(*file, "file_data") : std::string();
    if (data.empty()) {
        return ApiError::badRequest(QStringLiteral("'%1.file' needs file_data (a base64 data URL); file ids are not "
                                                   "supported by anthropic.").arg(param),
                                    QStringLiteral("unsupported_content"), param);
    }
    const auto parsed = openai::parseDataUrl(data);
    json block = {{"type", "document"},
                  {"source", {{"type", "base64"},
                              {"media_type", parsed && !parsed->mediaType.empty() ? parsed->mediaType : "application/pdf"},
                              {"data", parsed ? parsed->base64 : data}}}};
    if (const std::string name = json_fields::str(*file, "filename"); !name.empty())
        block["title"] = name;
    return block;
}

// User (and tool result) content: a string or an array of text / image_url / file parts.
std::optional<ApiError> appendUserContent(const json* content, json& blocks, const QString& param)
{
    if (!content || content->is_null())
        return std::nullopt;
    if (content->is_string()) {
        if (!content->get_ref<const std::string&>().empty())
            blocks.push_back(textBlock(content->get<std::string>()));
        return std::nullopt;
    }
    if (!content->is_array())
        return invalidField(param, QStringLiteral("must be a string or an array of content parts"));
    for (std::size_t i = 0; i < content->size(); ++i) {
        const json& part = (*content)[i];
        const QString p = openai::paramAt(param, i);
        if (!part.is_object())
            return invalidField(p, QStringLiteral("must be an object"));
        const std::string type = json_fields::str(part, "type");
        std::variant<json, ApiError> block = json();
        if (type == "text") {
            const std::string text = json_fields::str(part, "text");
            if (text.empty())
                continue;   // Anthropic rejects empty text blocks
            block = textBlock(text);
        } else if (type == "image_url") {
            block = imageBlock(part, p);
        } else if (type == "file") {
            block = fileBlock(part, p);
        } else {
            return ApiError::badRequest(QStringLiteral("Content part type '%1' at '%2' is not supported by anthropic.")
                                            .arg(QString::fromStdString(type).left(64), p),
                                        QStringLiteral("unsupported_content"), p + QStringLiteral(".type"));
        }
        if (auto* e = std::get_if<ApiError>(&block))
            return *e;
        json& b = std::get<json>(block);
        copyCacheControl(part, b);
        blocks.push_back(std::move(b));
    }
    return std::nullopt;
}

// System and developer messages: their text parts become system blocks.
void appendSystem(const json* content, json& system)
{
    if (!content)
        return;
    if (content->is_string()) {
        if (!content->get_ref<const std::string&>().empty())
            system.push_back(textBlock(content->get<std::string>()));
        return;
    }
    if (!content->is_array())
        return;
    for (const auto& part : *content) {
        const std::string text = json_fields::str(part, "text");
        if (text.empty())
            continue;
        json b = textBlock(text);
        copyCacheControl(part, b);
        system.push_back(std::move(b));
    }
}

json parseArguments(const json& fn)
{
    const auto args = fn.find("arguments");
    if (args == fn.end())
        return json::object();
    if (args->is_object())
        return *args;
    if (args->is_string()) {
        const std::string& s = args->get_ref<const std::string&>();
        json parsed = json::parse(s, nullptr, false);
        // The arguments come from a model and may be anything; Anthropic needs an object.
        if (parsed.is_object() && !json_fields::nestedDeeperThan(parsed, openai::kMaxRequestDepth))
            return parsed;
    }
    return json::object();
}

std::optional<ApiError> appendAssistant(const json& msg, json& blocks, const QString& param)
{
    if (const auto content = msg.find("content"); content != msg.end() && !content->is_null()) {
        if (content->is_string()) {
            if (!content->get_ref<const std::string&>().empty())
                blocks.push_back(textBlock(content->get<std::string>()));
        } else if (content->is_array()) {
            for (const auto& part : *content) {
                const std::string type = json_fields::str(part, "type");
                const std::string text = json_fields::str(part, type == "refusal" ? "refusal" : "text");
                if ((type == "text" || type == "refusal") && !text.empty()) {
                    json b = textBlock(text);
                    copyCacheControl(part, b);
                    blocks.push_back(std::move(b));
                }
            }
        } else {
            return invalidField(param + QStringLiteral(".content"), QStringLiteral("must be a string or an array of content parts"));
        }
    }
    const auto calls = msg.find("tool_calls");
    if (calls == msg.end() || calls->is_null())
        return std::nullopt;
    if (!calls->is_array())
        return invalidField(param + QStringLiteral(".tool_calls"), QStringLiteral("must be an array"));
    for (std::size_t i = 0; i < calls->size(); ++i) {
        const json& call = (*calls)[i];
        const QString p = openai::paramAt(param + QStringLiteral(".tool_calls"), i);
        const auto fn = call.is_object() ? call.find("function") : json::const_iterator();
        if (!call.is_object() || fn == call.end() || !fn->is_object())
            return invalidField(p, QStringLiteral("must be an object with a function"));
        const std::string id = json_fields::str(call, "id");
        const std::string name = json_fields::str(*fn, "name");
        if (id.empty() || name.empty())
            return invalidField(p, QStringLiteral("needs an id and a function name"));
        blocks.push_back({{"type", "tool_use"}, {"id", toolUseId(id)}, {"name", name}, {"input", parseArguments(*fn)}});
    }
    return std::nullopt;
}

std::variant<json, ApiError> toolResult(const json& msg, const QString& param)
{
    const std::string id = json_fields::str(msg, "tool_call_id");
    if (id.empty())
        return invalidField(param + QStringLiteral(".tool_call_id"), QStringLiteral("is required for tool messages"));
    json block = {{"type", "tool_result"}, {"tool_use_id", toolUseId(id)}};
    const auto content = msg.find("content");
    if (content != msg.end() && content->is_string()) {
        if (!content->get_ref<const std::string&>().empty())
            block["content"] = *content;
    } else if (content != msg.end() && !content->is_null()) {
        json inner = json::array();
        if (auto e = appendUserContent(&*content, inner, param + QStringLiteral(".content")))
            return *e;
        if (!inner.empty())
            block["content"] = std::move(inner);
    }
    return block;
}

std::variant<json, ApiError> mapTools(const json& tools)
{
    if (!tools.is_array())
        return invalidField(QStringLiteral("tools"), QStringLiteral("must be an array"));
    json out = json::array();
    for (std::size_t i = 0; i < tools.size(); ++i) {
        const json& t = tools[i];
        const QString p = openai::paramAt(QStringLiteral("tools"), i);
        if (!t.is_object())
            return invalidField(p, QStringLiteral("must be an object"));
        if (json_fields::str(t, "type", "function") != "function") {
            out.push_back(t);   // Anthropic's own tool types (web_search_..., bash_...) pass as given
            continue;
        }
        const auto fn = t.find("function");
        const std::string name = fn != t.end() ? json_fields::str(*fn, "name") : std::string();
        if (name.empty())
            return invalidField(p + QStringLiteral(".function.name"), QStringLiteral("is required"));
        json schema = {{"type", "object"}, {"properties", json::object()}};   // a function without parameters
        if (const auto params = fn->find("parameters"); params != fn->end() && params->is_object()) {
            schema = *params;
            if (!schema.contains("type"))
                schema["type"] = "object";   // input_schema must be an object schema
        }
        json tool = {{"name", name}, {"input_schema", std::move(schema)}};
        if (const std::string d = json_fields::str(*fn, "description"); !d.empty())
            tool["description"] = d;
        copyCacheControl(t, tool);
        out.push_back(std::move(tool));
    }
    return out;
}

// tool_choice and parallel_tool_calls -> Anthropic's tool_choice; null when the default suits.
std::variant<json, ApiError> mapToolChoice(const json& req)
{
    json choice;
    if (const auto tc = req.find("tool_choice"); tc != req.end() && !tc->is_null()) {
        if (tc->is_string()) {
            const std::string& s = tc->get_ref<const std::string&>();
            if (s == "auto") choice = {{"type", "auto"}};
            else if (s == "none") choice = {{"type", "none"}};
            else if (s == "required") choice = {{"type", "any"}};
            else return invalidField(QStringLiteral("tool_choice"), QStringLiteral("must be auto, none, required or a function"));
        } else {
            const auto fn = tc->is_object() ? tc->find("function") : json::const_iterator();
            const std::string name = tc->is_object() && fn != tc->end() ? json_fields::str(*fn, "name") : std::string();
            if (name.empty())
                return invalidField(QStringLiteral("tool_choice"), QStringLiteral("must be auto, none, required or a function"));
            choice = {{"type", "tool"}, {"name", name}};
        }
    }
    if (const auto par = req.find("parallel_tool_calls"); par != req.end() && par->is_boolean() && !par->get<bool>()) {
        if (choice.is_null())
            choice = {{"type", "auto"}};
        if (choice["type"] != "none")
            choice["disable_parallel_tool_use"] = true;
    }
    return choice;
}

} // namespace

std::string toolUseId(const std::string& id)
{
    const bool ok = !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
    if (ok)
        return id;
    const QByteArray hash = QCryptographicHash::hash(QByteArray::fromStdString(id), QCryptographicHash::Sha256).toHex();
    return "call_" + hash.left(24).toStdString();
}

std::variant<json, ApiError> toMessagesRequest(const json& req)
{
    std::string model;
    if (auto e = openai::checkRequest(&req, model))
        return *e;
    const auto msgs = req.find("messages");
    if (msgs == req.end() || !msgs->is_array() || msgs->empty()) {
        return ApiError::badRequest(QStringLiteral("'messages' must be a non-empty array."),
                                    QStringLiteral("invalid_value"), QStringLiteral("messages"));
    }

    json system = json::array();
    json turns = json::array();
    auto push = [&turns](const char* role, json&& blocks) {
        if (blocks.empty())
            return;   // nothing to say: Anthropic rejects empty turns
        if (!turns.empty() && turns.back()["role"] == role) {
            json& content = turns.back()["content"];
            for (auto& b : blocks)
                content.push_back(std::move(b));
        } else {
            turns.push_back({{"role", role}, {"content", std::move(blocks)}});
        }
    };
    for (std::size_t i = 0; i < msgs->size(); ++i) {
        const json& msg = (*msgs)[i];
        const QString p = openai::paramAt(QStringLiteral("messages"), i);
        if (!msg.is_object())
            return invalidField(p, QStringLiteral("must be an object"));
        const std::string role = json_fields::str(msg, "role");
        const auto contentIt = msg.find("content");
        const json* content = contentIt == msg.end() ? nullptr : &*contentIt;
        json blocks = json::array();
        if (role == "system" || role == "developer") {
            appendSystem(content, system);
        } else if (role == "user") {
            if (auto e = appendUserContent(content, blocks, p + QStringLiteral(".content")))
                return *e;
            push("user", std::move(blocks));
        } else if (role == "assistant") {
            if (auto e = appendAssistant(msg, blocks, p))
                return *e;
            push("assistant", std::move(blocks));
        } else if (role == "tool") {
            auto block = toolResult(msg, p);
            if (auto* e = std::get_if<ApiError>(&block))
                return *e;
            blocks.push_back(std::move(std::get<json>(block)));
            push("user", std::move(blocks));
        } else {
            return invalidField(p + QStringLiteral(".role"), QStringLiteral("must be system, developer, user, assistant or tool"));
        }
    }
    if (turns.empty()) {
        return ApiError::badRequest(QStringLiteral("'messages' needs at least one user or assistant message with content."),
                                    QStringLiteral("invalid_value"), QStringLiteral("messages"));
    }

    json out = {{"model", model}, {"messages", std::move(turns)}};
    if (!system.empty())
        out["system"] = std::move(system);

    std::optional<long long> maxTokens, topK, n;
    std::optional<double> temperature, topP;
    std::optional<std::string> user;
    std::vector<std::string> stop;
    for (auto e : {openai::readMaxTokens(req, maxTokens), openai::readInteger(req, "top_k", topK),
                   openai::readInteger(req, "n", n), openai::readNumber(req, "temperature", temperature),
                   openai::readNumber(req, "top_p", topP), openai::readString(req, "user", user),
                   openai::readStop(req, stop)}) {
        if (e)
            return *e;
    }
    if (n && *n != 1) {
        return ApiError::badRequest(QStringLiteral("anthropic returns one choice per request; 'n' must be 1."),
                                    QStringLiteral("unsupported_parameter"), QStringLiteral("n"));
    }
    out["max_tokens"] = maxTokens.value_or(kDefaultMaxTokens);
    if (temperature)
        out["temperature"] = std::clamp(*temperature, 0.0, 1.0);   // OpenAI allows up to 2
    if (topP)
        out["top_p"] = *topP;
    if (topK)
        out["top_k"] = *topK;
    if (!stop.empty())
        out["stop_sequences"] = stop;
    if (user && !user->empty())
        out["metadata"] = {{"user_id", *user}};
    if (json_fields::boolean(req, "stream"))
        out["stream"] = true;
    if (const auto thinking = req.find("thinking"); thinking != req.end() && thinking->is_object())
        out["thinking"] = *thinking;

    if (const auto tools = req.find("tools"); tools != req.end() && !tools->is_null()) {
        auto mapped = mapTools(*tools);
        if (auto* e = std::get_if<ApiError>(&mapped))
            return *e;
        if (!std::get<json>(mapped).empty())
            out["tools"] = std::move(std::get<json>(mapped));
    }
    auto choice = mapToolChoice(req);
    if (auto* e = std::get_if<ApiError>(&choice))
        return *e;
    if (!std::get<json>(choice).is_null() && out.contains("tools"))
        out["tool_choice"] = std::move(std::get<json>(choice));
    return out;
}

} // namespace gatehouse::anthropic
