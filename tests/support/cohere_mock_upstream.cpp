#include "cohere_mock_upstream.h"

#include <nlohmann/json.hpp>

namespace gatehouse::test {

namespace {

using json = nlohmann::json;

QByteArray dump(const json& j) { return QByteArray::fromStdString(j.dump()); }

ScriptedHttpServer::Reply error(int status, const std::string& message)
{
    ScriptedHttpServer::Reply r;
    r.status = status;
    r.body = dump({{"id", "err_mock"}, {"message", message}});
    if (status == 429)
        r.headers.append({QByteArray("retry-after"), QByteArray("7")});
    return r;
}

std::string textOf(const json& content)
{
    if (content.is_string())
        return content.get<std::string>();
    std::string out;
    if (content.is_array()) {
        for (const auto& b : content) {
            if (b.is_object() && b.value("type", "") == "text" && b.contains("text") && b["text"].is_string())
                out += b["text"].get<std::string>();
        }
    }
    return out;
}

QByteArray cohereEvent(const char* type, json data)
{
    data["type"] = type;
    return QByteArray("event: ") + type + "\ndata: " + dump(data) + "\n\n";
}

const json kUsage = {{"billed_units", {{"input_tokens", 10}, {"output_tokens", 6}}}, {"tokens", {{"input_tokens", 210}, {"output_tokens", 6}}}};

} // namespace

QString CohereMockUpstream::baseUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1/v2").arg(port());
}

ScriptedHttpServer::Reply CohereMockUpstream::answer(const Request& req)
{
    if (req.method != "POST" || (req.path != "/v2/chat" && req.path != "/v2/embed"))
        return error(404, "Not Found");
    if (!req.header("authorization").startsWith("Bearer ") || req.header("authorization").size() <= 7)
        return error(401, "no api key supplied");
    const json body = json::parse(req.body.toStdString(), nullptr, false);
    const std::string model = body.is_object() ? body.value("model", "") : std::string();
    if (const auto at = model.find("error-"); at != std::string::npos)
        return error(std::atoi(model.c_str() + at + 6), "mock cohere error");

    if (req.path == "/v2/embed") {
        if (!body.contains("texts") || !body["texts"].is_array() || !body.contains("input_type"))
            return error(400, "invalid request: texts and input_type are required");
        json vectors = json::array();
        for (std::size_t i = 0; i < body["texts"].size(); ++i)
            vectors.push_back({0.5, -0.25, double(i)});
        Reply r;
        r.body = dump({{"id", "emb_mock_1"}, {"embeddings", {{"float", vectors}}}, {"texts", body["texts"]},
                       {"meta", {{"api_version", {{"version", "2"}}}, {"billed_units", {{"input_tokens", 3 * body["texts"].size()}}}}}});
        return r;
    }

    if (!body.contains("messages") || !body["messages"].is_array() || body["messages"].empty())
        return error(400, "invalid request: messages cannot be empty");
    const json& last = body["messages"].back();
    const bool toolResult = last.value("role", "") == "tool";
    std::string toolName;
    if (model.find("tool") != std::string::npos && !toolResult && body.contains("tools") && body["tools"].is_array() &&
        !body["tools"].empty() && body["tools"][0].is_object() && body["tools"][0].contains("function"))
        toolName = body["tools"][0]["function"].value("name", "");
    const std::string text = toolResult ? "Tool said: " + textOf(last.value("content", json()))
                                        : "Hello from Cohere mock: " + textOf(last.value("content", json()));
    const char* finish = toolName.empty() ? "COMPLETE" : "TOOL_CALL";

    if (!body.value("stream", false)) {
        json message = {{"role", "assistant"}};
        if (toolName.empty()) {
            message["content"] = json::array({{{"type", "text"}, {"text", text}}});
        } else {
            message["tool_plan"] = "I will look up the weather.";
            message["tool_calls"] = json::array({{{"id", "get_weather_mock1"}, {"type", "function"},
                                                  {"function", {{"name", toolName}, {"arguments", "{\"city\":\"Paris\"}"}}}}});
        }
        Reply r;
        r.body = dump({{"id", "cohere-mock-1"}, {"finish_reason", finish}, {"message", message}, {"usage", kUsage}});
        return r;
    }

    QList<QByteArray> events;
    events << cohereEvent("message-start", {{"id", "cohere-mock-1"}, {"delta", {{"message", {{"role", "assistant"}, {"content", json::array()},
                                                                                         {"tool_plan", ""}, {"tool_calls", json::array()}}}}}});
    if (toolName.empty()) {
        events << cohereEvent("content-start", {{"index", 0}, {"delta", {{"message", {{"content", {{"type", "text"}, {"text", ""}}}}}}}});
        const QString t = QString::fromStdString(text);
        const qsizetype third = std::max<qsizetype>(1, t.size() / 3);
        for (qsizetype i = 0; i < t.size(); i += third)
            events << cohereEvent("content-delta", {{"index", 0}, {"delta", {{"message", {{"content", {{"text", t.mid(i, third).toStdString()}}}}}}}});
        events << cohereEvent("content-end", {{"index", 0}});
    } else {
        events << cohereEvent("tool-plan-delta", {{"delta", {{"message", {{"tool_plan", "I will look up the weather."}}}}}});
        events << cohereEvent("tool-call-start", {{"index", 0}, {"delta", {{"message", {{"tool_calls",
                    {{"id", "get_weather_mock1"}, {"type", "function"}, {"function", {{"name", toolName}, {"arguments", ""}}}}}}}}}});
        for (const char* piece : {"{\"city\":", " \"Paris\"}"})
            events << cohereEvent("tool-call-delta", {{"index", 0}, {"delta", {{"message", {{"tool_calls", {{"function", {{"arguments", piece}}}}}}}}}});
        events << cohereEvent("tool-call-end", {{"index", 0}});
    }
    events << cohereEvent("message-end", {{"delta", {{"finish_reason", finish}, {"usage", kUsage}}}});
    Reply r;
    r.contentType = "text/event-stream";
    for (const QByteArray& e : events) {   // each event over two HTTP chunks
        const qsizetype cut = e.size() / 2 + 1;
        r.pieces << e.left(cut) << e.mid(cut);
    }
    return r;
}

} // namespace gatehouse::test
