// The answer summary written into each log row: model served, finish reason, tool calls, cached tokens.
#include "observability/response_summary.h"

#include <QTest>

using namespace gatehouse;

class TestResponseSummary : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void wholeAnswer();
    void wholeAnswerWithToolCalls();
    void streamedToolCallsAreCountedOncePerIndex();
    void truncatedStreamReadsItsTail();
    void streamTextIsPutTogether();
    void unreadableAnswersStayUnknown();
};

void TestResponseSummary::wholeAnswer()
{
    const QByteArray body = R"({"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-mini-2024-07-18",
        "choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"length"}],
        "usage":{"prompt_tokens":2006,"completion_tokens":300,"total_tokens":2306,
                 "prompt_tokens_details":{"cached_tokens":1920}}})";
    const ResponseSummary s = summarizeResponse(body, {}, false);
    QCOMPARE(s.model, QStringLiteral("gpt-4o-mini-2024-07-18"));
    QCOMPARE(s.finishReason, QStringLiteral("length"));
    QCOMPARE(s.toolCalls, 0);
    QCOMPARE(s.cachedTokens, 1920);
}

void TestResponseSummary::wholeAnswerWithToolCalls()
{
    const QByteArray body = R"({"model":"m","choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant",
        "content":null,"tool_calls":[
          {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
          {"id":"call_2","type":"function","function":{"name":"get_time","arguments":"{}"}}]}}]})";
    const ResponseSummary s = summarizeResponse(body, {}, false);
    QCOMPARE(s.finishReason, QStringLiteral("tool_calls"));
    QCOMPARE(s.toolCalls, 2);
    QCOMPARE(s.cachedTokens, -1);
}

void TestResponseSummary::streamedToolCallsAreCountedOncePerIndex()
{
    // As OpenAI streams two parallel tool calls: the first delta of each carries id and name, later
    // ones only argument fragments under the same index.
    const QByteArray body =
        "data: {\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"a\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}\n\n"
        "data: {\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"x\\\":\"}}]},\"finish_reason\":null}]}\n\n"
        "data: {\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"1}\"}}]},\"finish_reason\":null}]}\n\n"
        "data: {\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"b\",\"arguments\":\"{}\"}}]},\"finish_reason\":null}]}\n\n"
        "data: {\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n"
        "data: {\"model\":\"gpt-4o\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12,\"prompt_tokens_details\":{\"cached_tokens\":0}}}\n\n"
        "data: [DONE]\n\n";
    const ResponseSummary s = summarizeResponse(body, {}, true);
    QCOMPARE(s.model, QStringLiteral("gpt-4o"));
    QCOMPARE(s.finishReason, QStringLiteral("tool_calls"));
    QCOMPARE(s.toolCalls, 2);
    QCOMPARE(s.cachedTokens, 0);
}

void TestResponseSummary::truncatedStreamReadsItsTail()
{
    const QByteArray head = "data: {\"model\":\"claude-sonnet-4\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"aaaa";   // cut mid-event
    const QByteArray tail = "aaaa\"},\"finish_reason\":null}]}\n\n"
                            "data: {\"model\":\"claude-sonnet-4\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                            "data: [DONE]\n\n";
    const ResponseSummary s = summarizeResponse(head, tail, true);
    QCOMPARE(s.model, QStringLiteral("claude-sonnet-4"));
    QCOMPARE(s.finishReason, QStringLiteral("stop"));
    QCOMPARE(s.toolCalls, 0);
}

// The text search needs a stream's words whole: choice 0's deltas joined, other choices and tool-call
// fragments left out, a truncated middle marked as a gap.
void TestResponseSummary::streamTextIsPutTogether()
{
    const QByteArray stream = "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
                              "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Quater\"}}]}\n\n"
                              "data: {\"choices\":[{\"index\":1,\"delta\":{\"content\":\"other choice\"}}]}\n\n"
                              "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"nions rotate\"}}]}\n\n"
                              "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{}\"}}]}}]}\n\n"
                              "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" things.\"},\"finish_reason\":\"stop\"}]}\n\n"
                              "data: [DONE]\n\n";
    QCOMPARE(summarizeResponse(stream, {}, true).text, QStringLiteral("Quaternions rotate things."));
    const QByteArray tail = "x\"}}]}\n\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"the end\"}}]}\n\n";
    QCOMPARE(summarizeResponse(stream.first(140), tail, true).text, QStringLiteral("Quater … the end"));
    // A whole answer is searched as its JSON body: no separate text.
    QVERIFY(summarizeResponse(R"({"choices":[{"message":{"content":"hi"}}]})", {}, false).text.isEmpty());
}

void TestResponseSummary::unreadableAnswersStayUnknown()
{
    for (const QByteArray& body : {QByteArray(), QByteArray("{\"choices\":[{\"mess"), QByteArray("<html>502</html>"),
                                   QByteArray("[1,2]"), QByteArray(R"({"error":{"message":"x"}})")}) {
        const ResponseSummary s = summarizeResponse(body, {}, false);
        QVERIFY(s.model.isEmpty());
        QVERIFY(s.finishReason.isEmpty());
        QCOMPARE(s.toolCalls, -1);
        QCOMPARE(s.cachedTokens, -1);
        const ResponseSummary t = summarizeResponse(body, body, true);
        QCOMPARE(t.toolCalls, -1);
    }
}

QTEST_GUILESS_MAIN(TestResponseSummary)
#include "tst_response_summary.moc"
