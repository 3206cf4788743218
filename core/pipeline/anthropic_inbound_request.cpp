#include "pipeline/anthropic_inbound_request.h"

#include "providers/anthropic_request.h"
#include "providers/json_fields.h"
#include "providers/openai_request.h"
#include "providers/openai_wire.h"

namespace gatehouse::anthropic_inbound {

using nlohmann::json;
using anthropic::copyCacheControl;
using openai::invalidField;

namespace {

std::variant<json, ApiError> textPart(const json& block, const QString& p)
{
    const auto text = block.find("text");
    if (text == block.end() || !text->is_string())
        return invalidField(p + QStringLiteral(".text"), QStringLiteral("must be a string"));
    json part = {{"type", "text"}, {"text", *text}};
    copyCacheControl(block, part);
    return part;
}

// image / document source -> an OpenAI image_url or file part.
std::variant<json, ApiError> mediaPart(const json& block, const QString& p, bool document)
{
    const auto source = block.find("source");
    if (source == block.end() || !source->is_object())
        return invalidField(p + QStringLiteral(".source"), QStringLiteral("must be an object"));
    const std::string kind = json_fields::str(*source, "type");
    json part;
    if (kind == "base64") {
        const std::string media = json_fields::str(*source, "media_type");
        const std::string data = json_fields::str(*source, "data");
        if (media.empty() || data.empty())
            return invalidField(p + QStringLiteral(".source"), QStringLiteral("needs media_type and data for a base64 source"));
        const std::string url = "data:" + media + ";base64," + data;
        part = document ? json{{"type", "file"}, {"file", {{"file_data", url}}}}
                        : json{{"type", "image_url"}, {"image_url", {{"url", url}}}};
        if (document) {
            if (const std::string title = json_fields::str(block, "title"); !title.empty())
                part["file"]["filename"] = title;
        }
    } else if (kind == "url" && !document) {
        const std::string url = json_fields::str(*source, "url");
        if (!openai::isHttpUrl(url))
            return invalidField(p + QStringLiteral(".source.url"), QStringLiteral("must be an http(s) URL"));
        part = {{"type", "image_url"}, {"image_url", {{"url", url}}}};
    } else {
        return invalidField(p + QStringLiteral(".source.type"),
                            document ? QStringLiteral("must be base64 (documents)") : QStringLiteral("must be base64 or url"));
    }
    copyCacheControl(block, part);
    return part;
}

// A tool_result's content: a string, or text (and image) blocks. Text goes to the tool message;
// images, which OpenAI tool messages cannot carry, follow in the next user message.
std::optional<ApiError> toolResult(const json& block, const QString& p, json& out, json& images)
{
    const std::string id = json_fields::str(block, "tool_use_id");
    if (id.empty())
        return invalidField(p + QStringLiteral(".tool_use_id"), QStringLiteral("is required"));
    json msg = {{"role", "tool"}, {"tool_call_id", id}};
    const auto content = block.find("content");
    std::string text;
    if (content == block.end() || content->is_null()) {
    } else if (content->is_string()) {
        text = content->get<std::string>();
    } else if (content->is_array()) {
        for (std::size_t i = 0; i < content->size(); ++i) {
            const json& b = (*content)[i];
            const QString bp = openai::paramAt(p + QStringLiteral(".content"), i);
            const std::string type = json_fields::str(b, "type");
            if (type == "text") {
                if (!text.empty())
                    text += "\n";
                text += json_fields::str(b, "text");
            } else if (type == "image") {
                auto part = mediaPart(b, bp, false);
                if (auto* e = std::get_if<ApiError>(&part))
                    return *e;
                images.push_back(std::move(std::get<json>(part)));
            } else {
                return invalidField(bp + QStringLiteral(".type"), QStringLiteral("must be text or image"));
            }
        }
    } else {
        return invalidField(p + QStringLiteral(".content"), QStringLiteral("must be a string or an array of blocks"));
    }
    if (json_fields::boolean(block, "is_error"))
        text = "Error: " + text;   // OpenAI tool messages have no error flag; the model still learns it failed
    msg["content"] = text;
    out.push_back(std::move(msg));
    return std::nullopt;
}

// One user turn: tool results first (they answer the previous assistant turn), then the rest.
std::optional<ApiError> userTurn(const json& content, const QString& p, json& out)
{
    if (content.is_string()) {
        out.push_back({{"role", "user"}, {"content", content}});
        return std::nullopt;
    }
    json parts = json::array();
    json images = json::array();
    for (std::size_t i = 0; i < content.size(); ++i) {
        const json& block = content[i];
        const QString bp = openai::paramAt(p, i);
        if (!block.is_object())
            return invalidField(bp, QStringLiteral("must be an object"));
        const std::string type = json_fields::str(block, "type");
        std::variant<json, ApiError> part = json();
        if (type == "text") {
            part = textPart(block, bp);
        } else if (type == "image" || type == "document") {
            part = mediaPart(block, bp, type == "document");
        } else if (type == "tool_result") {
            if (auto e = toolResult(block, bp, out, images))
                return e;
            continue;
        } else {
            return ApiError::badRequest(QStringLiteral("Content block type '%1' at '%2' is not supported in a user message "
                                                       "(text, image, document, tool_result).")
                                            .arg(QString::fromStdString(type).left(64), bp),
                                        QStringLiteral("invalid_value"), bp + QStringLiteral(".type"));
        }
        if (auto* e = std::get_if<ApiError>(&part))
            return *e;
        parts.push_back(std::move(std::get<json>(part)));
    }
    for (auto& image : images)
        parts.push_back(std::move(image));
    if (!parts.empty())
        out.push_back({{"role", "user"}, {"content", std::move(parts)}});
    return std::nullopt;
}

std::optional<ApiError> assistantTurn(const json& content, const QString& p, json& out)
{
    if (content.is_string()) {
        out.push_back({{"role", "assistant"}, {"content", content}});
        return std::nullopt;
    }
    json parts = json::array();
    json calls = json::array();
    for (std::size_t i = 0; i < content.size(); ++i) {
        const json& block = content[i];
        const QString bp = openai::paramAt(p, i);
        if (!block.is_object())
            return invalidField(bp, QStringLiteral("must be an object"));
        const std::string type = json_fields::str(block, "type");
        if (type == "text") {
            auto part = textPart(block, bp);
            if (auto* e = std::get_if<ApiError>(&part))
                return *e;
            parts.push_back(std::move(std::get<json>(part)));
        } else if (type == "tool_use") {
            const std::string id = json_fields::str(block, "id");
            const std::string name = json_fields::str(block, "name");
            if (id.empty() || name.empty())
                return invalidField(bp, QStringLiteral("needs an id and a name"));
            const auto input = block.find("input");
            const json args = input != block.end() && input->is_object() ? *input : json::object();
            calls.push_back({{"id", id}, {"type", "function"}, {"function", {{"name", name}, {"arguments", openai::dump(args).toStdString()}}}});
        } else if (type == "thinking" || type == "redacted_thinking") {
            continue;   // earlier reasoning has no OpenAI counterpart
        } else {
            return ApiError::badRequest(QStringLiteral("Content block type '%1' at '%2' is not supported in an assistant message "
                                                       "(text, tool_use, thinking).")
                                            .arg(QString::fromStdString(type).left(64), bp),
                                        QStringLiteral("invalid_value"), bp + QStringLiteral(".type"));
        }
    }
    if (parts.empty() && calls.empty())
        return std::nullopt;
    json msg = {{"role", "assistant"}};
    // A plain string where there is no cache_control: the form every provider accepts.
    bool plain = true;
    std::string text;
    for (const auto& part : parts) {
        plain = plain && !part.contains("cache_control");
        text += part["text"].get<std::string>();
    }
    msg["content"] = parts.empty() ? json(nullptr) : plain ? json(text) : parts;
    if (!calls.empty())
        msg["tool_calls"] = std::move(calls);
    out.push_back(std::move(msg));
    return std::nullopt;
}

std::optional<ApiError> systemMessage(const json& system, json& out)
{
    if (system.is_null())
        return std::nullopt;
    if (system.is_string()) {
        if (!system.get_ref<const std::string&>().empty())
            out.push_back({{"role", "system"}, {"content", system}});
        return std::nullopt;
    }
    if (!system.is_array())
        return invalidField(QStringLiteral("system"), QStringLiteral("must be a string or an array of text blocks"));
    json parts = json::array();
    for (std::size_t i = 0; i < system.size(); ++i) {
        const QString p = openai::paramAt(QStringLiteral("system"), i);
        if (json_fields::str(system[i], "type") != "text")
            return invalidField(p + QStringLiteral(".type"), QStringLiteral("must be text"));
        auto part = textPart(system[i], p);
        if (auto* e = std::get_if<ApiError>(&part))
            return *e;
        parts.push_back(std::move(std::get<json>(part)));
    }
    if (!parts.empty())
        out.push_back({{"role", "system"}, {"content", std::move(parts)}});
    return std::nullopt;
}

std::variant<json, ApiError> tools(const json& in)
{
    if (!in.is_array())
        return invalidField(QStringLiteral("tools"), QStringLiteral("must be an array"));
    json out = json::array();
    for (std::size_t i = 0; i < in.size(); ++i) {
        const json& t = in[i];
        const QString p = openai::paramAt(QStringLiteral("tools"), i);
        if (!t.is_object())
            return invalidField(p, QStringLiteral("must be an object"));
        const std::string type = json_fields::str(t, "type", "custom");
        if (type != "custom") {
            return ApiError::badRequest(QStringLiteral("Tool type '%1' at '%2' is not supported on /v1/messages; only client tools "
                                                       "(name, description, input_schema) are.").arg(QString::fromStdString(type).left(64), p),
                                        QStringLiteral("invalid_value"), p + QStringLiteral(".type"));
        }
        const std::string name = json_fields::str(t, "name");
        if (name.empty())
            return invalidField(p + QStringLiteral(".name"), QStringLiteral("is required"));
        const auto schema = t.find("input_schema");
        if (schema == t.end() || !schema->is_object())
            return invalidField(p + QStringLiteral(".input_schema"), QStringLiteral("must be a JSON schema object"));
        json fn = {{"name", name}, {"parameters", *schema}};
        if (const std::string d = json_fields::str(t, "description"); !d.empty())
            fn["description"] = d;
        json tool = {{"type", "function"}, {"function", std::move(fn)}};
        copyCacheControl(t, tool);
        out.push_back(std::move(tool));
    }
    return out;
}

// {"type":"auto"|"any"|"tool"|"none"} -> "auto" | "required" | {"type":"function",...} | "none".
std::optional<ApiError> toolChoice(const json& tc, json& out)
{
    if (tc.is_null())
        return std::nullopt;
    const std::string type = json_fields::str(tc, "type");
    if (type == "auto") {
        out["tool_choice"] = "auto";
    } else if (type == "any") {
        out["tool_choice"] = "required";
    } else if (type == "none") {
        out["tool_choice"] = "none";
    } else if (type == "tool") {
        const std::string name = json_fields::str(tc, "name");
        if (name.empty())
            return invalidField(QStringLiteral("tool_choice.name"), QStringLiteral("is required when tool_choice.type is tool"));
        out["tool_choice"] = {{"type", "function"}, {"function", {{"name", name}}}};
    } else {
        return invalidField(QStringLiteral("tool_choice.type"), QStringLiteral("must be auto, any, tool or none"));
    }
    if (json_fields::boolean(tc, "disable_parallel_tool_use") && type != "none")
        out["parallel_tool_calls"] = false;
    return std::nullopt;
}

} // namespace

std::variant<json, ApiError> toChatRequest(const json& req)
{
    std::string model;
    if (auto e = openai::checkRequest(&req, model))
        return *e;
    const auto maxTokens = req.find("max_tokens");
    if (maxTokens == req.end() || maxTokens->is_null())
        return ApiError::badRequest(QStringLiteral("'max_tokens' is required."), QStringLiteral("missing_required_parameter"), QStringLiteral("max_tokens"));
    if (!maxTokens->is_number_integer() || maxTokens->get<long long>() < 1)
        return invalidField(QStringLiteral("max_tokens"), QStringLiteral("must be a positive integer"));
    const auto msgs = req.find("messages");
    if (msgs == req.end() || msgs->is_null())
        return ApiError::badRequest(QStringLiteral("'messages' is required."), QStringLiteral("missing_required_parameter"), QStringLiteral("messages"));
    if (!msgs->is_array() || msgs->empty())
        return invalidField(QStringLiteral("messages"), QStringLiteral("must be a non-empty array"));

    json messages = json::array();
    if (const auto system = req.find("system"); system != req.end()) {
        if (auto e = systemMessage(*system, messages))
            return *e;
    }
    for (std::size_t i = 0; i < msgs->size(); ++i) {
        const json& msg = (*msgs)[i];
        const QString p = openai::paramAt(QStringLiteral("messages"), i);
        if (!msg.is_object())
            return invalidField(p, QStringLiteral("must be an object"));
        const std::string role = json_fields::str(msg, "role");
        const auto content = msg.find("content");
        if (content == msg.end() || !(content->is_string() || content->is_array()))
            return invalidField(p + QStringLiteral(".content"), QStringLiteral("must be a string or an array of content blocks"));
        std::optional<ApiError> e;
        if (role == "user") {
            e = userTurn(*content, p + QStringLiteral(".content"), messages);
        } else if (role == "assistant") {
            e = assistantTurn(*content, p + QStringLiteral(".content"), messages);
        } else if (role == "system") {
            return invalidField(p + QStringLiteral(".role"), QStringLiteral("must be user or assistant; put system text in the top-level 'system' field"));
        } else {
            return invalidField(p + QStringLiteral(".role"), QStringLiteral("must be user or assistant"));
        }
        if (e)
            return *e;
    }

    json out = {{"model", model}, {"messages", std::move(messages)}, {"max_tokens", maxTokens->get<long long>()}};
    std::optional<double> temperature, topP;
    std::optional<long long> topK;
    for (auto e : {openai::readNumber(req, "temperature", temperature), openai::readNumber(req, "top_p", topP),
                   openai::readInteger(req, "top_k", topK)}) {
        if (e)
            return *e;
    }
    if (temperature)
        out["temperature"] = *temperature;
    if (topP)
        out["top_p"] = *topP;
    if (topK)
        out["top_k"] = *topK;
    if (const auto stop = req.find("stop_sequences"); stop != req.end() && !stop->is_null()) {
        if (!stop->is_array())
            return invalidField(QStringLiteral("stop_sequences"), QStringLiteral("must be an array of strings"));
        for (const auto& s : *stop) {
            if (!s.is_string())
                return invalidField(QStringLiteral("stop_sequences"), QStringLiteral("must be an array of strings"));
        }
        if (!stop->empty())
            out["stop"] = *stop;
    }
    if (const auto metadata = req.find("metadata"); metadata != req.end() && !metadata->is_null()) {
        if (!metadata->is_object())
            return invalidField(QStringLiteral("metadata"), QStringLiteral("must be an object"));
        if (const std::string user = json_fields::str(*metadata, "user_id"); !user.empty())
            out["user"] = user;
    }
    if (const auto stream = req.find("stream"); stream != req.end() && !stream->is_null()) {
        if (!stream->is_boolean())
            return invalidField(QStringLiteral("stream"), QStringLiteral("must be true or false"));
        if (stream->get<bool>()) {
            out["stream"] = true;
            out["stream_options"] = {{"include_usage", true}};   // message_delta carries the usage
        }
    }
    if (const auto thinking = req.find("thinking"); thinking != req.end() && thinking->is_object())
        out["thinking"] = *thinking;
    if (const auto t = req.find("tools"); t != req.end() && !t->is_null()) {
        auto mapped = tools(*t);
        if (auto* e = std::get_if<ApiError>(&mapped))
            return *e;
        if (!std::get<json>(mapped).empty())
            out["tools"] = std::move(std::get<json>(mapped));
    }
    if (const auto tc = req.find("tool_choice"); tc != req.end()) {
        if (!tc->is_null() && !tc->is_object())
            return invalidField(QStringLiteral("tool_choice"), QStringLiteral("must be an object"));
        if (auto e = toolChoice(*tc, out))
            return *e;
    }
    return out;
}

} // namespace gatehouse::anthropic_inbound
