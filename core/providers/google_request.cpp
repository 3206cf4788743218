#include "providers/google_request.h"

#include "providers/google_schema.h"
#include "providers/google_thought_signatures.h"
#include "providers/json_fields.h"
#include "providers/openai_request.h"

#include <QString>

#include <algorithm>
#include <cctype>
#include <map>

namespace gatehouse::google {

using nlohmann::json;
using openai::invalidField;

namespace {

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

// fileData needs a MIME type; guess it from the URL's extension.
std::string mimeTypeForUrl(const std::string& url, const std::string& fallback)
{
    std::string path = url.substr(0, url.find_first_of("?#"));
    const std::size_t dot = path.rfind('.');
    if (dot == std::string::npos || path.find('/', dot) != std::string::npos)
        return fallback;
    static const std::map<std::string, std::string> kTypes = {
        {"png", "image/png"}, {"jpg", "image/jpeg"}, {"jpeg", "image/jpeg"}, {"gif", "image/gif"},
        {"webp", "image/webp"}, {"heic", "image/heic"}, {"heif", "image/heif"}, {"pdf", "application/pdf"},
        {"mp3", "audio/mp3"}, {"wav", "audio/wav"}, {"flac", "audio/flac"}, {"ogg", "audio/ogg"},
        {"mp4", "video/mp4"}, {"mov", "video/mov"}, {"webm", "video/webm"}, {"txt", "text/plain"}};
    const auto it = kTypes.find(lower(path.substr(dot + 1)));
    return it != kTypes.end() ? it->second : fallback;
}

std::variant<json, ApiError> mediaPart(const std::string& url, const std::string& mimeHint, const QString& param)
{
    if (const auto data = openai::parseDataUrl(url)) {
        const std::string mime = !data->mediaType.empty() ? data->mediaType : mimeHint.empty() ? "image/jpeg" : mimeHint;
        return json{{"inlineData", {{"mimeType", mime}, {"data", data->base64}}}};
    }
    if (openai::isHttpUrl(url) || url.rfind("gs://", 0) == 0)
        return json{{"fileData", {{"mimeType", mimeHint.empty() ? mimeTypeForUrl(url, "image/jpeg") : mimeHint},
                                  {"fileUri", url}}}};
    return invalidField(param, QStringLiteral("must be a base64 data URL, an http(s) URL or a gs:// URI"));
}

std::optional<ApiError> appendUserParts(const json* content, json& parts, const QString& param)
{
    if (!content || content->is_null())
        return std::nullopt;
    if (content->is_string()) {
        if (!content->get_ref<const std::string&>().empty())
            parts.push_back({{"text", *content}});
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
        std::variant<json, ApiError> mapped = json();
        if (type == "text") {
            const std::string text = json_fields::str(part, "text");
            if (text.empty())
                continue;
            mapped = json{{"text", text}};
        } else if (type == "image_url") {
            const auto img = part.find("image_url");
            const std::string hint = img != part.end() ? json_fields::str(*img, "mime_type") : std::string();
            mapped = mediaPart(openai::imageUrlOf(part), hint, p + QStringLiteral(".image_url.url"));
        } else if (type == "input_audio") {
            const auto audio = part.find("input_audio");
            const std::string data = audio != part.end() ? json_fields::str(*audio, "data") : std::string();
            if (data.empty())
                return invalidField(p + QStringLiteral(".input_audio.data"), QStringLiteral("is required"));
            mapped = json{{"inlineData", {{"mimeType", "audio/" + json_fields::str(*audio, "format", "wav")}, {"data", data}}}};
        } else if (type == "file") {
            const auto file = part.find("file");
            const std::string data = file != part.end() ? json_fields::str(*file, "file_data") : std::string();
            if (data.empty()) {
                return ApiError::badRequest(QStringLiteral("'%1.file' needs file_data (a base64 data URL); file ids are not "
                                                           "supported by google.").arg(p),
                                            QStringLiteral("unsupported_content"), p);
            }
            mapped = mediaPart(data, "application/pdf", p + QStringLiteral(".file.file_data"));
        } else {
            return ApiError::badRequest(QStringLiteral("Content part type '%1' at '%2' is not supported by google.")
                                            .arg(QString::fromStdString(type).left(64), p),
                                        QStringLiteral("unsupported_content"), p + QStringLiteral(".type"));
        }
        if (auto* e = std::get_if<ApiError>(&mapped))
            return *e;
        parts.push_back(std::move(std::get<json>(mapped)));
    }
    return std::nullopt;
}

json parseArguments(const json& fn)
{
    const auto args = fn.find("arguments");
    if (args == fn.end())
        return json::object();
    if (args->is_object())
        return *args;
    if (args->is_string()) {
        json parsed = json::parse(args->get_ref<const std::string&>(), nullptr, false);
        if (parsed.is_object() && !json_fields::nestedDeeperThan(parsed, openai::kMaxRequestDepth))
            return parsed;
    }
    return json::object();
}

// A signature the client carried itself, in Gemini's own OpenAI-compatible format.
std::string clientSignature(const json& call)
{
    const auto extra = call.find("extra_content");
    if (extra == call.end() || !extra->is_object())
        return {};
    const auto g = extra->find("google");
    return g != extra->end() ? json_fields::str(*g, "thought_signature") : std::string();
}

std::optional<ApiError> appendAssistantParts(const json& msg, json& parts, const QString& param,
                                             const ThoughtSignatureStore* signatures)
{
    if (const auto content = msg.find("content"); content != msg.end() && !content->is_null()) {
        if (!content->is_string() && !content->is_array())
            return invalidField(param + QStringLiteral(".content"), QStringLiteral("must be a string or an array of content parts"));
        if (const std::string text = openai::contentText(*content); !text.empty())
            parts.push_back({{"text", text}});
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
        if (!call.is_object() || fn == call.end() || !fn->is_object() || json_fields::str(*fn, "name").empty())
            return invalidField(p, QStringLiteral("must be an object with a function name"));
        json part = {{"functionCall", {{"name", json_fields::str(*fn, "name")}, {"args", parseArguments(*fn)}}}};
        std::string signature = clientSignature(call);
        if (signature.empty() && signatures) {
            if (auto kept = signatures->find(json_fields::str(call, "id")))
                signature = std::move(*kept);
        }
        if (!signature.empty())
            part["thoughtSignature"] = signature;
        parts.push_back(std::move(part));
    }
    return std::nullopt;
}

// Gemini 3 rejects a model turn whose function calls carry no signature at all.
void fillMissingSignatures(json& contents, const std::string& model)
{
    if (lower(model).find("gemini-3") == std::string::npos)
        return;
    for (auto& content : contents) {
        if (content["role"] != "model")
            continue;
        json* first = nullptr;
        bool signed_ = false;
        for (auto& part : content["parts"]) {
            if (!part.contains("functionCall"))
                continue;
            if (!first)
                first = &part;
            signed_ = signed_ || part.contains("thoughtSignature");
        }
        if (first && !signed_)
            (*first)["thoughtSignature"] = ThoughtSignatureStore::kPlaceholder;
    }
}

std::variant<json, ApiError> mapTools(const json& tools)
{
    if (!tools.is_array())
        return invalidField(QStringLiteral("tools"), QStringLiteral("must be an array"));
    json declarations = json::array();
    json out = json::array();
    for (std::size_t i = 0; i < tools.size(); ++i) {
        const json& t = tools[i];
        const QString p = openai::paramAt(QStringLiteral("tools"), i);
        if (!t.is_object() || json_fields::str(t, "type", "function") != "function")
            return invalidField(p, QStringLiteral("must be a function tool"));
        const auto fn = t.find("function");
        const std::string name = fn != t.end() ? json_fields::str(*fn, "name") : std::string();
        if (name.empty())
            return invalidField(p + QStringLiteral(".function.name"), QStringLiteral("is required"));
        if (name == "google_search" || name == "code_execution" || name == "url_context") {
            static const std::map<std::string, std::string> kBuiltIn = {
                {"google_search", "googleSearch"}, {"code_execution", "codeExecution"}, {"url_context", "urlContext"}};
            out.push_back({{kBuiltIn.at(name), json::object()}});
            continue;
        }
        json decl = {{"name", name}};
        if (const std::string d = json_fields::str(*fn, "description"); !d.empty())
            decl["description"] = d;
        if (const auto params = fn->find("parameters"); params != fn->end() && params->is_object()) {
            json schema = toGeminiSchema(*params);
            // An object schema without properties is refused ("should be non-empty for OBJECT type"):
            // a function without parameters simply has none.
            const auto type = schema.find("type");
            const bool emptyObject = type != schema.end() && *type == "object" &&
                                     (!schema.contains("properties") || schema["properties"].empty());
            if (!emptyObject)
                decl["parameters"] = std::move(schema);
        }
        declarations.push_back(std::move(decl));
    }
    if (!declarations.empty())
        out.push_back({{"functionDeclarations", std::move(declarations)}});
    return out;
}

std::variant<json, ApiError> mapToolChoice(const json& tc)
{
    if (tc.is_string()) {
        const std::string& s = tc.get_ref<const std::string&>();
        if (s == "auto") return json{{"mode", "AUTO"}};
        if (s == "none") return json{{"mode", "NONE"}};
        if (s == "required") return json{{"mode", "ANY"}};
    } else if (tc.is_object()) {
        const auto fn = tc.find("function");
        const std::string name = fn != tc.end() ? json_fields::str(*fn, "name") : std::string();
        if (!name.empty())
            return json{{"mode", "ANY"}, {"allowedFunctionNames", json::array({name})}};
    }
    return invalidField(QStringLiteral("tool_choice"), QStringLiteral("must be auto, none, required or a function"));
}

std::optional<ApiError> mapGenerationConfig(const json& req, json& config)
{
    std::optional<double> temperature, topP, presence, frequency;
    std::optional<long long> topK, maxTokens, n, seed;
    std::vector<std::string> stop;
    for (auto e : {openai::readNumber(req, "temperature", temperature), openai::readNumber(req, "top_p", topP),
                   openai::readNumber(req, "presence_penalty", presence),
                   openai::readNumber(req, "frequency_penalty", frequency), openai::readInteger(req, "top_k", topK),
                   openai::readMaxTokens(req, maxTokens), openai::readInteger(req, "n", n),
                   openai::readInteger(req, "seed", seed), openai::readStop(req, stop)}) {
        if (e)
            return e;
    }
    if (temperature) config["temperature"] = *temperature;
    if (topP) config["topP"] = *topP;
    if (topK) config["topK"] = *topK;
    if (maxTokens) config["maxOutputTokens"] = *maxTokens;
    if (!stop.empty()) config["stopSequences"] = stop;
    if (n) config["candidateCount"] = *n;
    if (seed) config["seed"] = *seed;
    if (presence) config["presencePenalty"] = *presence;
    if (frequency) config["frequencyPenalty"] = *frequency;

    const auto rf = req.find("response_format");
    if (rf == req.end() || rf->is_null())
        return std::nullopt;
    const std::string type = json_fields::str(*rf, "type");
    if (type == "json_object") {
        config["responseMimeType"] = "application/json";
    } else if (type == "json_schema") {
        config["responseMimeType"] = "application/json";
        const auto js = rf->find("json_schema");
        if (js != rf->end() && js->is_object()) {
            if (const auto schema = js->find("schema"); schema != js->end() && schema->is_object())
                config["responseSchema"] = toGeminiSchema(*schema);
        }
    } else if (type != "text") {
        return invalidField(QStringLiteral("response_format.type"), QStringLiteral("must be text, json_object or json_schema"));
    }
    return std::nullopt;
}

bool validModelId(const std::string& id)
{
    return !id.empty() && id.size() <= 200 && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
    });
}

} // namespace

std::variant<std::string, ApiError> modelResource(const std::string& model)
{
    std::string collection = "models";
    std::string id = model;
    for (const char* prefix : {"models/", "tunedModels/"}) {
        const std::string p = prefix;
        if (model.compare(0, p.size(), p) == 0) {
            collection = p.substr(0, p.size() - 1);
            id = model.substr(p.size());
        }
    }
    if (!validModelId(id)) {
        return ApiError::badRequest(QStringLiteral("'model' must be a Gemini model name such as gemini-2.0-flash "
                                                   "(letters, digits, '-', '.', '_')."),
                                    QStringLiteral("invalid_value"), QStringLiteral("model"));
    }
    return collection + "/" + id;
}

std::variant<json, ApiError> toGenerateContentRequest(const json& req, const ThoughtSignatureStore* signatures)
{
    std::string model;
    if (auto e = openai::checkRequest(&req, model))
        return *e;
    const auto msgs = req.find("messages");
    if (msgs == req.end() || !msgs->is_array() || msgs->empty()) {
        return ApiError::badRequest(QStringLiteral("'messages' must be a non-empty array."),
                                    QStringLiteral("invalid_value"), QStringLiteral("messages"));
    }

    // Gemini names function responses by function, OpenAI by call id.
    std::map<std::string, std::string> functionByCallId;
    for (const auto& msg : *msgs) {
        const auto calls = msg.is_object() ? msg.find("tool_calls") : json::const_iterator();
        if (!msg.is_object() || calls == msg.end() || !calls->is_array())
            continue;
        for (const auto& call : *calls) {
            const auto fn = call.is_object() ? call.find("function") : json::const_iterator();
            if (call.is_object() && fn != call.end())
                functionByCallId[json_fields::str(call, "id")] = json_fields::str(*fn, "name");
        }
    }

    json systemParts = json::array();
    json contents = json::array();
    auto push = [&contents](const char* role, json&& parts) {
        if (parts.empty())
            return;
        if (!contents.empty() && contents.back()["role"] == role) {
            json& into = contents.back()["parts"];
            for (auto& p : parts)
                into.push_back(std::move(p));
        } else {
            contents.push_back({{"role", role}, {"parts", std::move(parts)}});
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
        json parts = json::array();
        if (role == "system" || role == "developer") {
            if (const std::string text = content ? openai::contentText(*content) : std::string(); !text.empty())
                systemParts.push_back({{"text", text}});
        } else if (role == "user") {
            if (auto e = appendUserParts(content, parts, p + QStringLiteral(".content")))
                return *e;
            push("user", std::move(parts));
        } else if (role == "assistant") {
            if (auto e = appendAssistantParts(msg, parts, p, signatures))
                return *e;
            push("model", std::move(parts));
        } else if (role == "tool") {
            const std::string callId = json_fields::str(msg, "tool_call_id");
            const auto known = functionByCallId.find(callId);
            std::string name = known != functionByCallId.end() ? known->second : json_fields::str(msg, "name");
            if (name.empty())
                name = "tool";   // Gemini requires a name; the call it answers is not in this request
            parts.push_back({{"functionResponse",
                              {{"name", name}, {"response", {{"output", content ? openai::contentText(*content) : std::string()}}}}}});
            push("user", std::move(parts));
        } else {
            return invalidField(p + QStringLiteral(".role"), QStringLiteral("must be system, developer, user, assistant or tool"));
        }
    }
    if (contents.empty()) {
        return ApiError::badRequest(QStringLiteral("'messages' needs at least one user or assistant message with content."),
                                    QStringLiteral("invalid_value"), QStringLiteral("messages"));
    }
    fillMissingSignatures(contents, model);

    json out = {{"contents", std::move(contents)}};
    if (!systemParts.empty())
        out["systemInstruction"] = {{"parts", std::move(systemParts)}};
    json config = json::object();
    if (auto e = mapGenerationConfig(req, config))
        return *e;
    if (!config.empty())
        out["generationConfig"] = std::move(config);
    if (const auto tools = req.find("tools"); tools != req.end() && !tools->is_null()) {
        auto mapped = mapTools(*tools);
        if (auto* e = std::get_if<ApiError>(&mapped))
            return *e;
        if (!std::get<json>(mapped).empty())
            out["tools"] = std::move(std::get<json>(mapped));
    }
    if (const auto tc = req.find("tool_choice"); tc != req.end() && !tc->is_null()) {
        auto mapped = mapToolChoice(*tc);
        if (auto* e = std::get_if<ApiError>(&mapped))
            return *e;
        // A calling mode without function declarations means nothing (and Gemini may refuse it).
        bool declared = false;
        for (const auto& t : out.contains("tools") ? out["tools"] : json::array())
            declared = declared || t.contains("functionDeclarations");
        if (declared)
            out["toolConfig"] = {{"functionCallingConfig", std::move(std::get<json>(mapped))}};
    }
    return out;
}

std::variant<json, ApiError> toBatchEmbedRequest(const json& req, const std::string& resource)
{
    const auto input = req.find("input");
    std::vector<std::string> texts;
    if (input != req.end() && input->is_string()) {
        texts.push_back(input->get<std::string>());
    } else if (input != req.end() && input->is_array()) {
        for (const auto& s : *input) {
            if (!s.is_string()) {
                return invalidField(QStringLiteral("input"),
                                    QStringLiteral("must be a string or an array of strings (token arrays are not supported by google)"));
            }
            texts.push_back(s.get<std::string>());
        }
    }
    if (texts.empty())
        return invalidField(QStringLiteral("input"), QStringLiteral("must be a non-empty string or array of strings"));
    std::optional<long long> dimensions;
    if (auto e = openai::readInteger(req, "dimensions", dimensions))
        return *e;
    json requests = json::array();
    for (auto& text : texts) {
        json r = {{"model", resource}, {"content", {{"parts", json::array({{{"text", std::move(text)}}})}}}};
        if (dimensions)
            r["outputDimensionality"] = *dimensions;
        requests.push_back(std::move(r));
    }
    return json{{"requests", std::move(requests)}};
}

} // namespace gatehouse::google
