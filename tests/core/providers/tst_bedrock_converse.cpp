// Bedrock Converse mapping (request, answer, usage, errors) and the ConverseStream mapper fed with
// real event-stream frames, written from the Converse API reference.
#include "providers/bedrock_converse.h"
#include "providers/bedrock_stream_mapper.h"

#include "aws_event_stream_frames.h"

#include <QTest>

#include <nlohmann/json.hpp>

using namespace gatehouse;
using gatehouse::test::bedrockEvent;
using json = nlohmann::json;

#define JSON_COMPARE(actual, expected)                                                              \
    do {                                                                                            \
        const json a_ = (actual), e_ = (expected);                                                  \
        QVERIFY2(a_ == e_, ("\nactual:   " + a_.dump() + "\nexpected: " + e_.dump()).c_str());    \
    } while (false)

namespace {

std::variant<json, ApiError> converse(const char* openAi) { return bedrock::toConverseRequest(json::parse(openAi)); }

QList<json> chunksOf(const QByteArray& out, bool& done)
{
    QList<json> chunks;
    done = false;
    for (const QByteArray& line : out.split('\n')) {
        if (line == "data: [DONE]")
            done = true;
        else if (line.startsWith("data: "))
            chunks << json::parse(line.mid(6).toStdString());
    }
    return chunks;
}

} // namespace

class TestBedrockConverse : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void requestMapping();
    void badInputNamesTheParameter_data();
    void badInputNamesTheParameter();
    void answerAndUsage();
    void errorsKeepStatusAndMessage();
    void streamMapperOnFrames();
    void streamMapperStopsOnCorruptFrame();
};

void TestBedrockConverse::requestMapping()
{
    const auto r = converse(R"({"model":"m","messages":[
        {"role":"system","content":"Be brief."},
        {"role":"user","content":"one"},
        {"role":"user","content":[{"type":"text","text":"two"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]},
        {"role":"assistant","content":null,"tool_calls":[{"id":"t1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]},
        {"role":"tool","tool_call_id":"t1","content":"done"}],
        "tools":[{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object"}}}],
        "tool_choice":{"type":"function","function":{"name":"f"}},
        "max_tokens":50,"temperature":0.5,"top_p":0.8,"stop":"END"})");
    QVERIFY(std::holds_alternative<json>(r));
    const json& c = std::get<json>(r);
    JSON_COMPARE(c["system"], json::parse(R"([{"text":"Be brief."}])"));
    // Consecutive user turns merged: Converse requires alternation.
    JSON_COMPARE(c["messages"][0], json::parse(R"({"role":"user","content":[{"text":"one"},{"text":"two"},
        {"image":{"format":"png","source":{"bytes":"iVBORw0KGgo="}}}]})"));
    JSON_COMPARE(c["messages"][1], json::parse(R"({"role":"assistant","content":[{"toolUse":{"toolUseId":"t1","name":"f","input":{"a":1}}}]})"));
    JSON_COMPARE(c["messages"][2], json::parse(R"({"role":"user","content":[{"toolResult":{"toolUseId":"t1","content":[{"text":"done"}]}}]})"));
    JSON_COMPARE(c["inferenceConfig"], json::parse(R"({"maxTokens":50,"temperature":0.5,"topP":0.8,"stopSequences":["END"]})"));
    JSON_COMPARE(c["toolConfig"]["tools"][0], json::parse(R"({"toolSpec":{"name":"f","description":"d","inputSchema":{"json":{"type":"object"}}}})"));
    JSON_COMPARE(c["toolConfig"]["toolChoice"], json::parse(R"({"tool":{"name":"f"}})"));
}

void TestBedrockConverse::badInputNamesTheParameter_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("param");
    QTest::newRow("n") << QByteArray(R"({"model":"m","n":3,"messages":[{"role":"user","content":"x"}]})") << QStringLiteral("n");
    QTest::newRow("http image") << QByteArray(R"({"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x/y.png"}}]}]})")
                                << QStringLiteral("messages[0].content[0]");
    QTest::newRow("tool_choice none") << QByteArray(R"({"model":"m","messages":[{"role":"user","content":"x"}],"tool_choice":"none",
                                                     "tools":[{"type":"function","function":{"name":"f"}}]})") << QStringLiteral("tool_choice");
    QTest::newRow("only system") << QByteArray(R"({"model":"m","messages":[{"role":"system","content":"x"}]})") << QStringLiteral("messages");
}

void TestBedrockConverse::badInputNamesTheParameter()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, param);
    const auto r = bedrock::toConverseRequest(json::parse(body.toStdString()));
    QVERIFY(std::holds_alternative<ApiError>(r));
    QCOMPARE(std::get<ApiError>(r).status, 400);
    QCOMPARE(std::get<ApiError>(r).param, param);
}

void TestBedrockConverse::answerAndUsage()
{
    int status = 200;
    QByteArray body = R"({"output":{"message":{"role":"assistant","content":[{"text":"Hi "},{"text":"there"}]}},
        "stopReason":"max_tokens","usage":{"inputTokens":10,"outputTokens":5,"totalTokens":15,"cacheReadInputTokens":2,"cacheWriteInputTokens":3}})";
    bedrock::mapConverseResponse(status, body, "amazon.nova-pro-v1:0");
    QCOMPARE(status, 200);
    const json j = json::parse(body.toStdString());
    JSON_COMPARE(j["choices"][0]["message"]["content"], json("Hi there"));
    JSON_COMPARE(j["choices"][0]["finish_reason"], json("length"));
    JSON_COMPARE(j["model"], json("amazon.nova-pro-v1:0"));
    JSON_COMPARE(j["usage"]["prompt_tokens"], json(15));
    JSON_COMPARE(j["usage"]["total_tokens"], json(20));
    JSON_COMPARE(j["usage"]["prompt_tokens_details"]["cached_tokens"], json(2));
    JSON_COMPARE(j["usage"]["cache_creation_input_tokens"], json(3));
    QCOMPARE(bedrock::finishReason("guardrail_intervened"), std::string("content_filter"));
    QCOMPARE(bedrock::finishReason("tool_use"), std::string("tool_calls"));
}

void TestBedrockConverse::errorsKeepStatusAndMessage()
{
    for (int s : {400, 403, 404, 429, 500, 503}) {
        int status = s;
        QByteArray body = R"({"message":"The security token included in the request is invalid."})";
        bedrock::mapConverseResponse(status, body, "m");
        QCOMPARE(status, s);
        JSON_COMPARE(json::parse(body.toStdString())["error"]["message"], json("The security token included in the request is invalid."));
    }
    int status = 200;
    QByteArray body = R"({"unexpected":true})";
    bedrock::mapConverseResponse(status, body, "m");
    QCOMPARE(status, 502);
}

void TestBedrockConverse::streamMapperOnFrames()
{
    const QByteArray frames = bedrockEvent("messageStart", R"({"role":"assistant"})")
        + bedrockEvent("contentBlockDelta", R"({"contentBlockIndex":0,"delta":{"text":"Hé"}})")
        + bedrockEvent("contentBlockStart", R"({"contentBlockIndex":1,"start":{"toolUse":{"toolUseId":"tu1","name":"f"}}})")
        + bedrockEvent("contentBlockDelta", R"({"contentBlockIndex":1,"delta":{"toolUse":{"input":"{\"a\":"}}})")
        + bedrockEvent("contentBlockDelta", R"({"contentBlockIndex":1,"delta":{"toolUse":{"input":"1}"}}})")
        + bedrockEvent("messageStop", R"({"stopReason":"tool_use"})")
        + bedrockEvent("metadata", R"({"usage":{"inputTokens":3,"outputTokens":4,"totalTokens":7}})");
    bedrock::BedrockStreamMapper m("m");
    QByteArray out;
    for (qsizetype i = 0; i < frames.size(); i += 5)
        out += m.map(QByteArrayView(frames).sliced(i, std::min<qsizetype>(5, frames.size() - i)));
    out += m.finish();
    bool done = false;
    const QList<json> c = chunksOf(out, done);
    QVERIFY(done);
    QCOMPARE(c.size(), 6);
    JSON_COMPARE(c[1]["choices"][0]["delta"]["content"], json("Hé"));
    JSON_COMPARE(c[2]["choices"][0]["delta"]["tool_calls"][0], json::parse(R"({"index":0,"id":"tu1","type":"function","function":{"name":"f","arguments":""}})"));
    JSON_COMPARE(c[4]["choices"][0]["delta"]["tool_calls"][0], json::parse(R"({"index":0,"function":{"arguments":"1}"}})"));
    JSON_COMPARE(c[5]["choices"][0]["finish_reason"], json("tool_calls"));
    JSON_COMPARE(c[5]["usage"]["total_tokens"], json(7));
}

void TestBedrockConverse::streamMapperStopsOnCorruptFrame()
{
    QByteArray bad = bedrockEvent("contentBlockDelta", R"({"contentBlockIndex":0,"delta":{"text":"x"}})");
    bad[bad.size() - 8] = char(bad[bad.size() - 8] ^ 0x40);
    bedrock::BedrockStreamMapper m("m");
    QByteArray out = m.map(bedrockEvent("messageStart", R"({"role":"assistant"})") + bad);
    out += m.finish();
    bool done = false;
    const QList<json> c = chunksOf(out, done);
    QVERIFY(!done);
    QVERIFY(c.last().contains("error"));
    QVERIFY(c.last()["error"]["message"].get<std::string>().find("CRC") != std::string::npos);
}

QTEST_GUILESS_MAIN(TestBedrockConverse)
#include "tst_bedrock_converse.moc"
