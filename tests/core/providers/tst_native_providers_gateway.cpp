// The native adapters end to end: the real gateway (GatewayService on an ephemeral port) in front of
// mock upstreams that speak Anthropic's and Gemini's own wire formats, reached through
// x-portkey-custom-host. Clients speak OpenAI only: plain and streamed chats, tool calls and their
// results, errors, embeddings.

#include "anthropic_mock_upstream.h"
#include "bedrock_mock_upstream.h"
#include "cohere_mock_upstream.h"
#include "gemini_mock_upstream.h"
#include "integration_support.h"
#include "mock_upstream.h"

#include <QTest>

#include <set>

using namespace gatehouse;
using namespace gatehouse::itest;
using gatehouse::test::AnthropicMockUpstream;
using gatehouse::test::BedrockMockUpstream;
using gatehouse::test::CohereMockUpstream;
using gatehouse::test::GeminiMockUpstream;
using gatehouse::test::MockUpstream;
using json = nlohmann::json;

namespace {

const char* const kWeatherTool = R"([{"type":"function","function":{"name":"get_weather","description":"Weather now",
    "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}}}])";

QByteArray chat(const std::string& model, const std::string& text, bool stream = false, const char* tools = nullptr)
{
    json j = {{"model", model}, {"messages", json::array({{{"role", "system"}, {"content", "Be brief."}},
                                                          {{"role", "user"}, {"content", text}}})}};
    if (stream)
        j["stream"] = true;
    if (tools)
        j["tools"] = json::parse(tools);
    return QByteArray::fromStdString(j.dump());
}

// The follow-up request of a tool round trip: the assistant's tool call (as the gateway gave it) and its result.
QByteArray toolFollowUp(const std::string& model, const json& toolCall, bool stream = false)
{
    json j = {{"model", model},
              {"tools", json::parse(kWeatherTool)},
              {"messages", json::array({{{"role", "user"}, {"content", "Weather in Paris?"}},
                                        {{"role", "assistant"}, {"content", nullptr}, {"tool_calls", json::array({toolCall})}},
                                        {{"role", "tool"}, {"tool_call_id", toolCall["id"]}, {"content", "18C"}}})}};
    if (stream)
        j["stream"] = true;
    return QByteArray::fromStdString(j.dump());
}

// The JSON chunks of an SSE answer; the "[DONE]" marker is reported separately.
struct Stream {
    QList<json> chunks;
    bool done = false;
    QString text;
    json finishChunk;   // the chunk carrying a finish_reason
    json usage;
};

Stream parseStream(const HttpResponse& r)
{
    Stream s;
    for (const SseEvent& e : sseEvents(r)) {
        if (e.data == "[DONE]") {
            s.done = true;
            continue;
        }
        const json j = json::parse(e.data.toStdString(), nullptr, false);
        s.chunks << j;
        if (!j.is_object() || !j.contains("choices"))
            continue;
        for (const auto& c : j["choices"]) {
            if (c["delta"].contains("content") && c["delta"]["content"].is_string())
                s.text += QString::fromStdString(c["delta"]["content"].get<std::string>());
            if (!c["finish_reason"].is_null())
                s.finishChunk = j;
        }
        if (j.contains("usage") && j["usage"].is_object())
            s.usage = j["usage"];
    }
    return s;
}

// Tool-call deltas folded by index, as OpenAI clients do.
json foldToolCalls(const Stream& s)
{
    json calls = json::array();
    for (const json& chunk : s.chunks) {
        if (!chunk.contains("choices"))
            continue;
        for (const auto& c : chunk["choices"]) {
            if (!c["delta"].contains("tool_calls"))
                continue;
            for (const auto& d : c["delta"]["tool_calls"]) {
                const std::size_t i = d["index"].get<std::size_t>();
                while (calls.size() <= i)
                    calls.push_back({{"id", ""}, {"type", "function"}, {"function", {{"name", ""}, {"arguments", ""}}}});
                if (d.contains("id"))
                    calls[i]["id"] = d["id"];
                if (d.contains("function") && d["function"].contains("name"))
                    calls[i]["function"]["name"] = d["function"]["name"];
                if (d.contains("function") && d["function"].contains("arguments"))
                    calls[i]["function"]["arguments"] = calls[i]["function"]["arguments"].get<std::string>() +
                                                        d["function"]["arguments"].get<std::string>();
            }
        }
    }
    return calls;
}

} // namespace

// QCOMPARE cannot print nlohmann::json (its conversions confuse QTest's toString).
#define JSON_COMPARE(actual, expected)                                                              \
    do {                                                                                            \
        const json a_ = (actual), e_ = (expected);                                                  \
        QVERIFY2(a_ == e_, ("\nactual:   " + a_.dump() + "\nexpected: " + e_.dump()).c_str());    \
    } while (false)

class TestNativeProvidersGateway : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();

    void anthropicPlainChat();
    void anthropicStream();
    void anthropicToolCallRoundTrip();
    void anthropicToolCallStream();
    void anthropicVersionFromForwardedHeader();
    void anthropicVersionFromClientHeaders();
    void anthropicErrorKeepsStatus();
    void anthropicStreamError();
    void googlePlainChat();
    void googleStream();
    void googleToolCallRoundTripKeepsThoughtSignature();
    void googleToolCallStream();
    void googleErrors();
    void googleMissingKeyReachesProvider();
    void googleBlockedPrompt();
    void googleEmbeddings();
    void recordsCarryTheCatalogCost();
    void modelsFromTheCatalog();
    void azureChatAndEmbeddings();
    void azureStreamAndErrors();
    void azureConfigTarget();
    void cohereChatPlainAndStream();
    void cohereToolCallRoundTrip();
    void cohereEmbeddings();
    void cohereErrorsAndBadInput();
    void bedrockPlainAndSigned();
    void bedrockStreamFromEventFrames();
    void bedrockToolCalls();
    void bedrockErrorsAndCredentials();

private:
    RawHeaders headers(const char* provider, const QString& host, const QByteArray& key = "sk-test", const RawHeaders& extra = {}) const
    {
        RawHeaders h{{"x-portkey-provider", provider}, {"x-portkey-custom-host", host.toUtf8()}, {"Content-Type", "application/json"}};
        if (!key.isEmpty())
            h.append({"Authorization", "Bearer " + key});
        return h + extra;
    }
    std::optional<HttpResponse> post(const QByteArray& path, const RawHeaders& h, const QByteArray& body)
    {
        return roundTrip(gw_.port(), httpRequest("POST", path, h, body), 10000);
    }
    std::optional<HttpResponse> anthropic(const QByteArray& body, const RawHeaders& extra = {})
    {
        return post("/v1/chat/completions", headers("anthropic", anthropic_.baseUrl(), "sk-ant-test", extra), body);
    }
    std::optional<HttpResponse> google(const QByteArray& body, const QByteArray& path = "/v1/chat/completions")
    {
        return post(path, headers("google", gemini_.baseUrl(), "AIza-test"), body);
    }

    GatewayHarness gw_;
    AnthropicMockUpstream anthropic_;
    GeminiMockUpstream gemini_;
    CohereMockUpstream cohere_;
    BedrockMockUpstream bedrock_;
    std::optional<HttpResponse> bedrock(const QByteArray& body, const RawHeaders& extra = {})
    {
        RawHeaders h{{"x-portkey-provider", "bedrock"}, {"x-portkey-custom-host", bedrock_.baseUrl().toUtf8()},
                     {"x-portkey-aws-access-key-id", "AKIDEXAMPLE"}, {"x-portkey-aws-secret-access-key", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
                     {"x-portkey-aws-region", "eu-west-3"}, {"Content-Type", "application/json"}};
        return post("/v1/chat/completions", h + extra, body);
    }
    std::optional<HttpResponse> cohere(const QByteArray& body, const QByteArray& path = "/v1/chat/completions", const RawHeaders& extra = {})
    {
        return post(path, headers("cohere", cohere_.baseUrl(), "co-test", extra), body);
    }
    MockUpstream openai_;   // Azure OpenAI speaks OpenAI's format on its own paths
    QString azureHost(const char* prefix = "") const { return QStringLiteral("http://127.0.0.1:%1%2/openai").arg(openai_.port()).arg(QLatin1String(prefix)); }
    RawHeaders azureHeaders(const QString& host, const RawHeaders& extra = {}, const QByteArray& version = "2024-10-21") const
    {
        RawHeaders h{{"x-portkey-provider", "azure-openai"}, {"x-portkey-custom-host", host.toUtf8()},
                     {"x-portkey-azure-deployment-id", "gpt4o-prod"}, {"x-portkey-azure-api-version", version},
                     {"Authorization", "Bearer az-secret"}, {"Content-Type", "application/json"}};
        return h + extra;
    }
};

void TestNativeProvidersGateway::initTestCase()
{
    QVERIFY(anthropic_.listen());
    QVERIFY(gemini_.listen());
    QVERIFY(openai_.listen());
    QVERIFY(cohere_.listen());
    QVERIFY(bedrock_.listen());
    QVERIFY(gw_.start());
}

void TestNativeProvidersGateway::cleanupTestCase()
{
    gw_.service().stopAndWait();
}

void TestNativeProvidersGateway::init()
{
    anthropic_.clear();
    gemini_.clear();
    openai_.clear();
    cohere_.clear();
    bedrock_.clear();
    gw_.clearRecords();
}

void TestNativeProvidersGateway::anthropicPlainChat()
{
    const auto r = anthropic(chat("claude-mock", "hello claude"), {{"x-portkey-trace-id", "t-anthropic-plain"}});
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(r->header("x-portkey-provider"), QByteArray("anthropic"));
    QVERIFY(r->header("content-type").startsWith("application/json"));
    const json j = r->json();
    QVERIFY2(j.is_object(), r->body.constData());
    JSON_COMPARE(j["object"], json("chat.completion"));
    JSON_COMPARE(j["id"], json("msg_mock_1"));
    JSON_COMPARE(j["model"], json("claude-mock"));
    JSON_COMPARE(j["choices"][0]["message"]["content"], json("Hello from Anthropic mock: hello claude"));
    JSON_COMPARE(j["choices"][0]["finish_reason"], json("stop"));
    QCOMPARE(j["usage"]["prompt_tokens"].get<int>(), 15);   // 12 + 3 read from the cache
    QCOMPARE(j["usage"]["completion_tokens"].get<int>(), 7);
    QCOMPARE(j["usage"]["total_tokens"].get<int>(), 22);
    QCOMPARE(j["usage"]["prompt_tokens_details"]["cached_tokens"].get<int>(), 3);

    QCOMPARE(anthropic_.requestCount(), 1);
    const auto up = anthropic_.lastRequest();
    QCOMPARE(up.path, QByteArray("/v1/messages"));
    QCOMPARE(up.header("x-api-key"), QByteArray("sk-ant-test"));
    QCOMPARE(up.header("anthropic-version"), QByteArray("2023-06-01"));
    QVERIFY(up.header("authorization").isEmpty());
    const json sent = json::parse(up.body.toStdString());
    JSON_COMPARE(sent["system"], json::parse(R"([{"type":"text","text":"Be brief."}])"));
    QCOMPARE(sent["max_tokens"].get<int>(), 4096);

    const RequestRecord* rec = nullptr;   // records arrive in batches, maybe behind earlier tests' ones
    QVERIFY(QTest::qWaitFor([&] { return (rec = gw_.recordByTrace(QStringLiteral("t-anthropic-plain"))) != nullptr; }, 5000));
    QCOMPARE(rec->provider, QStringLiteral("anthropic"));
    QCOMPARE(rec->promptTokens, 15);
    QCOMPARE(rec->completionTokens, 7);
    QCOMPARE(rec->totalTokens, 22);
}

void TestNativeProvidersGateway::anthropicStream()
{
    const auto r = anthropic(chat("claude-mock", "stream please", true), {{"x-portkey-trace-id", "t-anthropic-stream"}});
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QVERIFY(r->header("content-type").startsWith("text/event-stream"));
    QVERIFY(r->chunkedTerminatorSeen);
    const Stream s = parseStream(*r);
    QVERIFY2(s.done, r->body.constData());
    QCOMPARE(s.text, QStringLiteral("Hello from Anthropic mock: stream please"));
    JSON_COMPARE(s.chunks.first()["choices"][0]["delta"]["role"], json("assistant"));
    for (const json& c : s.chunks) {
        JSON_COMPARE(c["object"], json("chat.completion.chunk"));
        JSON_COMPARE(c["id"], json("msg_mock_1"));
    }
    JSON_COMPARE(s.finishChunk["choices"][0]["finish_reason"], json("stop"));
    QCOMPARE(s.usage["completion_tokens"].get<int>(), 7);
    QCOMPARE(s.usage["total_tokens"].get<int>(), 22);
    JSON_COMPARE(json::parse(anthropic_.lastRequest().body.toStdString())["stream"], json(true));

    const RequestRecord* rec = nullptr;   // records arrive in batches, maybe behind earlier tests' ones
    QVERIFY(QTest::qWaitFor([&] { return (rec = gw_.recordByTrace(QStringLiteral("t-anthropic-stream"))) != nullptr; }, 5000));
    QVERIFY(rec->stream);
    QCOMPARE(rec->totalTokens, 22);   // read from the mapped stream's usage chunk
}

void TestNativeProvidersGateway::anthropicToolCallRoundTrip()
{
    const auto r = anthropic(chat("claude-tool", "Weather in Paris?", false, kWeatherTool));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    const json j = r->json();
    JSON_COMPARE(j["choices"][0]["finish_reason"], json("tool_calls"));
    const json call = j["choices"][0]["message"]["tool_calls"][0];
    JSON_COMPARE(call["id"], json("toolu_mock_1"));
    JSON_COMPARE(call["type"], json("function"));
    JSON_COMPARE(call["function"]["name"], json("get_weather"));
    JSON_COMPARE(json::parse(call["function"]["arguments"].get<std::string>()), json::parse(R"({"city":"Paris"})"));
    const json sentTools = json::parse(anthropic_.lastRequest().body.toStdString())["tools"];
    JSON_COMPARE(sentTools[0]["name"], json("get_weather"));
    QVERIFY(sentTools[0].contains("input_schema"));

    const auto r2 = anthropic(toolFollowUp("claude-tool", call));
    QVERIFY(r2);
    QCOMPARE(r2->status, 200);
    JSON_COMPARE(r2->json()["choices"][0]["message"]["content"], json("Tool said: 18C"));
    const json sent = json::parse(anthropic_.lastRequest().body.toStdString());
    JSON_COMPARE(sent["messages"][1]["content"][0]["type"], json("tool_use"));
    JSON_COMPARE(sent["messages"][2]["content"][0],
             json::parse(R"({"type":"tool_result","tool_use_id":"toolu_mock_1","content":"18C"})"));
}

void TestNativeProvidersGateway::anthropicToolCallStream()
{
    const auto r = anthropic(chat("claude-tool", "Weather in Paris?", true, kWeatherTool));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    const Stream s = parseStream(*r);
    QVERIFY(s.done);
    QCOMPARE(s.text, QStringLiteral("Let me check."));
    const json calls = foldToolCalls(s);
    QCOMPARE(calls.size(), std::size_t(1));
    JSON_COMPARE(calls[0]["id"], json("toolu_mock_1"));
    JSON_COMPARE(calls[0]["function"]["name"], json("get_weather"));
    JSON_COMPARE(json::parse(calls[0]["function"]["arguments"].get<std::string>()), json::parse(R"({"city":"Paris"})"));
    JSON_COMPARE(s.finishChunk["choices"][0]["finish_reason"], json("tool_calls"));
}

void TestNativeProvidersGateway::anthropicVersionFromForwardedHeader()
{
    const auto r = anthropic(chat("claude-mock", "hi"), {{"x-portkey-forward-headers", "anthropic-version,anthropic-beta"},
                                                        {"anthropic-version", "2024-10-22"},
                                                        {"anthropic-beta", "prompt-caching-2024-07-31"}});
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    const auto up = anthropic_.lastRequest();
    QCOMPARE(up.header("anthropic-version"), QByteArray("2024-10-22"));
    QCOMPARE(up.header("anthropic-beta"), QByteArray("prompt-caching-2024-07-31"));
    int versions = 0;
    for (const auto& h : up.headers)
        versions += h.first == "anthropic-version" ? 1 : 0;
    QCOMPARE(versions, 1);
}

void TestNativeProvidersGateway::anthropicVersionFromClientHeaders()
{
    // Anthropic's SDK sends anthropic-version / anthropic-beta; Portkey's SDK sends the x-portkey- forms,
    // which win. Neither needs x-portkey-forward-headers.
    auto r = anthropic(chat("claude-mock", "hi"), {{"anthropic-version", "2024-10-22"}, {"anthropic-beta", "tools-2024-05-16"}});
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(anthropic_.lastRequest().header("anthropic-version"), QByteArray("2024-10-22"));
    QCOMPARE(anthropic_.lastRequest().header("anthropic-beta"), QByteArray("tools-2024-05-16"));

    r = anthropic(chat("claude-mock", "hi"), {{"anthropic-version", "2024-10-22"},
                                              {"x-portkey-anthropic-version", "2025-01-01"},
                                              {"x-portkey-anthropic-beta", "prompt-caching-2024-07-31"}});
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(anthropic_.lastRequest().header("anthropic-version"), QByteArray("2025-01-01"));
    QCOMPARE(anthropic_.lastRequest().header("anthropic-beta"), QByteArray("prompt-caching-2024-07-31"));
}

void TestNativeProvidersGateway::anthropicErrorKeepsStatus()
{
    for (const auto& [model, status, type] : {std::tuple{"claude-error-429", 429, "rate_limit_error"},
                                              std::tuple{"claude-error-529", 529, "overloaded_error"},
                                              std::tuple{"claude-error-400", 400, "invalid_request_error"}}) {
        for (bool stream : {false, true}) {
            const auto r = anthropic(chat(model, "x", stream));
            QVERIFY(r);
            QCOMPARE(r->status, status);
            QVERIFY(r->header("content-type").startsWith("application/json"));
            const json j = r->json();
            QVERIFY2(j.is_object() && j.size() == 1 && j.contains("error"), r->body.constData());
            JSON_COMPARE(j["error"]["type"], json(type));
            JSON_COMPARE(j["error"]["message"], json(std::string("mock ") + type));
            QVERIFY(j["error"].contains("param") && j["error"].contains("code"));
        }
    }
}

void TestNativeProvidersGateway::anthropicStreamError()
{
    const auto r = anthropic(chat("claude-stream-error", "x", true));
    QVERIFY(r);
    QCOMPARE(r->status, 200);   // the error came after the head
    const Stream s = parseStream(*r);
    QVERIFY(!s.done);
    QVERIFY(!s.chunks.isEmpty());
    JSON_COMPARE(s.chunks.last()["error"]["type"], json("overloaded_error"));
    JSON_COMPARE(s.chunks.last()["error"]["message"], json("Overloaded"));
}

void TestNativeProvidersGateway::googlePlainChat()
{
    const auto r = post("/v1/chat/completions",
                        headers("google", gemini_.baseUrl(), "AIza-test", {{"x-portkey-trace-id", "t-google-plain"}}),
                        chat("gemini-mock", "hi gemini"));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(r->header("x-portkey-provider"), QByteArray("google"));
    const json j = r->json();
    JSON_COMPARE(j["object"], json("chat.completion"));
    JSON_COMPARE(j["id"], json("resp-mock-1"));
    JSON_COMPARE(j["model"], json("gemini-mock"));
    JSON_COMPARE(j["choices"][0]["message"]["content"], json("Hello from Gemini mock: hi gemini"));
    JSON_COMPARE(j["choices"][0]["finish_reason"], json("stop"));
    JSON_COMPARE(j["usage"], json::parse(R"({"prompt_tokens":9,"completion_tokens":8,"total_tokens":17,
                                         "completion_tokens_details":{"reasoning_tokens":2}})"));

    const auto up = gemini_.lastRequest();
    QCOMPARE(up.target, QByteArray("/v1beta/models/gemini-mock:generateContent"));   // no ?key=
    QCOMPARE(up.header("x-goog-api-key"), QByteArray("AIza-test"));
    QVERIFY(up.header("authorization").isEmpty());
    const json sent = json::parse(up.body.toStdString());
    JSON_COMPARE(sent["systemInstruction"], json::parse(R"({"parts":[{"text":"Be brief."}]})"));
    JSON_COMPARE(sent["contents"], json::parse(R"([{"role":"user","parts":[{"text":"hi gemini"}]}])"));

    const RequestRecord* rec = nullptr;   // records arrive in batches, maybe behind earlier tests' ones
    QVERIFY(QTest::qWaitFor([&] { return (rec = gw_.recordByTrace(QStringLiteral("t-google-plain"))) != nullptr; }, 5000));
    QVERIFY(!rec->upstreamUrl.contains(QStringLiteral("AIza")));
    QCOMPARE(rec->totalTokens, 17);
}

void TestNativeProvidersGateway::googleStream()
{
    const auto r = google(chat("gemini-mock", "stream it", true));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QVERIFY(r->header("content-type").startsWith("text/event-stream"));
    const Stream s = parseStream(*r);
    QVERIFY2(s.done, r->body.constData());
    QCOMPARE(s.text, QStringLiteral("Hello from Gemini mock: stream it"));
    JSON_COMPARE(s.chunks.first()["choices"][0]["delta"]["role"], json("assistant"));
    JSON_COMPARE(s.finishChunk["choices"][0]["finish_reason"], json("stop"));
    QCOMPARE(s.usage["total_tokens"].get<int>(), 17);
    QCOMPARE(gemini_.lastRequest().target, QByteArray("/v1beta/models/gemini-mock:streamGenerateContent?alt=sse"));
}

void TestNativeProvidersGateway::googleToolCallRoundTripKeepsThoughtSignature()
{
    const auto r = google(chat("gemini-3-tool", "Weather in Paris?", false, kWeatherTool));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    const json j = r->json();
    JSON_COMPARE(j["choices"][0]["finish_reason"], json("tool_calls"));
    const json call = j["choices"][0]["message"]["tool_calls"][0];
    QVERIFY(call["id"].get<std::string>().rfind("call_", 0) == 0);
    JSON_COMPARE(call["function"]["name"], json("get_weather"));
    JSON_COMPARE(json::parse(call["function"]["arguments"].get<std::string>()), json::parse(R"({"city":"Paris"})"));
    const json declared = json::parse(gemini_.lastRequest().body.toStdString())["tools"][0]["functionDeclarations"][0];
    QVERIFY(!declared["parameters"].contains("additionalProperties"));   // Gemini refuses it

    const auto r2 = google(toolFollowUp("gemini-3-tool", call));
    QVERIFY(r2);
    QCOMPARE(r2->status, 200);
    JSON_COMPARE(r2->json()["choices"][0]["message"]["content"], json("Tool said: 18C"));
    const json sent = json::parse(gemini_.lastRequest().body.toStdString());
    JSON_COMPARE(sent["contents"][1]["parts"][0],
             json::parse(R"({"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"sig-mock-1"})"));
    JSON_COMPARE(sent["contents"][2]["parts"][0],
             json::parse(R"({"functionResponse":{"name":"get_weather","response":{"output":"18C"}}})"));
}

void TestNativeProvidersGateway::googleToolCallStream()
{
    const auto r = google(chat("gemini-tool", "Weather in Paris?", true, kWeatherTool));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    const Stream s = parseStream(*r);
    QVERIFY(s.done);
    const json calls = foldToolCalls(s);
    QCOMPARE(calls.size(), std::size_t(1));
    JSON_COMPARE(calls[0]["function"]["name"], json("get_weather"));
    JSON_COMPARE(json::parse(calls[0]["function"]["arguments"].get<std::string>()), json::parse(R"({"city":"Paris"})"));
    JSON_COMPARE(s.finishChunk["choices"][0]["finish_reason"], json("tool_calls"));

    // The streamed call's signature was kept too.
    const auto r2 = google(toolFollowUp("gemini-tool", calls[0], true));
    QVERIFY(r2);
    const json sent = json::parse(gemini_.lastRequest().body.toStdString());
    JSON_COMPARE(sent["contents"][1]["parts"][0]["thoughtSignature"], json("sig-mock-1"));
    QCOMPARE(parseStream(*r2).text, QStringLiteral("Tool said: 18C"));
}

void TestNativeProvidersGateway::googleErrors()
{
    for (const auto& [model, status, code] : {std::tuple{"gemini-error-429", 429, "RESOURCE_EXHAUSTED"},
                                              std::tuple{"gemini-error-400", 400, "INVALID_ARGUMENT"},
                                              std::tuple{"gemini-error-503", 503, "UNAVAILABLE"}}) {
        for (bool stream : {false, true}) {
            const auto r = google(chat(model, "x", stream));
            QVERIFY(r);
            const QString problem = openAiErrorProblem(*r, status, QString::fromLatin1(code));
            QVERIFY2(problem.isEmpty(), qPrintable(problem));
        }
    }
    const auto r = google(chat("gemini-stream-error", "x", true));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    const Stream s = parseStream(*r);
    QVERIFY(!s.done);
    JSON_COMPARE(s.chunks.last()["error"]["code"], json("UNAVAILABLE"));
}

void TestNativeProvidersGateway::googleMissingKeyReachesProvider()
{
    // With a custom host the gateway lets a keyless call through (a local proxy may add the key);
    // Gemini's own refusal comes back in OpenAI's shape with its status.
    const auto r = post("/v1/chat/completions", headers("google", gemini_.baseUrl(), QByteArray()), chat("gemini-mock", "x"));
    QVERIFY(r);
    const QString problem = openAiErrorProblem(*r, 403, QStringLiteral("PERMISSION_DENIED"));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    JSON_COMPARE(r->json()["error"]["type"], json("permission_error"));
}

void TestNativeProvidersGateway::googleBlockedPrompt()
{
    const auto r = google(chat("gemini-blocked", "something bad"));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    const json j = r->json();
    JSON_COMPARE(j["choices"][0]["finish_reason"], json("content_filter"));
    JSON_COMPARE(j["choices"][0]["message"]["content"], json(""));
}

void TestNativeProvidersGateway::googleEmbeddings()
{
    const auto r = google(R"({"model":"text-embedding-004","input":["a","b"]})", "/v1/embeddings");
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    const json j = r->json();
    JSON_COMPARE(j["object"], json("list"));
    QCOMPARE(j["data"].size(), std::size_t(2));
    QCOMPARE(j["data"][1]["index"].get<int>(), 1);
    JSON_COMPARE(j["data"][1]["embedding"], json::parse("[0.25,0.5,-0.125]"));
    JSON_COMPARE(j["model"], json("text-embedding-004"));   // Gemini's answer does not name it
    QCOMPARE(gemini_.lastRequest().target, QByteArray("/v1beta/models/text-embedding-004:batchEmbedContents"));
}

void TestNativeProvidersGateway::recordsCarryTheCatalogCost()
{
    // claude-3-5-haiku-20241022: $0.80 in, $0.08 cache read, $4 out per 1M. The mock reports 12 plain
    // + 3 cached prompt tokens and 7 output tokens.
    const double expected = (12 * 0.8 + 3 * 0.08 + 7 * 4.0) / 1e6;
    for (bool stream : {false, true}) {
        const QByteArray trace = stream ? "t-cost-stream" : "t-cost-plain";
        const auto r = anthropic(chat("claude-3-5-haiku-20241022", "hi", stream), {{"x-portkey-trace-id", trace}});
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        const RequestRecord* rec = nullptr;
        QVERIFY(QTest::qWaitFor([&] { return (rec = gw_.recordByTrace(QString::fromLatin1(trace))) != nullptr; }, 5000));
        QVERIFY(rec->priceKnown);
        QVERIFY2(qAbs(rec->costUsd - expected) < 1e-12, qPrintable(QString::number(rec->costUsd, 'g', 17)));
        const json j = json::parse(recordJson(*rec).toStdString());
        QVERIFY(j["price_known"].get<bool>());
        QVERIFY(qAbs(j["cost_usd"].get<double>() - expected) < 1e-12);
    }

    // A model the catalog does not price is flagged, not free.
    const auto r = anthropic(chat("claude-mock", "hi"), {{"x-portkey-trace-id", "t-cost-unknown"}});
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    const RequestRecord* rec = nullptr;
    QVERIFY(QTest::qWaitFor([&] { return (rec = gw_.recordByTrace(QStringLiteral("t-cost-unknown"))) != nullptr; }, 5000));
    QCOMPARE(rec->totalTokens, 22);
    QVERIFY(!rec->priceKnown);
    QVERIFY(json::parse(recordJson(*rec).toStdString())["cost_usd"].is_null());

    // Gemini embeddings: the attempt's model prices the record even though the answer names none.
    const auto e = post("/v1/embeddings", headers("google", gemini_.baseUrl(), "AIza-test", {{"x-portkey-trace-id", "t-cost-embed"}}),
                        R"({"model":"gemini-embedding-001","input":["a"]})");
    QVERIFY(e);
    QCOMPARE(e->status, 200);
    QVERIFY(QTest::qWaitFor([&] { return (rec = gw_.recordByTrace(QStringLiteral("t-cost-embed"))) != nullptr; }, 5000));
    QCOMPARE(rec->model, QStringLiteral("gemini-embedding-001"));
}

void TestNativeProvidersGateway::modelsFromTheCatalog()
{
    auto get = [this](const RawHeaders& h) { return roundTrip(gw_.port(), httpRequest("GET", "/v1/models", h), 10000); };

    // No provider: the whole catalog, in OpenAI's list shape.
    auto r = get({});
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(r->header("x-gatehouse-models-source"), QByteArray("catalog"));
    json j = r->json();
    JSON_COMPARE(j["object"], json("list"));
    QVERIFY(j["data"].size() >= 150);
    std::set<std::string> providers;
    for (const auto& m : j["data"]) {
        JSON_COMPARE(m["object"], json("model"));
        QVERIFY(m["id"].is_string() && m["owned_by"].is_string());
        providers.insert(m["provider"].get<std::string>());
    }
    QVERIFY(providers.count("anthropic") && providers.count("google") && providers.count("openai"));

    // A provider without a models endpoint: its catalog models only, with prices.
    r = get({{"x-portkey-provider", "anthropic"}});
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    j = r->json();
    QVERIFY(j["data"].size() >= 10);
    bool haiku = false;
    for (const auto& m : j["data"]) {
        JSON_COMPARE(m["provider"], json("anthropic"));
        if (m["id"] == "claude-3-5-haiku-20241022") {
            haiku = true;
            QCOMPARE(m["pricing"]["input"].get<double>(), 0.8);
            QCOMPARE(m["context_window"].get<int>(), 200000);
        }
    }
    QVERIFY(haiku);
    QCOMPARE(anthropic_.requestCount(), 0);   // nothing was asked upstream

    // OpenAI without a key: the catalog; with a key the provider's live list is proxied (Portkey's way),
    // which tst_gateway_proxy covers.
    r = get({{"x-portkey-provider", "openai"}});
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QVERIFY(r->json()["data"].size() >= 20);
    QCOMPARE(r->header("x-gatehouse-models-source"), QByteArray("catalog"));

    // An unknown provider is still the pipeline's clear 400.
    r = get({{"x-portkey-provider", "nope"}});
    QVERIFY(r);
    QCOMPARE(r->status, 400);
    JSON_COMPARE(r->json()["error"]["param"], json("x-portkey-provider"));
}

void TestNativeProvidersGateway::azureChatAndEmbeddings()
{
    auto r = post("/v1/chat/completions", azureHeaders(azureHost(), {{"x-portkey-trace-id", "t-azure"}}), chat("gpt-4o", "hi azure"));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(r->header("x-portkey-provider"), QByteArray("azure-openai"));
    JSON_COMPARE(r->json()["object"], json("chat.completion"));
    auto up = openai_.received().last();
    QCOMPARE(up.path, QByteArray("/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21"));
    QCOMPARE(up.header("api-key"), QByteArray("az-secret"));
    QVERIFY(up.header("authorization").isEmpty());

    const RequestRecord* rec = nullptr;
    QVERIFY(QTest::qWaitFor([&] { return (rec = gw_.recordByTrace(QStringLiteral("t-azure"))) != nullptr; }, 5000));
    QVERIFY(!rec->upstreamUrl.contains(QStringLiteral("az-secret")));
    QVERIFY(!recordJson(*rec).contains(QStringLiteral("az-secret")));

    r = post("/v1/embeddings", azureHeaders(azureHost()), R"({"model":"text-embedding-3-small","input":"x"})");
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(openai_.received().last().path, QByteArray("/openai/deployments/gpt4o-prod/embeddings?api-version=2024-10-21"));

    // Azure's version-less API.
    r = post("/v1/chat/completions", azureHeaders(azureHost(), {}, "v1"), chat("gpt-4o", "v1"));
    QVERIFY(r);
    QCOMPARE(openai_.received().last().path, QByteArray("/openai/v1/chat/completions"));
}

void TestNativeProvidersGateway::azureStreamAndErrors()
{
    auto r = post("/v1/chat/completions", azureHeaders(azureHost()), chat("gpt-4o", "stream", true));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    const Stream s = parseStream(*r);
    QVERIFY(s.done);
    QVERIFY(!s.chunks.isEmpty());

    // Azure's errors are OpenAI-shaped: status and message reach the client as they were.
    for (int status : {401, 404, 429, 500}) {
        r = post("/v1/chat/completions", azureHeaders(azureHost(qPrintable(QStringLiteral("/status/%1").arg(status)))), chat("gpt-4o", "x"));
        QVERIFY(r);
        QCOMPARE(r->status, status);
        QVERIFY(r->json()["error"]["message"].is_string());
        if (status == 429)
            QCOMPARE(r->header("retry-after"), QByteArray("1"));
    }

    // What Azure cannot be asked without: a 400 naming the header, before any upstream call.
    const int before = openai_.requestCount();
    RawHeaders h = azureHeaders(azureHost());
    h.removeIf([](const auto& p) { return p.first == "x-portkey-azure-deployment-id"; });
    r = post("/v1/chat/completions", h, chat("gpt-4o", "x"));
    QVERIFY(r);
    QCOMPARE(r->status, 400);
    JSON_COMPARE(r->json()["error"]["param"], json("x-portkey-azure-deployment-id"));
    QCOMPARE(openai_.requestCount(), before);
}

void TestNativeProvidersGateway::azureConfigTarget()
{
    const json config = {{"provider", "azure-openai"}, {"api_key", "cfg-secret"}, {"custom_host", azureHost().toStdString()},
                         {"deployment_id", "cfg-dep"}, {"api_version", "2025-01-01-preview"}};
    const auto r = post("/v1/chat/completions", {{"x-portkey-config", QByteArray::fromStdString(config.dump())}, {"Content-Type", "application/json"}},
                        chat("gpt-4o", "via config"));
    QVERIFY(r);
    QVERIFY2(r->status == 200, r->body.constData());
    const auto up = openai_.received().last();
    QCOMPARE(up.path, QByteArray("/openai/deployments/cfg-dep/chat/completions?api-version=2025-01-01-preview"));
    QCOMPARE(up.header("api-key"), QByteArray("cfg-secret"));
}

void TestNativeProvidersGateway::cohereChatPlainAndStream()
{
    auto r = cohere(chat("command-r", "hello cohere"), "/v1/chat/completions", {{"x-portkey-trace-id", "t-cohere"}});
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    json j = r->json();
    JSON_COMPARE(j["object"], json("chat.completion"));
    JSON_COMPARE(j["model"], json("command-r"));
    JSON_COMPARE(j["choices"][0]["message"]["content"], json("Hello from Cohere mock: hello cohere"));
    JSON_COMPARE(j["choices"][0]["finish_reason"], json("stop"));
    JSON_COMPARE(j["usage"]["total_tokens"], json(16));   // billed units
    const auto up = cohere_.lastRequest();
    QCOMPARE(up.path, QByteArray("/v2/chat"));
    QCOMPARE(up.header("authorization"), QByteArray("Bearer co-test"));
    const json sent = json::parse(up.body.toStdString());
    JSON_COMPARE(sent["messages"][0], json::parse(R"({"role":"system","content":"Be brief."})"));

    const RequestRecord* rec = nullptr;   // command-r: $0.15 in, $0.60 out per 1M
    QVERIFY(QTest::qWaitFor([&] { return (rec = gw_.recordByTrace(QStringLiteral("t-cohere"))) != nullptr; }, 5000));
    QVERIFY(rec->priceKnown);
    QVERIFY(qAbs(rec->costUsd - (10 * 0.15 + 6 * 0.6) / 1e6) < 1e-12);

    r = cohere(chat("command-r", "stream please", true));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QVERIFY(r->header("content-type").startsWith("text/event-stream"));
    const Stream s = parseStream(*r);
    QVERIFY(s.done);
    QCOMPARE(s.text, QStringLiteral("Hello from Cohere mock: stream please"));
    JSON_COMPARE(s.finishChunk["choices"][0]["finish_reason"], json("stop"));
    JSON_COMPARE(s.usage["total_tokens"], json(16));
}

void TestNativeProvidersGateway::cohereToolCallRoundTrip()
{
    auto r = cohere(chat("command-r-tool", "Weather in Paris?", false, kWeatherTool));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    const json call = r->json()["choices"][0]["message"]["tool_calls"][0];
    JSON_COMPARE(r->json()["choices"][0]["finish_reason"], json("tool_calls"));
    JSON_COMPARE(call["function"]["name"], json("get_weather"));
    JSON_COMPARE(json::parse(call["function"]["arguments"].get<std::string>()), json::parse(R"({"city":"Paris"})"));
    JSON_COMPARE(json::parse(cohere_.lastRequest().body.toStdString())["tools"][0]["function"]["name"], json("get_weather"));

    r = cohere(toolFollowUp("command-r-tool", call));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    JSON_COMPARE(r->json()["choices"][0]["message"]["content"], json("Tool said: 18C"));
    const json sent = json::parse(cohere_.lastRequest().body.toStdString());
    JSON_COMPARE(sent["messages"][2], json({{"role", "tool"}, {"tool_call_id", call["id"]}, {"content", "18C"}}));

    // Streamed: fragments under one index, folded back into the whole call.
    r = cohere(chat("command-r-tool", "Weather in Paris?", true, kWeatherTool));
    QVERIFY(r);
    const Stream s = parseStream(*r);
    QVERIFY(s.done);
    const json calls = foldToolCalls(s);
    QCOMPARE(calls.size(), std::size_t(1));
    JSON_COMPARE(calls[0]["id"], json("get_weather_mock1"));
    JSON_COMPARE(json::parse(calls[0]["function"]["arguments"].get<std::string>()), json::parse(R"({"city":"Paris"})"));
    JSON_COMPARE(s.finishChunk["choices"][0]["finish_reason"], json("tool_calls"));
}

void TestNativeProvidersGateway::cohereEmbeddings()
{
    auto r = cohere(R"({"model":"embed-english-v3.0","input":["a","b"]})", "/v1/embeddings");
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    json j = r->json();
    JSON_COMPARE(j["object"], json("list"));
    JSON_COMPARE(j["data"][1]["embedding"], json::parse("[0.5,-0.25,1.0]"));
    JSON_COMPARE(j["usage"]["prompt_tokens"], json(6));
    QCOMPARE(cohere_.lastRequest().path, QByteArray("/v2/embed"));

    // The openai npm client asks for base64 by default.
    r = cohere(R"({"model":"embed-english-v3.0","input":"a","encoding_format":"base64"})", "/v1/embeddings");
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    const QByteArray raw = QByteArray::fromBase64(QByteArray::fromStdString(r->json()["data"][0]["embedding"].get<std::string>()));
    QCOMPARE(raw.size(), qsizetype(12));
}

void TestNativeProvidersGateway::cohereErrorsAndBadInput()
{
    for (int status : {401, 404, 429, 500}) {
        const auto r = cohere(chat(qPrintable(QStringLiteral("command-error-%1").arg(status)), "x"));
        QVERIFY(r);
        QCOMPARE(r->status, status);
        const json j = r->json();
        QVERIFY2(j.is_object() && j.size() == 1, r->body.constData());
        JSON_COMPARE(j["error"]["message"], json("mock cohere error"));
        if (status == 429)
            QCOMPARE(r->header("retry-after"), QByteArray("7"));
    }
    const int before = cohere_.requestCount();
    const auto r = cohere(R"({"model":"command-r","n":3,"messages":[{"role":"user","content":"x"}]})");
    QVERIFY(r);
    QCOMPARE(r->status, 400);
    JSON_COMPARE(r->json()["error"]["param"], json("n"));
    QVERIFY(r->json()["error"]["message"].get<std::string>().find("cohere") != std::string::npos);
    QCOMPARE(cohere_.requestCount(), before);
}

void TestNativeProvidersGateway::bedrockPlainAndSigned()
{
    const auto r = bedrock(chat("anthropic.claude-3-haiku-20240307-v1:0", "hello bedrock"),
                           {{"x-portkey-aws-session-token", "FQoGZXIvYXdzEXAMPLE"}, {"x-portkey-trace-id", "t-bedrock"}});
    QVERIFY(r);
    QVERIFY2(r->status == 200, r->body.constData());
    const json j = r->json();
    JSON_COMPARE(j["object"], json("chat.completion"));
    JSON_COMPARE(j["model"], json("anthropic.claude-3-haiku-20240307-v1:0"));
    JSON_COMPARE(j["choices"][0]["message"]["content"], json("Hello from Bedrock mock: hello bedrock"));
    JSON_COMPARE(j["choices"][0]["finish_reason"], json("stop"));
    JSON_COMPARE(j["usage"]["prompt_tokens"], json(24));   // 20 + 4 read from the cache
    JSON_COMPARE(j["usage"]["prompt_tokens_details"]["cached_tokens"], json(4));

    const auto up = bedrock_.lastRequest();
    QCOMPARE(up.path, QByteArray("/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse"));
    // Signed by libcurl's SigV4 with the request's key id, region and service.
    QVERIFY2(up.header("authorization").startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"), up.header("authorization").constData());
    QVERIFY(up.header("authorization").contains("/eu-west-3/bedrock/aws4_request"));
    QVERIFY(!up.header("x-amz-date").isEmpty());
    QCOMPARE(up.header("x-amz-security-token"), QByteArray("FQoGZXIvYXdzEXAMPLE"));
    QVERIFY(!up.header("authorization").contains("wJalrXUtnFEMI"));   // the secret signs, it is never sent
    const json sent = json::parse(up.body.toStdString());
    JSON_COMPARE(sent["system"], json::parse(R"([{"text":"Be brief."}])"));
    JSON_COMPARE(sent["messages"][0], json::parse(R"({"role":"user","content":[{"text":"hello bedrock"}]})"));

    const RequestRecord* rec = nullptr;
    QVERIFY(QTest::qWaitFor([&] { return (rec = gw_.recordByTrace(QStringLiteral("t-bedrock"))) != nullptr; }, 5000));
    QVERIFY(!recordJson(*rec).contains(QStringLiteral("wJalrXUtnFEMI")));
    QVERIFY(!recordJson(*rec).contains(QStringLiteral("FQoGZXIvYXdzEXAMPLE")));
}

void TestNativeProvidersGateway::bedrockStreamFromEventFrames()
{
    auto r = bedrock(chat("amazon.nova-lite-v1:0", "stream please", true));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QVERIFY(r->header("content-type").startsWith("text/event-stream"));
    Stream s = parseStream(*r);
    QVERIFY2(s.done, r->body.constData());
    QCOMPARE(s.text, QStringLiteral("Hello from Bedrock mock: stream please"));
    JSON_COMPARE(s.finishChunk["choices"][0]["finish_reason"], json("stop"));
    JSON_COMPARE(s.usage["total_tokens"], json(33));
    QVERIFY(bedrock_.lastRequest().path.endsWith("/converse-stream"));

    r = bedrock(chat("amazon.nova-stream-exception", "x", true));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    s = parseStream(*r);
    QVERIFY(!s.done);
    JSON_COMPARE(s.chunks.last()["error"]["message"], json("Too many requests, please wait before trying again."));
    JSON_COMPARE(s.chunks.last()["error"]["code"], json("throttlingException"));
}

void TestNativeProvidersGateway::bedrockToolCalls()
{
    auto r = bedrock(chat("anthropic.claude-tool", "Weather in Paris?", false, kWeatherTool));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    const json call = r->json()["choices"][0]["message"]["tool_calls"][0];
    JSON_COMPARE(r->json()["choices"][0]["finish_reason"], json("tool_calls"));
    JSON_COMPARE(call["id"], json("tooluse_mock1"));
    JSON_COMPARE(json::parse(call["function"]["arguments"].get<std::string>()), json::parse(R"({"city":"Paris"})"));
    const json sentTools = json::parse(bedrock_.lastRequest().body.toStdString())["toolConfig"]["tools"];
    JSON_COMPARE(sentTools[0]["toolSpec"]["name"], json("get_weather"));
    QVERIFY(sentTools[0]["toolSpec"]["inputSchema"].contains("json"));

    r = bedrock(toolFollowUp("anthropic.claude-tool", call));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    JSON_COMPARE(r->json()["choices"][0]["message"]["content"], json("Tool said: 18C"));
    const json sent = json::parse(bedrock_.lastRequest().body.toStdString());
    JSON_COMPARE(sent["messages"][1]["content"][0]["toolUse"]["toolUseId"], json("tooluse_mock1"));
    JSON_COMPARE(sent["messages"][2]["content"][0]["toolResult"],
                 json::parse(R"({"toolUseId":"tooluse_mock1","content":[{"text":"18C"}]})"));

    r = bedrock(chat("anthropic.claude-tool", "Weather in Paris?", true, kWeatherTool));
    QVERIFY(r);
    const Stream s = parseStream(*r);
    QVERIFY(s.done);
    const json calls = foldToolCalls(s);
    QCOMPARE(calls.size(), std::size_t(1));
    JSON_COMPARE(json::parse(calls[0]["function"]["arguments"].get<std::string>()), json::parse(R"({"city":"Paris"})"));
    JSON_COMPARE(s.finishChunk["choices"][0]["finish_reason"], json("tool_calls"));
}

void TestNativeProvidersGateway::bedrockErrorsAndCredentials()
{
    for (int status : {400, 404, 429, 500}) {
        const auto r = bedrock(chat(qPrintable(QStringLiteral("model-error-%1").arg(status)), "x"));
        QVERIFY(r);
        QCOMPARE(r->status, status);
        JSON_COMPARE(r->json()["error"]["message"], json("mock bedrock error"));
    }
    const int before = bedrock_.requestCount();
    auto r = post("/v1/chat/completions", {{"x-portkey-provider", "bedrock"}, {"x-portkey-custom-host", bedrock_.baseUrl().toUtf8()},
                                           {"Content-Type", "application/json"}}, chat("m", "x"));
    QVERIFY(r);
    QCOMPARE(r->status, 401);
    QVERIFY(r->json()["error"]["message"].get<std::string>().find("x-portkey-aws-access-key-id") != std::string::npos);
    r = post("/v1/chat/completions", {{"x-portkey-provider", "bedrock"}, {"x-portkey-custom-host", bedrock_.baseUrl().toUtf8()},
                                      {"x-portkey-aws-access-key-id", "AKID"}, {"x-portkey-aws-secret-access-key", "s"},
                                      {"x-portkey-aws-region", "../x"}, {"Content-Type", "application/json"}}, chat("m", "x"));
    QVERIFY(r);
    QCOMPARE(r->status, 400);
    JSON_COMPARE(r->json()["error"]["param"], json("x-portkey-aws-region"));
    r = bedrock(R"({"model":"m","n":2,"messages":[{"role":"user","content":"x"}]})");
    QVERIFY(r);
    QCOMPARE(r->status, 400);
    JSON_COMPARE(r->json()["error"]["param"], json("n"));
    QCOMPARE(bedrock_.requestCount(), before);
}

QTEST_GUILESS_MAIN(TestNativeProvidersGateway)
#include "tst_native_providers_gateway.moc"
