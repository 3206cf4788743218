// Anthropic Messages request -> the OpenAI chat request the pipeline routes: system forms, turns,
// tool_use/tool_result round trips, images, stop sequences, tool_choice, metadata; and the 400s
// (naming the parameter) for what Anthropic's API itself would refuse.
#include "pipeline/anthropic_inbound_request.h"

#include "json_fuzz.h"

#include <QTest>

#include <nlohmann/json.hpp>

using namespace gatehouse;
using json = nlohmann::json;

// Declared before the fixtures: moc does not read multi-line raw string literals.
class TestAnthropicInboundRequest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void plainRequest();
    void systemString();
    void systemBlocksKeepCacheControl();
    void toolRoundTrip();
    void toolResultErrorAndImages();
    void images();
    void samplingAndStop();
    void streamAsksForUsage();
    void toolsAndToolChoice_data();
    void toolsAndToolChoice();
    void badInput_data();
    void badInput();
    void hostileInputNeverThrows();
};

namespace {

json base()
{
    return json::parse(R"({"model":"claude-x","max_tokens":100,"messages":[{"role":"user","content":"Hi"}]})");
}

json translate(const json& req)
{
    auto r = anthropic_inbound::toChatRequest(req);
    if (auto* e = std::get_if<ApiError>(&r)) {
        qWarning("unexpected error: %s", e->toJson().constData());
        return nullptr;
    }
    return std::get<json>(r);
}

std::optional<ApiError> errorOf(const json& req)
{
    auto r = anthropic_inbound::toChatRequest(req);
    if (auto* e = std::get_if<ApiError>(&r))
        return *e;
    return std::nullopt;
}

QByteArray diff(const json& actual, const json& expected)
{
    return QByteArray::fromStdString("\nactual:   " + actual.dump() + "\nexpected: " + expected.dump());
}

const char* kToolRoundTrip = R"({
  "model":"claude-x","max_tokens":50,
  "messages":[
    {"role":"user","content":"Weather in SF?"},
    {"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"s"},
                                   {"type":"text","text":"Checking."},
                                   {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"SF"}}]},
    {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"18C"}]},
                              {"type":"text","text":"And tomorrow?"}]}
  ]})";

const char* kToolRoundTripExpected = R"([
  {"role":"user","content":"Weather in SF?"},
  {"role":"assistant","content":"Checking.","tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"SF\"}"}}]},
  {"role":"tool","tool_call_id":"toolu_1","content":"18C"},
  {"role":"user","content":[{"type":"text","text":"And tomorrow?"}]}
])";

} // namespace


void TestAnthropicInboundRequest::plainRequest()
{
    const json out = translate(base());
    const json expected = json::parse(R"({"model":"claude-x","max_tokens":100,"messages":[{"role":"user","content":"Hi"}]})");
    QVERIFY2(out == expected, diff(out, expected).constData());
}

void TestAnthropicInboundRequest::systemString()
{
    json req = base();
    req["system"] = "Be brief.";
    const json out = translate(req);
    QVERIFY(out["messages"][0] == json({{"role", "system"}, {"content", "Be brief."}}));
    QCOMPARE(out["messages"].size(), std::size_t(2));
}

void TestAnthropicInboundRequest::systemBlocksKeepCacheControl()
{
    json req = base();
    req["system"] = json::parse(R"([{"type":"text","text":"A"},{"type":"text","text":"B","cache_control":{"type":"ephemeral"}}])");
    const json out = translate(req);
    const json expected = json::parse(R"({"role":"system","content":[{"type":"text","text":"A"},{"type":"text","text":"B","cache_control":{"type":"ephemeral"}}]})");
    QVERIFY2(out["messages"][0] == expected, diff(out["messages"][0], expected).constData());
}

void TestAnthropicInboundRequest::toolRoundTrip()
{
    const json out = translate(json::parse(kToolRoundTrip));
    const json expected = json::parse(kToolRoundTripExpected);
    QVERIFY2(out["messages"] == expected, diff(out["messages"], expected).constData());
}

void TestAnthropicInboundRequest::toolResultErrorAndImages()
{
    json req = base();
    req["messages"] = json::parse(R"([
      {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"shot","input":{}}]},
      {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","is_error":true,"content":[
          {"type":"text","text":"no camera"},
          {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBO"}}]}]}])");
    const json msgs = translate(req)["messages"];
    QCOMPARE(msgs.size(), std::size_t(3));
    QVERIFY(msgs[0]["tool_calls"][0]["function"]["arguments"] == "{}");
    QVERIFY(msgs[1] == json({{"role", "tool"}, {"tool_call_id", "t1"}, {"content", "Error: no camera"}}));
    // The image a tool returned follows as user content: tool messages carry text only.
    QVERIFY(msgs[2]["content"][0]["image_url"]["url"] == "data:image/png;base64,iVBO");
}

void TestAnthropicInboundRequest::images()
{
    json req = base();
    req["messages"][0]["content"] = json::parse(R"([
      {"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"AAAA"}},
      {"type":"image","source":{"type":"url","url":"https://example.com/cat.png"}},
      {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBE"},"title":"a.pdf"},
      {"type":"text","text":"What are these?"}])");
    const json expected = json::parse(R"([
      {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,AAAA"}},
      {"type":"image_url","image_url":{"url":"https://example.com/cat.png"}},
      {"type":"file","file":{"file_data":"data:application/pdf;base64,JVBE","filename":"a.pdf"}},
      {"type":"text","text":"What are these?"}])");
    const json parts = translate(req)["messages"][0]["content"];
    QVERIFY2(parts == expected, diff(parts, expected).constData());
}

void TestAnthropicInboundRequest::samplingAndStop()
{
    json req = base();
    req["temperature"] = 0.5;
    req["top_p"] = 0.9;
    req["top_k"] = 40;
    req["stop_sequences"] = {"END", "STOP"};
    req["metadata"] = {{"user_id", "u-42"}};
    const json out = translate(req);
    QVERIFY(out["temperature"] == 0.5);
    QVERIFY(out["top_p"] == 0.9);
    QVERIFY(out["top_k"] == 40);
    QVERIFY(out["stop"] == json({"END", "STOP"}));
    QVERIFY(out["user"] == "u-42");
    QVERIFY(!out.contains("stream"));
}

void TestAnthropicInboundRequest::streamAsksForUsage()
{
    json req = base();
    req["stream"] = true;
    const json out = translate(req);
    QVERIFY(out["stream"] == true);
    QVERIFY(out["stream_options"] == json({{"include_usage", true}}));
}

void TestAnthropicInboundRequest::toolsAndToolChoice_data()
{
    QTest::addColumn<QByteArray>("choice");
    QTest::addColumn<QByteArray>("expected");
    QTest::addColumn<bool>("parallel");
    QTest::newRow("auto") << QByteArray(R"({"type":"auto"})") << QByteArray(R"("auto")") << true;
    QTest::newRow("any") << QByteArray(R"({"type":"any"})") << QByteArray(R"("required")") << true;
    QTest::newRow("none") << QByteArray(R"({"type":"none"})") << QByteArray(R"("none")") << true;
    QTest::newRow("tool") << QByteArray(R"({"type":"tool","name":"get_weather","disable_parallel_tool_use":true})")
                          << QByteArray(R"({"type":"function","function":{"name":"get_weather"}})") << false;
}

void TestAnthropicInboundRequest::toolsAndToolChoice()
{
    QFETCH(QByteArray, choice);
    QFETCH(QByteArray, expected);
    QFETCH(bool, parallel);
    json req = base();
    req["tools"] = json::parse(R"([{"name":"get_weather","description":"Weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}])");
    req["tool_choice"] = json::parse(choice.toStdString());
    const json out = translate(req);
    const json tools = json::parse(R"([{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}])");
    QVERIFY2(out["tools"] == tools, diff(out["tools"], tools).constData());
    QVERIFY2(out["tool_choice"] == json::parse(expected.toStdString()), out.dump().c_str());
    QCOMPARE(!out.contains("parallel_tool_calls"), parallel);
}

void TestAnthropicInboundRequest::badInput_data()
{
    QTest::addColumn<QByteArray>("patch");   // merged into the base request (null removes)
    QTest::addColumn<QString>("param");
    QTest::newRow("no max_tokens") << QByteArray(R"({"max_tokens":null})") << "max_tokens";
    QTest::newRow("max_tokens 0") << QByteArray(R"({"max_tokens":0})") << "max_tokens";
    QTest::newRow("max_tokens text") << QByteArray(R"({"max_tokens":"5"})") << "max_tokens";
    QTest::newRow("no messages") << QByteArray(R"({"messages":null})") << "messages";
    QTest::newRow("empty messages") << QByteArray(R"({"messages":[]})") << "messages";
    QTest::newRow("no model") << QByteArray(R"({"model":null})") << "model";
    QTest::newRow("system role") << QByteArray(R"({"messages":[{"role":"system","content":"x"}]})") << "messages[0].role";
    QTest::newRow("tool role") << QByteArray(R"({"messages":[{"role":"tool","content":"x"}]})") << "messages[0].role";
    QTest::newRow("no content") << QByteArray(R"({"messages":[{"role":"user"}]})") << "messages[0].content";
    QTest::newRow("block type") << QByteArray(R"({"messages":[{"role":"user","content":[{"type":"video"}]}]})") << "messages[0].content[0].type";
    QTest::newRow("image source") << QByteArray(R"({"messages":[{"role":"user","content":[{"type":"image","source":{"type":"file","file_id":"f"}}]}]})")
                                  << "messages[0].content[0].source.type";
    QTest::newRow("image url") << QByteArray(R"({"messages":[{"role":"user","content":[{"type":"image","source":{"type":"url","url":"file:///etc/passwd"}}]}]})")
                               << "messages[0].content[0].source.url";
    QTest::newRow("tool_use no id") << QByteArray(R"({"messages":[{"role":"assistant","content":[{"type":"tool_use","name":"f","input":{}}]}]})")
                                    << "messages[0].content[0]";
    QTest::newRow("tool_result no id") << QByteArray(R"({"messages":[{"role":"user","content":[{"type":"tool_result","content":"x"}]}]})")
                                       << "messages[0].content[0].tool_use_id";
    QTest::newRow("system number") << QByteArray(R"({"system":5})") << "system";
    QTest::newRow("stop not array") << QByteArray(R"({"stop_sequences":"END"})") << "stop_sequences";
    QTest::newRow("stream text") << QByteArray(R"({"stream":"yes"})") << "stream";
    QTest::newRow("tool no schema") << QByteArray(R"({"tools":[{"name":"f"}]})") << "tools[0].input_schema";
    QTest::newRow("server tool") << QByteArray(R"({"tools":[{"type":"web_search_20250305","name":"web_search"}]})") << "tools[0].type";
    QTest::newRow("tool_choice type") << QByteArray(R"({"tool_choice":{"type":"required"}})") << "tool_choice.type";
    QTest::newRow("tool_choice no name") << QByteArray(R"({"tool_choice":{"type":"tool"}})") << "tool_choice.name";
    QTest::newRow("temperature text") << QByteArray(R"({"temperature":"hot"})") << "temperature";
    QTest::newRow("metadata array") << QByteArray(R"({"metadata":[]})") << "metadata";
}

void TestAnthropicInboundRequest::badInput()
{
    QFETCH(QByteArray, patch);
    QFETCH(QString, param);
    json req = base();
    const json changes = json::parse(patch.toStdString());
    for (const auto& [k, v] : changes.items()) {
        if (v.is_null())
            req.erase(k);
        else
            req[k] = v;
    }
    const auto e = errorOf(req);
    QVERIFY2(e, req.dump().c_str());
    QCOMPARE(e->status, 400);
    QCOMPARE(e->param, param);
    QVERIFY2(e->message.contains(param.section(QLatin1Char('.'), 0, 0).section(QLatin1Char('['), 0, 0)), qPrintable(e->message));
}

void TestAnthropicInboundRequest::hostileInputNeverThrows()
{
    const json seed = json::parse(kToolRoundTrip);
    QRandomGenerator rng(7);
    for (int i = 0; i < 300; ++i) {
        const json mutated = test::mutate(seed, rng, 1 + i % 4);
        try {
            (void)anthropic_inbound::toChatRequest(mutated);
        } catch (const std::exception& e) {
            QFAIL(qPrintable(QStringLiteral("threw on %1: %2").arg(QString::fromStdString(mutated.dump()), QString::fromUtf8(e.what()))));
        }
    }
}

QTEST_GUILESS_MAIN(TestAnthropicInboundRequest)
#include "tst_anthropic_inbound_request.moc"
