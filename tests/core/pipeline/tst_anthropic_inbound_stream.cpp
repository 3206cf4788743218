// OpenAI chat.completion.chunk SSE -> Anthropic stream events, fed the way the network delivers it
// (whole, byte by byte, random pieces): text and tool_use blocks with their indexes, input_json_delta
// for argument fragments, stop_reason and usage in message_delta, message_stop last; error events.
#include "pipeline/anthropic_inbound_stream.h"

#include "stream_feeding.h"

#include <QTest>

#include <nlohmann/json.hpp>

using namespace gatehouse;
using json = nlohmann::json;

// Declared before the fixtures: moc does not read multi-line raw string literals.
class TestAnthropicInboundStream : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void translatesInAnyPieces_data();
    void translatesInAnyPieces();
    void randomPieces();
    void incremental();
    void endsWithoutDone();
    void emptyStream();
    void cachedUsageAndStopReasons();
    void errorChunkBecomesErrorEvent();
    void failDropsTheCutChunk();
};

namespace {

QByteArray openAiStream(bool withDone = true)
{
    const char* chunks[] = {
        R"({"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-x","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]})",
        R"({"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-x","choices":[{"index":0,"delta":{"content":"Hel"}}]})",
        "{\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo \xe2\x9c\x93\"}}]}",
        R"({"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-x","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"get_weather","arguments":""}}]}}]})",
        R"({"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-x","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}}]})",
        R"({"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-x","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":" \"SF\"}"}}]}}]})",
        R"({"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-x","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"get_time","arguments":"{}"}}]}}]})",
        R"({"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-x","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]})",
        R"({"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-x","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19}})",
    };
    QByteArray out;
    for (const char* c : chunks)
        out += QByteArray("data: ") + c + "\r\n\r\n";
    if (withDone)
        out += "data: [DONE]\n\n";
    return out;
}

const char* kExpected = R"([
  ["message_start",{"type":"message_start","message":{"id":"<id>","type":"message","role":"assistant","model":"gpt-x","content":[],
                    "stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":0,"output_tokens":0}}}],
  ["content_block_start",{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}],
  ["content_block_delta",{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}],
  ["content_block_delta",{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lo \u2713"}}],
  ["content_block_stop",{"type":"content_block_stop","index":0}],
  ["content_block_start",{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"call_a","name":"get_weather","input":{}}}],
  ["content_block_delta",{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"city\":"}}],
  ["content_block_delta",{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":" \"SF\"}"}}],
  ["content_block_stop",{"type":"content_block_stop","index":1}],
  ["content_block_start",{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"call_b","name":"get_time","input":{}}}],
  ["content_block_delta",{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{}"}}],
  ["content_block_stop",{"type":"content_block_stop","index":2}],
  ["message_delta",{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"input_tokens":12,"output_tokens":7}}],
  ["message_stop",{"type":"message_stop"}]
])";

// Anthropic SSE -> [[event, data], ...]; the message id replaced by "<id>" after checking its form.
// Anything that is not "event: X\ndata: {json}\n\n" shows up as a "<malformed>" entry.
json events(const QByteArray& sse)
{
    json out = json::array();
    qsizetype pos = 0;
    while (pos < sse.size()) {
        const qsizetype end = sse.indexOf("\n\n", pos);
        const QByteArray ev = sse.mid(pos, end < 0 ? -1 : end - pos);
        const QList<QByteArray> lines = ev.split('\n');
        if (end < 0 || lines.size() != 2 || !lines[0].startsWith("event: ") || !lines[1].startsWith("data: ")) {
            out.push_back("<malformed>" + sse.mid(pos).toStdString());
            return out;
        }
        json data = json::parse(lines[1].mid(6).toStdString(), nullptr, false);
        if (data.is_object() && data.contains("message") && data["message"].contains("id")) {
            const std::string id = data["message"]["id"].get<std::string>();
            data["message"]["id"] = id.rfind("msg_", 0) == 0 && id.size() > 8 ? "<id>" : "bad id " + id;
        }
        out.push_back({lines[0].mid(7).toStdString(), data});
        pos = end + 2;
    }
    return out;
}

QByteArray diff(const json& actual, const json& expected)
{
    return QByteArray::fromStdString("\nactual:   " + actual.dump() + "\nexpected: " + expected.dump());
}

} // namespace


void TestAnthropicInboundStream::translatesInAnyPieces_data()
{
    QTest::addColumn<int>("pieceSize");
    QTest::newRow("whole") << 0;
    QTest::newRow("1 byte") << 1;
    QTest::newRow("7 bytes") << 7;
    QTest::newRow("100 bytes") << 100;
}

void TestAnthropicInboundStream::translatesInAnyPieces()
{
    QFETCH(int, pieceSize);
    AnthropicInboundStream s;
    const json out = events(test::feedInPieces(s, openAiStream(), pieceSize));
    const json expected = json::parse(kExpected);
    QVERIFY2(out == expected, diff(out, expected).constData());
}

void TestAnthropicInboundStream::randomPieces()
{
    const json expected = json::parse(kExpected);
    for (quint32 seed = 1; seed <= 20; ++seed) {
        AnthropicInboundStream s;
        const json out = events(test::feedRandomly(s, openAiStream(), seed));
        QVERIFY2(out == expected, diff(out, expected).constData());
    }
}

void TestAnthropicInboundStream::incremental()
{
    // Each chunk's text goes out as soon as its event is complete, not at the end.
    AnthropicInboundStream s;
    const QByteArray sse = openAiStream();
    const qsizetype secondEventEnd = sse.indexOf("\r\n\r\n", sse.indexOf("\r\n\r\n") + 4) + 4;
    const QByteArray early = s.map(sse.left(secondEventEnd));
    QVERIFY2(early.contains("\"text\":\"Hel\""), early.constData());
    QVERIFY(!early.contains("message_stop"));
}

void TestAnthropicInboundStream::endsWithoutDone()
{
    AnthropicInboundStream s;
    const json out = events(test::feedInPieces(s, openAiStream(false), 0));
    QVERIFY2(out == json::parse(kExpected), out.dump().c_str());
}

void TestAnthropicInboundStream::emptyStream()
{
    AnthropicInboundStream s;
    const json out = events(s.finish());
    QCOMPARE(out.size(), std::size_t(3));
    QVERIFY(out[0][0] == "message_start");
    QVERIFY(out[1][0] == "message_delta" && out[1][1]["delta"]["stop_reason"] == "end_turn");
    QVERIFY(out[2][0] == "message_stop");
}

void TestAnthropicInboundStream::cachedUsageAndStopReasons()
{
    AnthropicInboundStream s;
    const QByteArray in = R"(data: {"id":"msg_up","model":"claude-x","choices":[{"index":0,"delta":{"content":"a"},"finish_reason":"length"}],)"
                          R"("usage":{"prompt_tokens":110,"completion_tokens":4,"total_tokens":114,"prompt_tokens_details":{"cached_tokens":100},)"
                          R"("cache_creation_input_tokens":0,"cache_read_input_tokens":100}})" "\n\ndata: [DONE]\n\n";
    QByteArray outBytes = s.map(in);
    outBytes += s.finish();
    QVERIFY(outBytes.contains("\"id\":\"msg_up\""));   // an Anthropic upstream's id is kept
    const json out = events(outBytes);
    const json delta = out[out.size() - 2][1];
    QVERIFY(delta["delta"]["stop_reason"] == "max_tokens");
    const json usage = json::parse(R"({"input_tokens":10,"output_tokens":4,"cache_read_input_tokens":100,"cache_creation_input_tokens":0})");
    QVERIFY2(delta["usage"] == usage, diff(delta["usage"], usage).constData());
}

void TestAnthropicInboundStream::errorChunkBecomesErrorEvent()
{
    AnthropicInboundStream s;
    QByteArray in = openAiStream().left(openAiStream().indexOf("\r\n\r\n") + 4);
    in += R"(data: {"error":{"message":"The connection to openai broke","type":"upstream_error","param":null,"code":"upstream_connection_reset"}})" "\n\n";
    const json out = events(test::feedInPieces(s, in, 3));
    const json last = out.back();
    QVERIFY2(last[0] == "error", out.dump().c_str());
    QVERIFY(last[1] == json::parse(R"({"type":"error","error":{"type":"api_error","message":"The connection to openai broke"}})"));
    for (const auto& e : out)
        QVERIFY(e[0] != "message_stop");
}

// The upstream broke inside a chunk: the half chunk is dropped (it would join the error's data
// lines and hide the error), the gateway's error event ends the stream as Anthropic's.
void TestAnthropicInboundStream::failDropsTheCutChunk()
{
    const QByteArray full = openAiStream();
    const qsizetype second = full.indexOf("\r\n\r\n", full.indexOf("\r\n\r\n") + 4) + 4;   // two whole chunks
    AnthropicInboundStream s;
    QByteArray out = s.map(full.left(second + 30));
    out += s.fail(R"(data: {"error":{"message":"The connection to openai broke","type":"upstream_error","param":null,"code":null}})" "\n\n");
    out += s.finish();   // nothing more after the error
    const json ev = events(out);
    QVERIFY2(ev.size() == 4, ev.dump().c_str());   // message_start, block start, "Hel", error
    QVERIFY(ev[2][1]["delta"]["text"] == "Hel");
    QVERIFY(ev[3] == json::parse(R"(["error",{"type":"error","error":{"type":"api_error","message":"The connection to openai broke"}}])"));

    AnthropicInboundStream timedOut;   // a timeout keeps its type
    const json t = events(timedOut.fail(R"(data: {"error":{"message":"too slow","type":"timeout_error","param":null,"code":null}})" "\n\n"));
    QVERIFY2(t.size() == 1 && t[0][1]["error"]["type"] == "timeout_error", t.dump().c_str());
}

QTEST_GUILESS_MAIN(TestAnthropicInboundStream)
#include "tst_anthropic_inbound_stream.moc"
