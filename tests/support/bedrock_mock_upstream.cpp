#include "bedrock_mock_upstream.h"

#include "aws_event_stream_frames.h"

#include <nlohmann/json.hpp>

#include <QUrl>

namespace gatehouse::test {

namespace {

using json = nlohmann::json;

QByteArray dump(const json& j) { return QByteArray::fromStdString(j.dump()); }

ScriptedHttpServer::Reply error(int status, const std::string& message, const QByteArray& type)
{
    ScriptedHttpServer::Reply r;
    r.status = status;
    r.body = dump({{"message", message}});
    r.headers.append({QByteArray("x-amzn-ErrorType"), type});
    return r;
}

const json kUsage = {{"inputTokens", 20}, {"outputTokens", 9}, {"totalTokens", 33}, {"cacheReadInputTokens", 4}};

} // namespace

QString BedrockMockUpstream::baseUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(port());
}

ScriptedHttpServer::Reply BedrockMockUpstream::answer(const Request& req)
{
    const QByteArray path = req.path;
    const bool stream = path.endsWith("/converse-stream");
    if (req.method != "POST" || !path.startsWith("/model/") || !(stream || path.endsWith("/converse")))
        return error(404, "Not Found", "UnknownOperationException");
    const QByteArray auth = req.header("authorization");
    if (!auth.startsWith("AWS4-HMAC-SHA256 Credential=") || !auth.contains("/bedrock/aws4_request") || !auth.contains("Signature=")
        || req.header("x-amz-date").isEmpty())
        return error(403, "Missing Authentication Token", "MissingAuthenticationTokenException");
    const QByteArray encoded = path.mid(7, path.lastIndexOf('/') - 7);
    const std::string model = QUrl::fromPercentEncoding(encoded).toStdString();
    if (const auto at = model.find("error-"); at != std::string::npos) {
        const int status = std::atoi(model.c_str() + at + 6);
        return error(status, "mock bedrock error", status == 429 ? "ThrottlingException" : "ValidationException");
    }
    const json body = json::parse(req.body.toStdString(), nullptr, false);
    if (!body.is_object() || !body.contains("messages") || !body["messages"].is_array() || body["messages"].empty())
        return error(400, "messages is required", "ValidationException");
    const json& last = body["messages"].back();
    std::string lastText, toolResult;
    bool hasToolResult = false;
    for (const auto& b : last.value("content", json::array())) {
        if (b.contains("text"))
            lastText += b["text"].get<std::string>();
        if (b.contains("toolResult")) {
            hasToolResult = true;
            for (const auto& c : b["toolResult"].value("content", json::array()))
                toolResult += c.value("text", "");
        }
    }
    std::string toolName;
    if (model.find("tool") != std::string::npos && !hasToolResult && body.contains("toolConfig"))
        toolName = body["toolConfig"]["tools"][0]["toolSpec"].value("name", "");
    const std::string text = hasToolResult ? "Tool said: " + toolResult : "Hello from Bedrock mock: " + lastText;
    const char* stopReason = toolName.empty() ? "end_turn" : "tool_use";

    if (!stream) {
        json content = json::array();
        if (toolName.empty())
            content.push_back({{"text", text}});
        else
            content.push_back({{"toolUse", {{"toolUseId", "tooluse_mock1"}, {"name", toolName}, {"input", {{"city", "Paris"}}}}}});
        Reply r;
        r.body = dump({{"output", {{"message", {{"role", "assistant"}, {"content", content}}}}}, {"stopReason", stopReason},
                       {"usage", kUsage}, {"metrics", {{"latencyMs", 12}}}});
        return r;
    }
    QList<QByteArray> frames;
    frames << bedrockEvent("messageStart", R"({"role":"assistant"})");
    if (toolName.empty()) {
        const QString t = QString::fromStdString(text);
        const qsizetype half = std::max<qsizetype>(1, t.size() / 2);
        for (qsizetype i = 0; i < t.size(); i += half) {
            frames << bedrockEvent("contentBlockDelta", dump({{"contentBlockIndex", 0}, {"delta", {{"text", t.mid(i, half).toStdString()}}}}));
            if (model.find("stream-exception") != std::string::npos) {
                frames << eventStreamFrame({{":exception-type", "throttlingException"}, {":content-type", "application/json"},
                                            {":message-type", "exception"}}, R"({"message":"Too many requests, please wait before trying again."})");
                break;
            }
        }
        frames << bedrockEvent("contentBlockStop", R"({"contentBlockIndex":0})");
    } else {
        frames << bedrockEvent("contentBlockStart", dump({{"contentBlockIndex", 0}, {"start", {{"toolUse", {{"toolUseId", "tooluse_mock1"}, {"name", toolName}}}}}}));
        for (const char* piece : {"{\"city\":", "\"Paris\"}"})
            frames << bedrockEvent("contentBlockDelta", dump({{"contentBlockIndex", 0}, {"delta", {{"toolUse", {{"input", piece}}}}}}));
        frames << bedrockEvent("contentBlockStop", R"({"contentBlockIndex":0})");
    }
    frames << bedrockEvent("messageStop", dump({{"stopReason", stopReason}}));
    frames << bedrockEvent("metadata", dump({{"usage", kUsage}, {"metrics", {{"latencyMs", 12}}}}));
    Reply r;
    r.contentType = "application/vnd.amazon.eventstream";
    for (const QByteArray& f : frames) {   // frames cut across HTTP chunks
        const qsizetype cut = f.size() / 3 + 1;
        r.pieces << f.left(cut) << f.mid(cut);
    }
    return r;
}

} // namespace gatehouse::test
