// findUsage: token usage read from the end of a provider's answer (JSON or SSE) without a full parse.
#include "observability/usage.h"

#include <QTest>

using gatehouse::findUsage;
using gatehouse::Usage;

namespace {

QByteArray describe(const std::optional<Usage>& u)
{
    if (!u)
        return "nullopt";
    return "prompt=" + QByteArray::number(u->promptTokens) + " completion=" + QByteArray::number(u->completionTokens)
         + " total=" + QByteArray::number(u->totalTokens);
}

} // namespace

class TestUsage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void findUsage_data();
    void findUsage();
    void cacheCounters();
};

void TestUsage::findUsage_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("found");
    QTest::addColumn<qint64>("prompt");
    QTest::addColumn<qint64>("completion");
    QTest::addColumn<qint64>("total");

    QTest::newRow("chat.completion")
        << QByteArray(R"({"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o",)"
                      R"("choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],)"
                      R"("usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}})")
        << true << qint64(12) << qint64(3) << qint64(15);

    QTest::newRow("nested details")
        << QByteArray(R"({"object":"chat.completion","choices":[],"usage":{"prompt_tokens":2006,"completion_tokens":300,)"
                      R"("total_tokens":2306,"prompt_tokens_details":{"cached_tokens":1920,"audio_tokens":0},)"
                      R"("completion_tokens_details":{"reasoning_tokens":0,"accepted_prediction_tokens":0}},"system_fingerprint":"fp"})")
        << true << qint64(2006) << qint64(300) << qint64(2306);

    QTest::newRow("pretty-printed")
        << QByteArray("{\n  \"choices\": [],\n  \"usage\" :\n  {\n    \"prompt_tokens\": 5,\n    \"completion_tokens\": 6,\n"
                      "    \"total_tokens\": 11\n  }\n}\n")
        << true << qint64(5) << qint64(6) << qint64(11);

    QTest::newRow("sse tail, last non-null wins")
        << QByteArray("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}],\"usage\":null}\n\n"
                      "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n"
                      "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11}}\n\n"
                      "data: [DONE]\n\n")
        << true << qint64(9) << qint64(2) << qint64(11);

    QTest::newRow("sse, null chunks after the usage chunk")
        << QByteArray("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":1,\"total_tokens\":5}}\n\n"
                      "data: {\"choices\":[{\"delta\":{}}],\"usage\":null}\n\n"
                      "data: [DONE]\n\n")
        << true << qint64(4) << qint64(1) << qint64(5);

    QTest::newRow("sse, cumulative usage in every chunk")
        << QByteArray("data: {\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":1,\"total_tokens\":8}}\n\n"
                      "data: {\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":2,\"total_tokens\":9}}\n\n"
                      "data: {\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3,\"total_tokens\":10}}\n\n")
        << true << qint64(7) << qint64(3) << qint64(10);

    QTest::newRow("no usage")
        << QByteArray(R"({"id":"x","object":"chat.completion","choices":[{"message":{"content":"hi"}}]})")
        << false << qint64(-1) << qint64(-1) << qint64(-1);

    QTest::newRow("only null usage")
        << QByteArray("data: {\"choices\":[],\"usage\":null}\n\ndata: [DONE]\n\n")
        << false << qint64(-1) << qint64(-1) << qint64(-1);

    QTest::newRow("empty") << QByteArray() << false << qint64(-1) << qint64(-1) << qint64(-1);

    QTest::newRow("braces and quotes in content")
        << QByteArray(R"({"choices":[{"message":{"role":"assistant","content":"Use {\"usage\": {\"prompt_tokens\": 999}} or }}{{ \\\" \\"}}],)"
                      R"("usage":{"prompt_tokens":21,"completion_tokens":8,"total_tokens":29}})")
        << true << qint64(21) << qint64(8) << qint64(29);

    QTest::newRow("braces in a string inside usage")
        << QByteArray(R"({"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7,"note":"}{\"}"}})")
        << true << qint64(3) << qint64(4) << qint64(7);

    QTest::newRow("usage as a word in content only")
        << QByteArray(R"({"choices":[{"message":{"content":"the \"usage\": {\"prompt_tokens\": 5}"}}]})")
        << false << qint64(-1) << qint64(-1) << qint64(-1);

    QTest::newRow("total missing is summed")
        << QByteArray(R"({"usage":{"prompt_tokens":10,"completion_tokens":5}})")
        << true << qint64(10) << qint64(5) << qint64(15);

    QTest::newRow("embeddings usage")
        << QByteArray(R"({"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,-0.2]}],)"
                      R"("model":"m","usage":{"prompt_tokens":8,"total_tokens":8}})")
        << true << qint64(8) << qint64(-1) << qint64(8);

    QTest::newRow("truncated tail falls back to an earlier usage")
        << QByteArray("data: {\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}\n\n"
                      "data: {\"usage\":{\"prompt_tokens\":1,\"compl")
        << true << qint64(1) << qint64(1) << qint64(2);
}

void TestUsage::findUsage()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, found);
    QFETCH(qint64, prompt);
    QFETCH(qint64, completion);
    QFETCH(qint64, total);

    const auto u = gatehouse::findUsage(body);
    QVERIFY2(u.has_value() == found, describe(u).constData());
    if (!u)
        return;
    QCOMPARE(u->promptTokens, prompt);
    QCOMPARE(u->completionTokens, completion);
    QCOMPARE(u->totalTokens, total);
}

void TestUsage::cacheCounters()
{
    // OpenAI's cached_tokens and (from the Anthropic adapter) cache_creation_input_tokens, both part
    // of prompt_tokens; no cache writes reported is 0, no cache reads reported is -1.
    auto u = gatehouse::findUsage(R"({"usage":{"prompt_tokens":2006,"completion_tokens":300,"total_tokens":2306,)"
                                  R"("prompt_tokens_details":{"cached_tokens":1920}}})");
    QVERIFY(u);
    QCOMPARE(u->cachedTokens, qint64(1920));
    QCOMPARE(u->cacheWriteTokens, qint64(0));
    u = gatehouse::findUsage(R"({"usage":{"prompt_tokens":1315,"completion_tokens":7,"total_tokens":1322,)"
                             R"("prompt_tokens_details":{"cached_tokens":3},"cache_creation_input_tokens":1300,"cache_read_input_tokens":3}})");
    QVERIFY(u);
    QCOMPARE(u->cachedTokens, qint64(3));
    QCOMPARE(u->cacheWriteTokens, qint64(1300));
    u = gatehouse::findUsage(R"({"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}})");
    QVERIFY(u);
    QCOMPARE(u->cachedTokens, qint64(-1));   // not reported
    QCOMPARE(u->cacheWriteTokens, qint64(0));
}

QTEST_GUILESS_MAIN(TestUsage)
#include "tst_usage.moc"
