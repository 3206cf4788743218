#include "gemini_mock_upstream.h"

#include <nlohmann/json.hpp>

namespace gatehouse::test {

namespace {

using json = nlohmann::json;

QByteArray dump(const json& j) { return QByteArray::fromStdString(j.dump()); }

ScriptedHttpServer::Reply error(int status, const std::string& message)
{
    const char* st = status == 400 ? "INVALID_ARGUMENT" : status == 403 ? "PERMISSION_DENIED" : status == 404 ? "NOT_FOUND"
                   : status == 429 ? "RESOURCE_EXHAUSTED" : status == 503 ? "UNAVAILABLE" : "INTERNAL";
    ScriptedHttpServer::Reply r;
    r.status = status;
    r.contentType = "application/json; charset=UTF-8";
    r.body = dump({{"error", {{"code", status}, {"message", message}, {"status", st}}}});
    return r;
}

json usage()
{
    return {{"promptTokenCount", 9}, {"candidatesTokenCount", 6}, {"thoughtsTokenCount", 2}, {"totalTokenCount", 17}};
}

// Last user text and, if any, the output of a functionResponse in the request.
std::pair<std::string, std::optional<std::string>> lastUser(const json& body)
{
    std::string text;
    std::optional<std::string> toolOutput;
    if (!body.contains("contents") || !body["contents"].is_array())
        return {text, toolOutput};
    for (const auto& c : body["contents"]) {
        if (!c.is_object() || c.value("role", "") != "user" || !c.contains("parts") || !c["parts"].is_array())
            continue;
        text.clear();
        for (const auto& p : c["parts"]) {
            if (p.contains("text") && p["text"].is_string())
                text += p["text"].get<std::string>();
            if (p.contains("functionResponse")) {
                const json& fr = p["functionResponse"];
                toolOutput = fr.contains("response") && fr["response"].contains("output") && fr["response"]["output"].is_string()
                                 ? fr["response"]["output"].get<std::string>() : fr.dump();
            }
        }
    }
    return {text, toolOutput};
}

json candidate(json parts, const char* finish)
{
    json c = {{"content", {{"role", "model"}, {"parts", std::move(parts)}}}, {"index", 0}};
    if (finish)
        c["finishReason"] = finish;
    return c;
}

json response(json candidates, bool withUsage, const std::string& model)
{
    json r = {{"candidates", std::move(candidates)}, {"modelVersion", model}, {"responseId", "resp-mock-1"}};
    if (withUsage)
        r["usageMetadata"] = usage();
    return r;
}

} // namespace

QString GeminiMockUpstream::baseUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(port());
}

ScriptedHttpServer::Reply GeminiMockUpstream::script(const Request& req)
{
    static const QByteArray prefix = "/v1beta/models/";
    const qsizetype colon = req.path.lastIndexOf(':');
    if (req.method != "POST" || !req.path.startsWith(prefix) || colon < prefix.size())
        return error(404, "Requested entity was not found.");
    const std::string model = req.path.mid(prefix.size(), colon - prefix.size()).toStdString();
    const QByteArray method = req.path.mid(colon + 1);
    if (req.header("x-goog-api-key").isEmpty() && !req.query.contains("key="))
        return error(403, "Method doesn't allow unregistered callers (callers without established identity). "
                          "Please use API Key or other form of API consumer identity to call this API.");
    const json body = json::parse(req.body.toStdString(), nullptr, false);
    if (!body.is_object())
        return error(400, "Invalid JSON payload received.");
    if (const auto at = model.find("error-"); at != std::string::npos)
        return error(std::atoi(model.c_str() + at + 6), "mock error for " + model);

    if (method == "batchEmbedContents") {
        if (!body.contains("requests") || !body["requests"].is_array())
            return error(400, "* BatchEmbedContentsRequest.requests: requests is required");
        json embeddings = json::array();
        for (std::size_t i = 0; i < body["requests"].size(); ++i)
            embeddings.push_back({{"values", {0.25 * double(i), 0.5, -0.125}}});
        Reply r;
        r.body = dump({{"embeddings", embeddings}});
        return r;
    }
    const bool stream = method == "streamGenerateContent";
    if (!stream && method != "generateContent")
        return error(404, "Requested entity was not found.");
    if (!body.contains("contents") || !body["contents"].is_array() || body["contents"].empty())
        return error(400, "* GenerateContentRequest.contents: contents is not specified");

    std::vector<json> events;   // GenerateContentResponse objects, in order
    const auto [userText, toolOutput] = lastUser(body);
    if (model.find("blocked") != std::string::npos) {
        events.push_back({{"promptFeedback", {{"blockReason", "SAFETY"}}}, {"usageMetadata", {{"promptTokenCount", 9}, {"totalTokenCount", 9}}},
                          {"modelVersion", model}, {"responseId", "resp-mock-1"}});
    } else if (model.find("tool") != std::string::npos && !toolOutput) {
        std::string fn = "unknown";
        if (body.contains("tools") && body["tools"].is_array()) {
            for (const auto& t : body["tools"]) {
                if (t.contains("functionDeclarations") && t["functionDeclarations"].is_array() && !t["functionDeclarations"].empty())
                    fn = t["functionDeclarations"][0].value("name", "unknown");
            }
        }
        json call = {{"functionCall", {{"name", fn}, {"args", {{"city", "Paris"}}}}}, {"thoughtSignature", "sig-mock-1"}};
        events.push_back(response(json::array({candidate(json::array({call}), "STOP")}), true, model));
    } else {
        const std::string text = toolOutput ? "Tool said: " + *toolOutput : "Hello from Gemini mock: " + userText;
        if (!stream) {
            events.push_back(response(json::array({candidate(json::array({{{"text", text}}}), "STOP")}), true, model));
        } else {
            const std::size_t third = std::max<std::size_t>(1, text.size() / 3);
            for (std::size_t i = 0; i < text.size(); i += third) {
                const bool lastPiece = i + third >= text.size();
                json r = response(json::array({candidate(json::array({{{"text", text.substr(i, third)}}}), lastPiece ? "STOP" : nullptr)}),
                                  true, model);
                if (!lastPiece)   // Gemini reports running usage without candidate counts until the end
                    r["usageMetadata"] = {{"promptTokenCount", 9}, {"totalTokenCount", 9}};
                events.push_back(std::move(r));
                if (model.find("stream-error") != std::string::npos) {
                    events.push_back({{"error", {{"code", 503}, {"message", "The model is overloaded."}, {"status", "UNAVAILABLE"}}}});
                    break;
                }
            }
        }
    }

    Reply r;
    r.contentType = "application/json; charset=UTF-8";
    if (!stream) {
        r.body = dump(events.front());
        return r;
    }
    if (!req.query.contains("alt=sse")) {   // Gemini's JSON-array stream framing
        json arr = json::array();
        for (auto& e : events)
            arr.push_back(e);
        r.pieces << dump(arr);
        return r;
    }
    r.contentType = "text/event-stream";
    for (const auto& e : events) {
        const QByteArray ev = "data: " + dump(e) + "\r\n\r\n";
        const qsizetype cut = ev.size() / 2;   // split mid-event, to exercise the gateway's buffering
        r.pieces << ev.left(cut) << ev.mid(cut);
    }
    return r;
}

} // namespace gatehouse::test
