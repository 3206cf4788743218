#include "anthropic_mock_upstream.h"

#include <nlohmann/json.hpp>

namespace gatehouse::test {

namespace {

using json = nlohmann::json;

QByteArray dump(const json& j) { return QByteArray::fromStdString(j.dump()); }

ScriptedHttpServer::Reply error(int status, const char* type, const std::string& message)
{
    ScriptedHttpServer::Reply r;
    r.status = status;
    r.body = dump({{"type", "error"}, {"error", {{"type", type}, {"message", message}}}, {"request_id", "req_mock"}});
    r.headers.append({QByteArray("request-id"), QByteArray("req_mock")});
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

// The content of a tool_result in the last user turn, if there is one.
std::optional<std::string> toolResultOf(const json& lastTurn)
{
    if (!lastTurn.is_object() || !lastTurn.contains("content") || !lastTurn["content"].is_array())
        return std::nullopt;
    for (const auto& b : lastTurn["content"]) {
        if (b.is_object() && b.value("type", "") == "tool_result")
            return b.contains("content") ? textOf(b["content"]) : std::string();
    }
    return std::nullopt;
}

QByteArray sseEvent(const char* name, const json& data)
{
    return QByteArray("event: ") + name + "\ndata: " + dump(data) + "\n\n";
}

// POST /v1/messages/count_tokens: {"input_tokens": 10 + characters of system and message text}.
ScriptedHttpServer::Reply countTokens(const ScriptedHttpServer::Request& req)
{
    if (req.header("x-api-key").isEmpty())
        return error(401, "authentication_error", "x-api-key header is required");
    const json body = json::parse(req.body.toStdString(), nullptr, false);
    if (!body.is_object() || !body.contains("messages") || !body["messages"].is_array())
        return error(400, "invalid_request_error", "messages: Field required");
    if (body.contains("max_tokens") || body.contains("stream"))
        return error(400, "invalid_request_error", "max_tokens: Extra inputs are not permitted");
    std::size_t chars = body.contains("system") ? textOf(body["system"]).size() : 0;
    for (const auto& m : body["messages"])
        chars += m.is_object() && m.contains("content") ? textOf(m["content"]).size() : 0;
    ScriptedHttpServer::Reply r;
    r.body = dump({{"input_tokens", 10 + chars}});
    return r;
}

} // namespace

QString AnthropicMockUpstream::baseUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1/v1").arg(port());
}

ScriptedHttpServer::Reply AnthropicMockUpstream::script(const Request& req)
{
    if (req.method == "POST" && req.path == "/v1/messages/count_tokens")
        return countTokens(req);
    if (req.method != "POST" || req.path != "/v1/messages")
        return error(404, "not_found_error", "Not Found");
    if (req.header("x-api-key").isEmpty())
        return error(401, "authentication_error", "x-api-key header is required");
    if (req.header("anthropic-version").isEmpty())
        return error(400, "invalid_request_error", "anthropic-version: header is required");
    const json body = json::parse(req.body.toStdString(), nullptr, false);
    if (!body.is_object() || !body.contains("messages") || !body["messages"].is_array() || body["messages"].empty())
        return error(400, "invalid_request_error", "messages: Field required");
    if (!body.contains("max_tokens"))
        return error(400, "invalid_request_error", "max_tokens: Field required");
    const std::string model = body.value("model", "");
    if (const auto at = model.find("error-"); at != std::string::npos) {
        const int status = std::atoi(model.c_str() + at + 6);
        const char* type = status == 429 ? "rate_limit_error" : status == 529 ? "overloaded_error"
                         : status == 401 ? "authentication_error" : status == 403 ? "permission_error"
                         : status == 404 ? "not_found_error" : status >= 500 ? "api_error" : "invalid_request_error";
        return error(status, type, "mock " + std::string(type));
    }

    const json& last = body["messages"].back();
    const auto toolResult = toolResultOf(last);
    std::string toolName;
    if (model.find("tool") != std::string::npos && !toolResult && body.contains("tools") && body["tools"].is_array() &&
        !body["tools"].empty() && body["tools"][0].is_object())
        toolName = body["tools"][0].value("name", "");
    const std::string text = toolResult ? "Tool said: " + *toolResult
                           : !toolName.empty() ? std::string("Let me check.")
                                               : "Hello from Anthropic mock: " + textOf(last.value("content", json()));
    const json usageStart = {{"input_tokens", 12}, {"output_tokens", 1}, {"cache_creation_input_tokens", 0},
                             {"cache_read_input_tokens", 3}};
    const char* stopReason = toolName.empty() ? "end_turn" : "tool_use";

    if (!body.value("stream", false)) {
        json content = json::array({{{"type", "text"}, {"text", text}}});
        if (!toolName.empty())
            content.push_back({{"type", "tool_use"}, {"id", "toolu_mock_1"}, {"name", toolName}, {"input", {{"city", "Paris"}}}});
        Reply r;
        r.body = dump({{"id", "msg_mock_1"}, {"type", "message"}, {"role", "assistant"}, {"model", model},
                       {"content", content}, {"stop_reason", stopReason}, {"stop_sequence", nullptr},
                       {"usage", {{"input_tokens", 12}, {"output_tokens", 7}, {"cache_creation_input_tokens", 0},
                                  {"cache_read_input_tokens", 3}}}});
        r.headers.append({QByteArray("request-id"), QByteArray("req_mock")});
        return r;
    }

    QList<QByteArray> events;
    events << sseEvent("message_start", {{"type", "message_start"},
                                      {"message", {{"id", "msg_mock_1"}, {"type", "message"}, {"role", "assistant"},
                                                   {"model", model}, {"content", json::array()}, {"stop_reason", nullptr},
                                                   {"stop_sequence", nullptr}, {"usage", usageStart}}}});
    events << sseEvent("content_block_start", {{"type", "content_block_start"}, {"index", 0},
                                            {"content_block", {{"type", "text"}, {"text", ""}}}});
    events << sseEvent("ping", {{"type", "ping"}});
    // The text in three deltas, cut at arbitrary points (UTF-8 sequences stay whole: JSON strings).
    const QString t = QString::fromStdString(text);
    const qsizetype third = std::max<qsizetype>(1, t.size() / 3);
    for (qsizetype i = 0; i < t.size(); i += third) {
        events << sseEvent("content_block_delta", {{"type", "content_block_delta"}, {"index", 0},
                                                {"delta", {{"type", "text_delta"}, {"text", t.mid(i, third).toStdString()}}}});
        if (model.find("stream-cut") != std::string::npos)
            break;   // the connection drops after the first delta (below)
        if (model.find("stream-error") != std::string::npos) {
            events << sseEvent("error", {{"type", "error"}, {"error", {{"type", "overloaded_error"}, {"message", "Overloaded"}}}});
            break;
        }
    }
    const bool cut = model.find("stream-cut") != std::string::npos;
    if (cut)
        events << sseEvent("content_block_delta", {{"type", "content_block_delta"}, {"index", 0},
                                                {"delta", {{"type", "text_delta"}, {"text", "never complete"}}}});
    if (model.find("stream-error") == std::string::npos && !cut) {
        events << sseEvent("content_block_stop", {{"type", "content_block_stop"}, {"index", 0}});
        if (!toolName.empty()) {
            events << sseEvent("content_block_start", {{"type", "content_block_start"}, {"index", 1},
                                                    {"content_block", {{"type", "tool_use"}, {"id", "toolu_mock_1"},
                                                                       {"name", toolName}, {"input", json::object()}}}});
            for (const char* piece : {"", "{\"city\":", " \"Paris\"}"}) {
                events << sseEvent("content_block_delta", {{"type", "content_block_delta"}, {"index", 1},
                                                        {"delta", {{"type", "input_json_delta"}, {"partial_json", piece}}}});
            }
            events << sseEvent("content_block_stop", {{"type", "content_block_stop"}, {"index", 1}});
        }
        events << sseEvent("message_delta", {{"type", "message_delta"},
                                          {"delta", {{"stop_reason", stopReason}, {"stop_sequence", nullptr}}},
                                          {"usage", {{"output_tokens", 7}}}});
        events << sseEvent("message_stop", {{"type", "message_stop"}});
    }
    Reply r;
    r.contentType = "text/event-stream; charset=utf-8";
    r.headers.append({QByteArray("request-id"), QByteArray("req_mock")});
    r.headers.append({QByteArray("cache-control"), QByteArray("no-cache")});
    for (const QByteArray& e : events) {   // each event over two HTTP chunks
        const qsizetype at = e.size() / 3 + 1;
        r.pieces << e.left(at) << e.mid(at);
    }
    if (cut) {
        r.pieces.removeLast();   // the last event's second half never comes
        r.cut = true;
    }
    return r;
}

} // namespace gatehouse::test
