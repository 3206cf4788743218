// Cohere v2 adapter: OpenAI request -> Cohere request, Cohere answers/streams/errors -> OpenAI shapes,
// written from Cohere's API reference (v2/chat, v2/embed, chat stream events).
#include "providers/cohere_request.h"
#include "providers/cohere_response.h"
#include "providers/cohere_stream_mapper.h"
#include "providers/provider_registry.h"

#include <QTest>

#include <cstring>

#include <nlohmann/json.hpp>

using namespace gatehouse;
using json = nlohmann::json;

#define JSON_COMPARE(actual, expected)                                                              \
    do {                                                                                            \
        const json a_ = (actual), e_ = (expected);                                                  \
        QVERIFY2(a_ == e_, ("\nactual:   " + a_.dump() + "\nexpected: " + e_.dump()).c_str());    \
    } while (false)

namespace {

json chatRequest(const char* openAi)
{
    auto r = cohere::toChatRequest(json::parse(openAi));
    if (auto* e = std::get_if<ApiError>(&r))
        return json{{"ApiError", e->toJson().toStdString()}};
    return std::get<json>(r);
}

QList<json> streamChunks(const QByteArray& sse, bool& done)
{
    cohere::CohereStreamMapper m("command-r");
    QByteArray out;
    for (qsizetype i = 0; i < sse.size(); i += 7)   // arbitrary piece boundaries
        out += m.map(QByteArrayView(sse).sliced(i, std::min<qsizetype>(7, sse.size() - i)));
    out += m.finish();
    QList<json> chunks;
    done = false;
    for (const QByteArray& line : out.split('\n')) {
        if (!line.startsWith("data: "))
            continue;
        if (line == "data: [DONE]")
            done = true;
        else
            chunks << json::parse(line.mid(6).toStdString());
    }
    return chunks;
}

} // namespace

class TestCohereProvider : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void registered();
    void chatRequestMapping();
    void unsupportedInputNamesProviderAndParameter_data();
    void unsupportedInputNamesProviderAndParameter();
    void embedRequestMapping();
    void chatResponseMapping();
    void errorsKeepStatusAndMessage();
    void embedResponseFloatAndBase64();
    void streamWithToolCall();
    void streamEndingEarlyStillEnds();
};

void TestCohereProvider::registered()
{
    const auto reg = ProviderRegistry::builtIn();
    const Provider* p = reg->find(QStringLiteral("cohere"));
    QVERIFY(p);
    QVERIFY(p->supports(Endpoint::ChatCompletions) && p->supports(Endpoint::Embeddings));
    QCOMPARE(p->info().baseUrl, QByteArray("https://api.cohere.com/v2"));
}

void TestCohereProvider::chatRequestMapping()
{
    const json c = chatRequest(R"({"model":"command-r","messages":[
        {"role":"developer","content":"Be brief."},
        {"role":"user","content":[{"type":"text","text":"Weather?"},{"type":"image_url","image_url":{"url":"https://x/y.png"}}]},
        {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
        {"role":"tool","tool_call_id":"c1","content":"18C"}],
        "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}],
        "tool_choice":"required","max_tokens":100,"temperature":0.2,"top_p":0.9,"stop":["END"],"seed":7,
        "response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object"}}},"stream":true})");
    JSON_COMPARE(c["model"], json("command-r"));
    JSON_COMPARE(c["messages"][0], json::parse(R"({"role":"system","content":"Be brief."})"));
    JSON_COMPARE(c["messages"][1]["content"][1], json::parse(R"({"type":"image_url","image_url":{"url":"https://x/y.png"}})"));
    JSON_COMPARE(c["messages"][2], json::parse(R"({"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]})"));
    JSON_COMPARE(c["messages"][3], json::parse(R"({"role":"tool","tool_call_id":"c1","content":"18C"})"));
    JSON_COMPARE(c["tools"][0]["function"]["name"], json("get_weather"));
    JSON_COMPARE(c["tool_choice"], json("REQUIRED"));
    JSON_COMPARE(c["max_tokens"], json(100));
    JSON_COMPARE(c["p"], json(0.9));
    JSON_COMPARE(c["stop_sequences"], json::parse(R"(["END"])"));
    JSON_COMPARE(c["seed"], json(7));
    JSON_COMPARE(c["response_format"], json::parse(R"({"type":"json_object","json_schema":{"type":"object"}})"));
    JSON_COMPARE(c["stream"], json(true));
    QVERIFY(!c.contains("top_p") && !c.contains("stop"));
}

void TestCohereProvider::unsupportedInputNamesProviderAndParameter_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("param");
    QTest::newRow("n>1") << QByteArray(R"({"model":"m","messages":[{"role":"user","content":"x"}],"n":2})") << QStringLiteral("n");
    QTest::newRow("named tool_choice") << QByteArray(R"({"model":"m","messages":[{"role":"user","content":"x"}],"tool_choice":{"type":"function","function":{"name":"f"}}})")
                                       << QStringLiteral("tool_choice");
    QTest::newRow("audio part") << QByteArray(R"({"model":"m","messages":[{"role":"user","content":[{"type":"input_audio"}]}]})")
                                << QStringLiteral("messages[0].content");
    QTest::newRow("tool without id") << QByteArray(R"({"model":"m","messages":[{"role":"tool","content":"x"}]})")
                                     << QStringLiteral("messages[0].tool_call_id");
}

void TestCohereProvider::unsupportedInputNamesProviderAndParameter()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, param);
    auto r = cohere::toChatRequest(json::parse(body.toStdString()));
    QVERIFY(std::holds_alternative<ApiError>(r));
    const ApiError& e = std::get<ApiError>(r);
    QCOMPARE(e.status, 400);
    QCOMPARE(e.param, param);
    if (param == u"n" || param == u"tool_choice")
        QVERIFY2(e.message.contains(QStringLiteral("cohere")), qPrintable(e.message));
}

void TestCohereProvider::embedRequestMapping()
{
    auto r = cohere::toEmbedRequest(json::parse(R"({"model":"embed-english-v3.0","input":["a","b"],"dimensions":256})"));
    QVERIFY(std::holds_alternative<json>(r));
    JSON_COMPARE(std::get<json>(r), json::parse(R"({"model":"embed-english-v3.0","texts":["a","b"],"input_type":"search_document",
                                                    "embedding_types":["float"],"output_dimension":256})"));
    r = cohere::toEmbedRequest(json::parse(R"({"model":"m","input":"q","input_type":"search_query"})"));
    JSON_COMPARE(std::get<json>(r)["input_type"], json("search_query"));
    r = cohere::toEmbedRequest(json::parse(R"({"model":"m","input":[[1,2,3]]})"));
    QVERIFY(std::holds_alternative<ApiError>(r));
    QCOMPARE(std::get<ApiError>(r).param, QStringLiteral("input"));
}

void TestCohereProvider::chatResponseMapping()
{
    int status = 200;
    QByteArray body = R"({"id":"c-1","finish_reason":"TOOL_CALL","message":{"role":"assistant","tool_plan":"plan",
        "tool_calls":[{"id":"t1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
        "usage":{"billed_units":{"input_tokens":10,"output_tokens":6},"tokens":{"input_tokens":210,"output_tokens":6}}})";
    cohere::mapChatResponse(status, body, "command-r");
    QCOMPARE(status, 200);
    const json j = json::parse(body.toStdString());
    JSON_COMPARE(j["object"], json("chat.completion"));
    JSON_COMPARE(j["model"], json("command-r"));
    JSON_COMPARE(j["choices"][0]["finish_reason"], json("tool_calls"));
    QVERIFY(j["choices"][0]["message"]["content"].is_null());
    JSON_COMPARE(j["choices"][0]["message"]["tool_calls"][0]["function"]["name"], json("get_weather"));
    JSON_COMPARE(j["usage"], json::parse(R"({"prompt_tokens":10,"completion_tokens":6,"total_tokens":16})"));

    for (const auto& [reason, mapped] : {std::pair{"COMPLETE", "stop"}, {"STOP_SEQUENCE", "stop"}, {"MAX_TOKENS", "length"}, {"ERROR", "stop"}})
        QCOMPARE(cohere::finishReason(reason), std::string(mapped));
}

void TestCohereProvider::errorsKeepStatusAndMessage()
{
    for (int s : {400, 401, 404, 429, 500, 503}) {
        int status = s;
        QByteArray body = R"({"id":"e","message":"invalid api token"})";
        cohere::mapChatResponse(status, body, "m");
        QCOMPARE(status, s);
        const json j = json::parse(body.toStdString());
        JSON_COMPARE(j["error"]["message"], json("invalid api token"));
        QVERIFY(j["error"].contains("type") && j["error"].contains("param") && j["error"].contains("code"));
    }
    int status = 200;
    QByteArray body = "not json";
    cohere::mapChatResponse(status, body, "m");
    QCOMPARE(status, 502);
}

void TestCohereProvider::embedResponseFloatAndBase64()
{
    const QByteArray answer = R"({"id":"e","embeddings":{"float":[[0.5,-0.25,1.0]]},"texts":["a"],"meta":{"billed_units":{"input_tokens":3}}})";
    int status = 200;
    QByteArray body = answer;
    cohere::mapEmbedResponse(status, body, "embed-english-v3.0", false);
    json j = json::parse(body.toStdString());
    JSON_COMPARE(j["data"][0]["embedding"], json::parse("[0.5,-0.25,1.0]"));
    JSON_COMPARE(j["usage"]["prompt_tokens"], json(3));
    JSON_COMPARE(j["model"], json("embed-english-v3.0"));

    body = answer;
    cohere::mapEmbedResponse(status, body, "m", true);
    j = json::parse(body.toStdString());
    const QByteArray raw = QByteArray::fromBase64(QByteArray::fromStdString(j["data"][0]["embedding"].get<std::string>()));
    QCOMPARE(raw.size(), qsizetype(12));
    float f[3];
    std::memcpy(f, raw.constData(), 12);
    QCOMPARE(f[0], 0.5f);
    QCOMPARE(f[1], -0.25f);
    QCOMPARE(f[2], 1.0f);
}

void TestCohereProvider::streamWithToolCall()
{
    const QByteArray sse =
        "event: message-start\ndata: {\"id\":\"c-9\",\"type\":\"message-start\",\"delta\":{\"message\":{\"role\":\"assistant\"}}}\n\n"
        "event: content-delta\ndata: {\"type\":\"content-delta\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"text\":\"Hé\"}}}}\n\n"
        "event: tool-plan-delta\ndata: {\"type\":\"tool-plan-delta\",\"delta\":{\"message\":{\"tool_plan\":\"plan\"}}}\n\n"
        "event: tool-call-start\ndata: {\"type\":\"tool-call-start\",\"index\":0,\"delta\":{\"message\":{\"tool_calls\":{\"id\":\"t1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}}}}\n\n"
        "event: tool-call-delta\ndata: {\"type\":\"tool-call-delta\",\"index\":0,\"delta\":{\"message\":{\"tool_calls\":{\"function\":{\"arguments\":\"{\\\"city\\\":\"}}}}}\n\n"
        "event: tool-call-delta\ndata: {\"type\":\"tool-call-delta\",\"index\":0,\"delta\":{\"message\":{\"tool_calls\":{\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}}}}\n\n"
        "event: tool-call-end\ndata: {\"type\":\"tool-call-end\",\"index\":0}\n\n"
        "event: message-end\ndata: {\"type\":\"message-end\",\"delta\":{\"finish_reason\":\"TOOL_CALL\",\"usage\":{\"billed_units\":{\"input_tokens\":10,\"output_tokens\":6}}}}\n\n";
    bool done = false;
    const QList<json> c = streamChunks(sse, done);
    QVERIFY(done);
    QCOMPARE(c.size(), 6);
    for (const json& ch : c) {
        JSON_COMPARE(ch["id"], json("c-9"));
        JSON_COMPARE(ch["object"], json("chat.completion.chunk"));
    }
    JSON_COMPARE(c[0]["choices"][0]["delta"]["role"], json("assistant"));
    JSON_COMPARE(c[1]["choices"][0]["delta"]["content"], json("Hé"));
    JSON_COMPARE(c[2]["choices"][0]["delta"]["tool_calls"][0], json::parse(R"({"index":0,"id":"t1","type":"function","function":{"name":"get_weather","arguments":""}})"));
    JSON_COMPARE(c[3]["choices"][0]["delta"]["tool_calls"][0], json::parse(R"({"index":0,"function":{"arguments":"{\"city\":"}})"));
    JSON_COMPARE(c[5]["choices"][0]["finish_reason"], json("tool_calls"));
    JSON_COMPARE(c[5]["usage"]["total_tokens"], json(16));
}

void TestCohereProvider::streamEndingEarlyStillEnds()
{
    bool done = false;
    const QList<json> c = streamChunks("data: {\"type\":\"message-start\",\"id\":\"x\"}\n\ndata: {\"message\":\"internal error\"}\n\n", done);
    QVERIFY(!done);   // an error ends the stream; no [DONE] after it
    JSON_COMPARE(c.last()["error"]["message"], json("internal error"));
    const QList<json> d = streamChunks("data: {\"type\":\"message-start\",\"id\":\"x\"}\n\n", done);
    QVERIFY(done);   // closed without message-end
}

QTEST_GUILESS_MAIN(TestCohereProvider)
#include "tst_cohere_provider.moc"
