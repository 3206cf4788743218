// POST /v1/messages through the running gateway: Anthropic Messages requests routed to the mock
// provider, an OpenAI-compatible upstream and an Anthropic upstream, plain, streamed and with tools;
// answers and errors in Anthropic's shapes; records with the /v1/messages path, usage and routing.
#include "integration_support.h"

#include "anthropic_mock_upstream.h"
#include "mock_upstream.h"

#include <QTest>

#include <nlohmann/json.hpp>

using namespace gatehouse;
using namespace gatehouse::itest;
using gatehouse::test::AnthropicMockUpstream;
using gatehouse::test::MockUpstream;
using json = nlohmann::json;

namespace {

QByteArray messagesBody(const std::string& model, const std::string& text, bool stream = false, bool withTool = false)
{
    json b = {{"model", model}, {"max_tokens", 256}, {"system", "Be brief."},
              {"messages", json::array({{{"role", "user"}, {"content", text}}})}};
    if (stream)
        b["stream"] = true;
    if (withTool) {
        b["tools"] = json::parse(R"([{"name":"get_weather","description":"Weather of a city","input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}])");
        b["tool_choice"] = {{"type", "auto"}};
    }
    return QByteArray::fromStdString(b.dump());
}

// An Anthropic event stream: [[event, data], ...]; a malformed event ends the list with "<malformed>".
json anthropicEvents(const QByteArray& sse)
{
    json out = json::array();
    qsizetype pos = 0;
    while (pos < sse.size()) {
        const qsizetype end = sse.indexOf("\n\n", pos);
        const QList<QByteArray> lines = sse.mid(pos, end < 0 ? -1 : end - pos).split('\n');
        if (end < 0 || lines.size() != 2 || !lines[0].startsWith("event: ") || !lines[1].startsWith("data: ")) {
            out.push_back("<malformed>" + sse.mid(pos).toStdString());
            return out;
        }
        out.push_back({lines[0].mid(7).toStdString(), json::parse(lines[1].mid(6).toStdString(), nullptr, false)});
        pos = end + 2;
    }
    return out;
}

// What a client assembles from the stream: text and tool inputs per block, the event order checked.
struct Assembled {
    QString problem;   // empty when the stream is well-formed
    json content = json::array();
    json messageStart = nullptr;
    json messageDelta = nullptr;
};

Assembled failed(const QString& problem)
{
    Assembled a;
    a.problem = problem;
    return a;
}

Assembled assemble(const json& events)
{
    Assembled a;
    std::map<int, std::string> partialJson;
    if (events.empty() || events[0][0] != "message_start")
        return failed(QStringLiteral("no message_start first: %1").arg(QString::fromStdString(events.dump())));
    a.messageStart = events[0][1];
    int open = -1;
    for (std::size_t i = 1; i < events.size(); ++i) {
        if (!events[i].is_array())
            return failed(QStringLiteral("malformed: %1").arg(QString::fromStdString(events[i].dump())));
        const std::string type = events[i][0];
        const json& d = events[i][1];
        if (type == "content_block_start") {
            if (open >= 0 || d["index"] != int(a.content.size()))
                return failed(QStringLiteral("bad block start at %1").arg(i));
            open = d["index"];
            a.content.push_back(d["content_block"]);
        } else if (type == "content_block_delta") {
            if (d["index"] != open)
                return failed(QStringLiteral("delta for a block not open at %1").arg(i));
            if (d["delta"]["type"] == "text_delta")
                a.content[open]["text"] = a.content[open]["text"].get<std::string>() + d["delta"]["text"].get<std::string>();
            else if (d["delta"]["type"] == "input_json_delta")
                partialJson[open] += d["delta"]["partial_json"].get<std::string>();
        } else if (type == "content_block_stop") {
            if (d["index"] != open)
                return failed(QStringLiteral("stop for a block not open at %1").arg(i));
            if (partialJson.count(open))
                a.content[open]["input"] = json::parse(partialJson[open], nullptr, false);
            open = -1;
        } else if (type == "message_delta") {
            a.messageDelta = d;
        } else if (type == "message_stop") {
            if (i + 1 != events.size() || a.messageDelta.is_null() || open >= 0)
                return failed(QStringLiteral("message_stop out of place"));
            return a;
        } else if (type != "ping") {
            return failed(QStringLiteral("unexpected event %1").arg(QString::fromStdString(type)));
        }
    }
    return failed(QStringLiteral("no message_stop"));
}

} // namespace

class TestGatewayMessages : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void mockPlain();
    void mockStream();
    void openAiUpstreamWithXApiKey();
    void openAiUpstreamToolCall();
    void openAiUpstreamToolCallStream();
    void toolResultRoundTrip();
    void anthropicUpstreamPassedThrough();
    void passThroughAppliesOverridesAndServerTools();
    void countTokens();
    void fallbackConfigApplies();
    void errorsInAnthropicShape();
    void upstreamErrorKeepsStatus();
    void brokenStreamsEndWithAnthropicErrorEvent();

private:
    std::optional<HttpResponse> post(const RawHeaders& h, const QByteArray& body, const QByteArray& path = "/v1/messages")
    {
        return roundTrip(gw_.port(), httpRequest("POST", path, h, body), 10000);
    }
    const RequestRecord* record(const QString& trace)
    {
        const RequestRecord* rec = nullptr;
        (void)QTest::qWaitFor([&] { return (rec = gw_.recordByTrace(trace)) != nullptr; }, 5000);
        return rec;
    }
    RawHeaders openAi(const RawHeaders& extra = {}) const
    {
        return RawHeaders{{"x-portkey-provider", "openai"}, {"x-portkey-custom-host", openai_.baseUrl().toUtf8()},
                          {"x-api-key", "sk-test"}, {"anthropic-version", "2023-06-01"}, {"Content-Type", "application/json"}} + extra;
    }

    GatewayHarness gw_;
    MockUpstream openai_;
    AnthropicMockUpstream anthropic_;
};

void TestGatewayMessages::initTestCase()
{
    QVERIFY(openai_.listen());
    QVERIFY(anthropic_.listen());
    QVERIFY(gw_.start());
}

void TestGatewayMessages::cleanupTestCase()
{
    gw_.service().stopAndWait();
}

void TestGatewayMessages::init()
{
    openai_.clear();
    anthropic_.clear();
}

void TestGatewayMessages::mockPlain()
{
    const auto r = post(mockHeaders({{"x-portkey-trace-id", "m-plain"}}), messagesBody("mock-gpt", "hello there"));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QVERIFY(r->header("content-type").startsWith("application/json"));
    QCOMPARE(r->header("x-portkey-provider"), QByteArray("mock"));
    const json j = r->json();
    QVERIFY2(j["type"] == "message" && j["role"] == "assistant", r->body.constData());
    QVERIFY(j["id"].get<std::string>().rfind("msg_", 0) == 0);
    QVERIFY(j["content"] == json::parse(R"([{"type":"text","text":"Mock reply to: hello there"}])"));
    QVERIFY(j["stop_reason"] == "end_turn");
    QVERIFY(j["usage"]["input_tokens"].get<int>() > 0);
    QVERIFY(j["usage"]["output_tokens"].get<int>() > 0);

    const RequestRecord* rec = record(QStringLiteral("m-plain"));
    QVERIFY(rec);
    QCOMPARE(rec->path, QStringLiteral("/v1/messages"));
    QCOMPARE(rec->status, 200);
    QCOMPARE(rec->provider, QStringLiteral("mock"));
    QCOMPARE(rec->model, QStringLiteral("mock-gpt"));
    QCOMPARE(rec->promptTokens, j["usage"]["input_tokens"].get<int>());
    QCOMPARE(rec->completionTokens, j["usage"]["output_tokens"].get<int>());
}

void TestGatewayMessages::mockStream()
{
    const auto r = post(mockHeaders({{"x-portkey-trace-id", "m-stream"}}), messagesBody("mock-gpt@gap=5", "stream this please", true));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QVERIFY(r->header("content-type").startsWith("text/event-stream"));
    QVERIFY(r->chunked && r->chunkedTerminatorSeen);
    QVERIFY2(r->chunks.size() > 3, "the answer arrives in several chunks, as the mock produces it word by word");
    const Assembled a = assemble(anthropicEvents(r->body));
    QVERIFY2(a.problem.isEmpty(), qPrintable(a.problem + QStringLiteral("\n") + QString::fromUtf8(r->body)));
    QVERIFY(a.content == json::parse(R"([{"type":"text","text":"Mock reply to: stream this please"}])"));
    QVERIFY(a.messageDelta["delta"]["stop_reason"] == "end_turn");
    const int out = a.messageDelta["usage"]["output_tokens"].get<int>();
    QVERIFY(out > 0);

    const RequestRecord* rec = record(QStringLiteral("m-stream"));
    QVERIFY(rec);
    QCOMPARE(rec->path, QStringLiteral("/v1/messages"));
    QVERIFY(rec->stream);
    QCOMPARE(rec->completionTokens, out);   // the usage chunk the translation asked for reached the record
}

void TestGatewayMessages::openAiUpstreamWithXApiKey()
{
    const auto r = post(openAi({{"x-portkey-trace-id", "o-plain"}}), messagesBody("gpt-4o-mini", "hi upstream"));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    const json j = r->json();
    QVERIFY2(j["content"] == json::parse(R"([{"type":"text","text":"Hello from mock upstream"}])"), r->body.constData());
    QVERIFY(j["usage"] == json::parse(R"({"input_tokens":11,"output_tokens":5})"));
    QVERIFY(j["model"] == "gpt-4o-mini");

    QCOMPARE(openai_.requestCount(), 1);
    const auto up = openai_.received().last();
    QCOMPARE(up.path, QByteArray("/v1/chat/completions"));
    QCOMPARE(up.header("authorization"), QByteArray("Bearer sk-test"));   // Anthropic's x-api-key, as a provider key
    const json sent = json::parse(up.body.toStdString());
    const json expected = json::parse(R"({"model":"gpt-4o-mini","max_tokens":256,
        "messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"hi upstream"}]})");
    QVERIFY2(sent == expected, up.body.constData());
}

void TestGatewayMessages::openAiUpstreamToolCall()
{
    const auto r = post(openAi(), messagesBody("gpt-tool", "weather in Paris?", false, true));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    const json j = r->json();
    QVERIFY2(j["stop_reason"] == "tool_use", r->body.constData());
    QVERIFY(j["content"] == json::parse(R"([{"type":"tool_use","id":"call_mock_1","name":"get_weather","input":{"city":"Paris"}}])"));
    const json sent = json::parse(openai_.received().last().body.toStdString());
    QVERIFY(sent["tools"][0]["function"]["name"] == "get_weather");
    QVERIFY(sent["tools"][0]["function"]["parameters"]["required"] == json({"city"}));
    QVERIFY(sent["tool_choice"] == "auto");
}

void TestGatewayMessages::openAiUpstreamToolCallStream()
{
    const auto r = post(openAi(), messagesBody("gpt-tool", "weather in Paris?", true, true));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    const json events = anthropicEvents(r->body);
    const Assembled a = assemble(events);
    QVERIFY2(a.problem.isEmpty(), qPrintable(a.problem + QStringLiteral("\n") + QString::fromUtf8(r->body)));
    QVERIFY2(a.content == json::parse(R"([{"type":"tool_use","id":"call_mock_1","name":"get_weather","input":{"city":"Paris"}}])"),
             a.content.dump().c_str());
    int fragments = 0;
    for (const auto& e : events)
        fragments += e[0] == "content_block_delta" && e[1]["delta"]["type"] == "input_json_delta";
    QCOMPARE(fragments, 2);   // the upstream's argument fragments, passed on as they came
    QVERIFY(a.messageDelta["delta"]["stop_reason"] == "tool_use");
    QVERIFY(a.messageDelta["usage"] == json::parse(R"({"input_tokens":11,"output_tokens":5})"));
    QVERIFY(json::parse(openai_.received().last().body.toStdString())["stream_options"]["include_usage"] == true);
}

void TestGatewayMessages::toolResultRoundTrip()
{
    json body = json::parse(messagesBody("gpt-tool", "weather in Paris?", false, true).toStdString());
    body["messages"].push_back(json::parse(R"({"role":"assistant","content":[{"type":"tool_use","id":"call_mock_1","name":"get_weather","input":{"city":"Paris"}}]})"));
    body["messages"].push_back(json::parse(R"({"role":"user","content":[{"type":"tool_result","tool_use_id":"call_mock_1","content":"18C and sunny"}]})"));
    const auto r = post(openAi(), QByteArray::fromStdString(body.dump()));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QVERIFY2(r->json()["stop_reason"] == "end_turn", r->body.constData());
    const json msgs = json::parse(openai_.received().last().body.toStdString())["messages"];
    const json call = json::parse(R"({"role":"assistant","content":null,"tool_calls":[{"id":"call_mock_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]})");
    QVERIFY2(msgs[2] == call, msgs.dump().c_str());
    QVERIFY(msgs[3] == json::parse(R"({"role":"tool","tool_call_id":"call_mock_1","content":"18C and sunny"})"));
}

void TestGatewayMessages::anthropicUpstreamPassedThrough()
{
    const RawHeaders h{{"x-portkey-provider", "anthropic"}, {"x-portkey-custom-host", anthropic_.baseUrl().toUtf8()},
                       {"x-api-key", "sk-ant-test"}, {"anthropic-version", "2023-06-01"}, {"Content-Type", "application/json"}};
    QByteArray body = messagesBody("claude-3-5-haiku-20241022", "hello claude");
    auto r = post(h + RawHeaders{{"x-portkey-trace-id", "a-plain"}}, body);
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    auto up = anthropic_.lastRequest();
    QCOMPARE(up.header("x-api-key"), QByteArray("sk-ant-test"));
    QCOMPARE(up.header("anthropic-version"), QByteArray("2023-06-01"));
    QCOMPARE(up.body, body);   // the client's body, byte for byte
    QCOMPARE(r->body, AnthropicMockUpstream::script(up).body);   // and the answer, untouched
    QVERIFY(r->json()["id"] == "msg_mock_1");
    QCOMPARE(r->header("x-portkey-provider"), QByteArray("anthropic"));
    const RequestRecord* rec = record(QStringLiteral("a-plain"));
    QVERIFY(rec);
    QCOMPARE(rec->promptTokens, 15);   // 12 + 3 read from the cache
    QCOMPARE(rec->completionTokens, 7);
    QCOMPARE(rec->cachedTokens, 3);
    QVERIFY(rec->priceKnown);
    QVERIFY(rec->costUsd > 0);

    body = messagesBody("claude-mock", "stream claude", true);
    r = post(h + RawHeaders{{"x-portkey-trace-id", "a-stream"}}, body);
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QVERIFY(r->header("content-type").startsWith("text/event-stream"));
    up = anthropic_.lastRequest();
    QCOMPARE(up.body, body);
    QCOMPARE(r->body, AnthropicMockUpstream::script(up).pieces.join());   // Anthropic's own events, as sent
    Assembled a = assemble(anthropicEvents(r->body));
    QVERIFY2(a.problem.isEmpty(), qPrintable(a.problem + QStringLiteral("\n") + QString::fromUtf8(r->body)));
    rec = record(QStringLiteral("a-stream"));
    QVERIFY(rec);
    QCOMPARE(rec->promptTokens, 15);   // from message_start
    QCOMPARE(rec->completionTokens, 7);   // from message_delta
    QCOMPARE(rec->totalTokens, 22);

    r = post(h, messagesBody("claude-tool", "weather?", true, true));
    QVERIFY(r);
    a = assemble(anthropicEvents(r->body));
    QVERIFY2(a.problem.isEmpty(), qPrintable(a.problem));
    QCOMPARE(a.content.size(), std::size_t(2));
    QVERIFY2(a.content[1]["type"] == "tool_use" && a.content[1]["name"] == "get_weather" && a.content[1]["input"] == json({{"city", "Paris"}}),
             a.content.dump().c_str());
    QVERIFY(a.messageDelta["delta"]["stop_reason"] == "tool_use");

    // An upstream error keeps Anthropic's own body.
    r = post(h, messagesBody("claude-error-529", "x"));
    QVERIFY(r);
    QCOMPARE(r->status, 529);
    QCOMPARE(r->body, AnthropicMockUpstream::script(anthropic_.lastRequest()).body);
}

void TestGatewayMessages::passThroughAppliesOverridesAndServerTools()
{
    const json config = {{"provider", "anthropic"}, {"api_key", "sk-ant-cfg"}, {"custom_host", anthropic_.baseUrl().toStdString()},
                         {"override_params", {{"temperature", 0.25}}}};
    json body = json::parse(messagesBody("claude-mock", "search the web").toStdString());
    body["tools"] = json::parse(R"([{"type":"web_search_20250305","name":"web_search","max_uses":2}])");
    const QByteArray raw = QByteArray::fromStdString(body.dump());
    auto r = post({{"x-portkey-config", QByteArray::fromStdString(config.dump())}, {"Content-Type", "application/json"}}, raw);
    QVERIFY(r);
    QVERIFY2(r->status == 200, r->body.constData());
    const auto up = anthropic_.lastRequest();
    QCOMPARE(up.header("x-api-key"), QByteArray("sk-ant-cfg"));
    json expected = body;
    expected["temperature"] = 0.25;
    QVERIFY2(json::parse(up.body.toStdString()) == expected, up.body.constData());

    // The same server tool cannot be translated for another provider: 400 in Anthropic's shape.
    r = post(openAi(), raw);
    QVERIFY(r);
    QCOMPARE(r->status, 400);
    QVERIFY2(r->json()["type"] == "error" && r->json()["error"]["type"] == "invalid_request_error", r->body.constData());
    QCOMPARE(openai_.requestCount(), 0);
}

void TestGatewayMessages::countTokens()
{
    const RawHeaders h{{"x-portkey-provider", "anthropic"}, {"x-portkey-custom-host", anthropic_.baseUrl().toUtf8()},
                       {"x-api-key", "sk-ant-test"}, {"anthropic-version", "2023-06-01"}, {"Content-Type", "application/json"}};
    const QByteArray body = R"({"model":"claude-3-5-haiku-20241022","system":"Be brief.","messages":[{"role":"user","content":"count me"}]})";
    auto r = post(h, body, "/v1/messages/count_tokens");
    QVERIFY(r);
    QVERIFY2(r->status == 200, r->body.constData());
    QVERIFY2(r->json() == json({{"input_tokens", 10 + 9 + 8}}), r->body.constData());
    QCOMPARE(anthropic_.lastRequest().path, QByteArray("/v1/messages/count_tokens"));
    QCOMPARE(anthropic_.lastRequest().body, body);

    // Other providers cannot count: a 400 that says so, in Anthropic's shape.
    r = post(mockHeaders(), body, "/v1/messages/count_tokens");
    QVERIFY(r);
    QCOMPARE(r->status, 400);
    const json j = r->json();
    QVERIFY2(j["type"] == "error" && j["error"]["type"] == "invalid_request_error", r->body.constData());
    QVERIFY(j["error"]["message"].get<std::string>().find("count_tokens") != std::string::npos);
    QVERIFY(j["error"]["message"].get<std::string>().find("'mock'") != std::string::npos);
}

void TestGatewayMessages::fallbackConfigApplies()
{
    const QByteArray config = R"({"strategy":{"mode":"fallback"},"targets":[{"provider":"mock","override_params":{"model":"mock-gpt@status=503"}},{"provider":"mock"}]})";
    const auto r = post({{"x-portkey-config", config}, {"x-portkey-trace-id", "m-fallback"}, {"Content-Type", "application/json"}},
                        messagesBody("mock-gpt", "fall back"));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QVERIFY2(r->json()["content"][0]["text"] == "Mock reply to: fall back", r->body.constData());
    QCOMPARE(r->header("x-portkey-last-used-option-index"), QByteArray("config.targets[1]"));
    const RequestRecord* rec = record(QStringLiteral("m-fallback"));
    QVERIFY(rec);
    QVERIFY(rec->fallbackUsed);
    QCOMPARE(rec->path, QStringLiteral("/v1/messages"));
}

void TestGatewayMessages::errorsInAnthropicShape()
{
    struct Case {
        QByteArray method;
        RawHeaders headers;
        QByteArray body;
        int status;
        const char* type;
        const char* needle;
    };
    const QByteArray noMax = R"({"model":"mock-gpt","messages":[{"role":"user","content":"x"}]})";
    const QByteArray badRole = R"({"model":"mock-gpt","max_tokens":5,"messages":[{"role":"tool","content":"x"}]})";
    const QByteArray noMessages = R"({"model":"mock-gpt","max_tokens":5})";
    // 800 KB of brackets: copying such a body recurses once per level and took the gateway down.
    const QByteArray hostile = R"({"model":"mock-gpt","max_tokens":5,"messages":[{"role":"user","content":"x"}],"metadata":)"
                             + QByteArray(400000, '[') + QByteArray(400000, ']') + "}";
    const QList<Case> cases = {
        {"POST", mockHeaders({{"x-portkey-trace-id", "e-1"}}), noMax, 400, "invalid_request_error", "max_tokens"},
        {"POST", mockHeaders(), badRole, 400, "invalid_request_error", "messages[0].role"},
        {"POST", mockHeaders(), noMessages, 400, "invalid_request_error", "messages"},
        {"POST", mockHeaders(), "{not json", 400, "invalid_request_error", "JSON"},
        {"POST", {{"x-portkey-provider", "nope"}, {"Content-Type", "application/json"}}, messagesBody("m", "x"), 400, "invalid_request_error", "nope"},
        {"GET", {}, {}, 405, "invalid_request_error", "POST"},
        {"POST", mockHeaders(), hostile, 400, "invalid_request_error", "nests deeper than 256 levels"},
    };
    for (const Case& c : cases) {
        const auto r = roundTrip(gw_.port(), httpRequest(c.method, "/v1/messages", c.headers, c.body), 10000);
        QVERIFY(r);
        QCOMPARE(r->status, c.status);
        QVERIFY(r->header("content-type").startsWith("application/json"));
        const json j = r->json();
        QVERIFY2(j.is_object() && j.size() == 2 && j["type"] == "error" && j["error"]["type"] == c.type, r->body.constData());
        QVERIFY2(j["error"]["message"].get<std::string>().find(c.needle) != std::string::npos, r->body.constData());
    }
    const RequestRecord* rec = record(QStringLiteral("e-1"));
    QVERIFY(rec);
    QCOMPARE(rec->status, 400);
    QCOMPARE(rec->path, QStringLiteral("/v1/messages"));
    QVERIFY(rec->errorMessage.contains(QStringLiteral("max_tokens")));
}

void TestGatewayMessages::upstreamErrorKeepsStatus()
{
    const RawHeaders h{{"x-portkey-provider", "openai"}, {"x-portkey-custom-host", QStringLiteral("http://127.0.0.1:%1/status/429/v1").arg(openai_.port()).toUtf8()},
                       {"x-api-key", "sk-test"}, {"Content-Type", "application/json"}};
    auto r = post(h, messagesBody("gpt-4o-mini", "x"));
    QVERIFY(r);
    QCOMPARE(r->status, 429);
    QVERIFY2(r->json()["error"]["type"] == "rate_limit_error", r->body.constData());

    r = post(mockHeaders(), messagesBody("mock-gpt@status=529", "x"));
    QVERIFY(r);
    QCOMPARE(r->status, 529);
    QVERIFY2(r->json()["type"] == "error" && r->json()["error"]["type"] == "overloaded_error", r->body.constData());
}

void TestGatewayMessages::brokenStreamsEndWithAnthropicErrorEvent()
{
    // What an Anthropic SDK reads when the upstream connection drops mid-stream: the events so far,
    // whole, then Anthropic's error event (never an OpenAI-shaped one, never half an event).
    const auto checkEndsWithError = [](const HttpResponse& r, const char* firstText) {
        QCOMPARE(r.status, 200);
        const json events = anthropicEvents(r.body);
        QVERIFY2(events.size() >= 3 && events[0][0] == "message_start", r.body.constData());
        for (const json& e : events)
            QVERIFY2(e.is_array(), r.body.constData());   // no "<malformed>" entry
        const json& last = events.back();
        QVERIFY2(last[0] == "error" && last[1]["type"] == "error" && last[1]["error"]["type"] == "api_error", r.body.constData());
        QVERIFY(!last[1]["error"]["message"].get<std::string>().empty());
        QVERIFY2(last[1].size() == 2 && last[1]["error"].size() == 2, r.body.constData());
        bool sawText = false;
        for (const json& e : events)
            sawText = sawText || (e[0] == "content_block_delta" && e[1]["delta"]["text"] == firstText);
        QVERIFY2(sawText, r.body.constData());
        QVERIFY(!r.body.contains("never complete"));
    };

    // Relayed from an anthropic target: the cut-off event is not passed on.
    const RawHeaders relay{{"x-portkey-provider", "anthropic"}, {"x-portkey-custom-host", anthropic_.baseUrl().toUtf8()},
                           {"x-api-key", "sk-ant-test"}, {"anthropic-version", "2023-06-01"}, {"Content-Type", "application/json"}};
    auto r = post(relay, messagesBody("claude-stream-cut", "abcdef", true));
    QVERIFY(r);
    checkEndsWithError(*r, "Hello from ");   // the first third of "Hello from Anthropic mock: abcdef"

    // Translated from an OpenAI-compatible target whose stream breaks off.
    const RawHeaders translated{{"x-portkey-provider", "openai"},
                                {"x-portkey-custom-host", QStringLiteral("http://127.0.0.1:%1/resetmid/v1").arg(openai_.port()).toUtf8()},
                                {"x-api-key", "sk-test"}, {"Content-Type", "application/json"}};
    r = post(translated, messagesBody("gpt-4o-mini", "hello", true));
    QVERIFY(r);
    const json events = anthropicEvents(r->body);
    QVERIFY2(!events.empty() && events.back().is_array() && events.back()[0] == "error"
                 && events.back()[1]["error"]["type"] == "api_error", r->body.constData());
    QVERIFY2(events[0][0] == "message_start", r->body.constData());
}

QTEST_GUILESS_MAIN(TestGatewayMessages)
#include "tst_gateway_messages.moc"
