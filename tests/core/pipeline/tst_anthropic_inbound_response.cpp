// The pipeline's OpenAI answers in Anthropic's shapes for /v1/messages: chat.completion -> message
// (text, tool_use, stop_reason, usage with cache tokens), OpenAI error -> Anthropic error by status,
// and the writer filter that picks between them.
#include "pipeline/anthropic_inbound_filter.h"
#include "pipeline/anthropic_inbound_response.h"

#include <QTest>

#include <nlohmann/json.hpp>

using namespace gatehouse;
using json = nlohmann::json;

// Declared before the fixtures: moc does not read multi-line raw string literals.
class TestAnthropicInboundResponse : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void completionBecomesMessage();
    void plainTextAndStopReasons_data();
    void plainTextAndStopReasons();
    void anthropicIdsAndCacheCountersKept();
    void notACompletionPassesUnchanged();
    void errorsByStatus_data();
    void errorsByStatus();
    void filterTranslatesWholeAnswers();
};

namespace {

QByteArray diff(const json& actual, const json& expected)
{
    return QByteArray::fromStdString("\nactual:   " + actual.dump() + "\nexpected: " + expected.dump());
}

const char* kCompletion = R"({"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-x",
  "choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":"Let me check.",
    "tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"SF\"}"}},
                  {"id":"call_2","type":"function","function":{"name":"get_time","arguments":"not json"}}]}}],
  "usage":{"prompt_tokens":30,"completion_tokens":9,"total_tokens":39,"prompt_tokens_details":{"cached_tokens":20}}})";

const char* kMessage = R"({"type":"message","role":"assistant","model":"gpt-x",
  "content":[{"type":"text","text":"Let me check."},
             {"type":"tool_use","id":"call_1","name":"get_weather","input":{"city":"SF"}},
             {"type":"tool_use","id":"call_2","name":"get_time","input":{}}],
  "stop_reason":"tool_use","stop_sequence":null,
  "usage":{"input_tokens":10,"output_tokens":9,"cache_read_input_tokens":20,"cache_creation_input_tokens":0}})";

} // namespace


void TestAnthropicInboundResponse::completionBecomesMessage()
{
    json out = json::parse(anthropic_inbound::toMessage(QByteArray(kCompletion)).toStdString());
    QVERIFY(out["id"].get<std::string>().rfind("msg_", 0) == 0);
    out.erase("id");
    const json expected = json::parse(kMessage);
    QVERIFY2(out == expected, diff(out, expected).constData());
}

void TestAnthropicInboundResponse::plainTextAndStopReasons_data()
{
    QTest::addColumn<QString>("finish");
    QTest::addColumn<QString>("stop");
    QTest::newRow("stop") << "stop" << "end_turn";
    QTest::newRow("length") << "length" << "max_tokens";
    QTest::newRow("tool_calls") << "tool_calls" << "tool_use";
    QTest::newRow("content_filter") << "content_filter" << "refusal";
    QTest::newRow("unknown") << "weird" << "end_turn";
}

void TestAnthropicInboundResponse::plainTextAndStopReasons()
{
    QFETCH(QString, finish);
    QFETCH(QString, stop);
    json c = json::parse(kCompletion);
    c["choices"][0]["finish_reason"] = finish.toStdString();
    c["choices"][0]["message"].erase("tool_calls");
    c["usage"] = {{"prompt_tokens", 5}, {"completion_tokens", 2}, {"total_tokens", 7}};
    const json out = json::parse(anthropic_inbound::toMessage(QByteArray::fromStdString(c.dump())).toStdString());
    QVERIFY(out["stop_reason"] == stop.toStdString());
    QVERIFY(out["content"] == json::parse(R"([{"type":"text","text":"Let me check."}])"));
    QVERIFY(out["usage"] == json::parse(R"({"input_tokens":5,"output_tokens":2})"));
}

void TestAnthropicInboundResponse::anthropicIdsAndCacheCountersKept()
{
    // What the anthropic adapter answers: Anthropic's id and its cache counters beside OpenAI's usage.
    json c = json::parse(kCompletion);
    c["id"] = "msg_abc";
    c["usage"] = json::parse(R"({"prompt_tokens":112,"completion_tokens":3,"total_tokens":115,"prompt_tokens_details":{"cached_tokens":100},
                                 "cache_creation_input_tokens":2,"cache_read_input_tokens":100})");
    const json out = json::parse(anthropic_inbound::toMessage(QByteArray::fromStdString(c.dump())).toStdString());
    QVERIFY(out["id"] == "msg_abc");
    const json usage = json::parse(R"({"input_tokens":10,"output_tokens":3,"cache_read_input_tokens":100,"cache_creation_input_tokens":2})");
    QVERIFY2(out["usage"] == usage, diff(out["usage"], usage).constData());
}

void TestAnthropicInboundResponse::notACompletionPassesUnchanged()
{
    for (const QByteArray& body : {QByteArray("not json"), QByteArray(R"({"data":[]})"), QByteArray()})
        QCOMPARE(anthropic_inbound::toMessage(body), body);
}

void TestAnthropicInboundResponse::errorsByStatus_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("type");
    QTest::newRow("400") << 400 << "invalid_request_error";
    QTest::newRow("401") << 401 << "authentication_error";
    QTest::newRow("403") << 403 << "permission_error";
    QTest::newRow("404") << 404 << "not_found_error";
    QTest::newRow("413") << 413 << "request_too_large";
    QTest::newRow("429") << 429 << "rate_limit_error";
    QTest::newRow("500") << 500 << "api_error";
    QTest::newRow("502") << 502 << "api_error";
    QTest::newRow("529") << 529 << "overloaded_error";
}

void TestAnthropicInboundResponse::errorsByStatus()
{
    QFETCH(int, status);
    QFETCH(QString, type);
    const QByteArray openAi = R"({"error":{"message":"'max_tokens' is required.","type":"invalid_request_error","param":"max_tokens","code":null}})";
    const json e = anthropic_inbound::error(status, openAi);
    const json expected = {{"type", "error"}, {"error", {{"type", type.toStdString()}, {"message", "'max_tokens' is required."}}}};
    QVERIFY2(e == expected, diff(e, expected).constData());
    // A body that is no OpenAI error still gives a message a client can show.
    QVERIFY(anthropic_inbound::error(status, "Bad Gateway")["error"]["message"] == "Bad Gateway");
    QVERIFY(!anthropic_inbound::error(status, "")["error"]["message"].get<std::string>().empty());
}

void TestAnthropicInboundResponse::filterTranslatesWholeAnswers()
{
    AnthropicInboundFilter ok;
    int status = 200;
    HeaderList h{{"content-type", "application/json"}};
    ok.head(status, h, false);
    QCOMPARE(json::parse(ok.whole(200, QByteArray(kCompletion)).toStdString())["type"].get<std::string>(), std::string("message"));

    AnthropicInboundFilter bad;
    status = 502;
    HeaderList eh{{"content-type", "text/html"}};
    bad.head(status, eh, false);
    QCOMPARE(findHeader(eh, "content-type").toByteArray(), QByteArray("application/json"));
    const json e = json::parse(bad.whole(502, "<html>oops</html>").toStdString());
    QVERIFY(e["type"] == "error" && e["error"]["type"] == "api_error");

    // A chunked answer that is no event stream passes through as it is.
    AnthropicInboundFilter raw;
    status = 200;
    HeaderList rh{{"content-type", "application/octet-stream"}};
    raw.head(status, rh, true);
    QCOMPARE(raw.body("abc"), QByteArray("abc"));
    QCOMPARE(raw.finish(), QByteArray());
}

QTEST_GUILESS_MAIN(TestAnthropicInboundResponse)
#include "tst_anthropic_inbound_response.moc"
