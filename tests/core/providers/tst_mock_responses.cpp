// The mock provider's answers: deterministic OpenAI-format bodies users and tests can predict.
#include "observability/usage.h"
#include "providers/mock_responses.h"

#include <QTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>

namespace mock = gatehouse::mock;
using json = nlohmann::json;

namespace {

json userMessage(json content) { return {{"role", "user"}, {"content", std::move(content)}}; }

json chatRequest(const std::string& text)
{
    return {{"model", "gpt-4o"}, {"messages", json::array({userMessage(text)})}};
}

json parse(const QByteArray& raw) { return json::parse(raw.constBegin(), raw.constEnd(), nullptr, false); }

QString str(const json& j) { return QString::fromStdString(j.get<std::string>()); }

// The JSON payload of one "data: {...}\n\n" SSE event.
json sseEvent(const QByteArray& e)
{
    if (!e.startsWith("data: ") || !e.endsWith("\n\n"))
        return json();   // discarded-like null: callers check is_object()
    return parse(e.mid(6, e.size() - 8));
}

std::vector<float> floats(const json& embedding)
{
    std::vector<float> out;
    for (const auto& x : embedding)
        out.push_back(x.get<float>());
    return out;
}

std::vector<float> decodeBase64(const std::string& b64)
{
    const QByteArray raw = QByteArray::fromBase64(QByteArray::fromStdString(b64));
    std::vector<float> out(std::size_t(raw.size()) / sizeof(float));
    std::memcpy(out.data(), raw.constData(), out.size() * sizeof(float));
    return out.size() * sizeof(float) == std::size_t(raw.size()) ? out : std::vector<float>{};
}

double norm(const std::vector<float>& v)
{
    double s = 0;
    for (float x : v)
        s += double(x) * x;
    return std::sqrt(s);
}

} // namespace

class TestMockResponses : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void replyEchoesLastUserMessage();
    void replyFromContentParts();
    void replyWithoutUserText();
    void replyFromPrompt();
    void chatCompletionShape();
    void chunksFormAStream();
    void chunksIncludeUsageOnlyWhenAsked_data();
    void chunksIncludeUsageOnlyWhenAsked();
    void textCompletionChunks();
    void embeddingsDefaultAndDimensions_data();
    void embeddingsDefaultAndDimensions();
    void embeddingsBase64();
    void embeddingsDeterministic();
    void errorBody_data();
    void errorBody();
    void malformedOptionalFieldsDoNotThrow_data();
    void malformedOptionalFieldsDoNotThrow();
};

void TestMockResponses::replyEchoesLastUserMessage()
{
    const json req = {{"model", "m"},
                      {"messages", json::array({{{"role", "system"}, {"content", "be brief"}},
                                                userMessage("first question"),
                                                {{"role", "assistant"}, {"content", "an answer"}},
                                                userMessage("what   is\n up?")})}};
    QCOMPARE(mock::replyText(req), QByteArray("Mock reply to: what is up?"));
}

void TestMockResponses::replyFromContentParts()
{
    const json parts = json::array({{{"type", "text"}, {"text", "describe"}},
                                    {{"type", "image_url"}, {"image_url", {{"url", "data:image/png;base64,AAAA"}}}},
                                    {{"type", "text"}, {"text", "this image"}}});
    const json req = {{"model", "m"}, {"messages", json::array({userMessage(parts)})}};
    QCOMPARE(mock::replyText(req), QByteArray("Mock reply to: describe this image"));
}

void TestMockResponses::replyWithoutUserText()
{
    QCOMPARE(mock::replyText(json::object()), QByteArray("Mock reply."));
    const json onlySystem = {{"messages", json::array({{{"role", "system"}, {"content", "s"}}})}};
    QCOMPARE(mock::replyText(onlySystem), QByteArray("Mock reply."));
}

void TestMockResponses::replyFromPrompt()
{
    QCOMPARE(mock::replyText(json{{"prompt", "Say hi"}}), QByteArray("Mock reply to: Say hi"));
    QCOMPARE(mock::replyText(json{{"prompt", json::array({"first", "second"})}}), QByteArray("Mock reply to: first"));
}

void TestMockResponses::chatCompletionShape()
{
    json req = chatRequest("hello there");
    req["model"] = "gpt-4o@status=200,latency=5";
    const json j = parse(mock::chatCompletion(req, "chatcmpl-7", 1700000000));
    QVERIFY(j.is_object());
    QCOMPARE(str(j.at("id")), QStringLiteral("chatcmpl-7"));
    QCOMPARE(str(j.at("object")), QStringLiteral("chat.completion"));
    QCOMPARE(j.at("created").get<qint64>(), qint64(1700000000));
    QCOMPARE(str(j.at("model")), QStringLiteral("gpt-4o"));   // directives are not part of the model name
    const json& choice = j.at("choices").at(0);
    QCOMPARE(str(choice.at("message").at("role")), QStringLiteral("assistant"));
    QCOMPARE(str(choice.at("message").at("content")), QStringLiteral("Mock reply to: hello there"));
    QCOMPARE(str(choice.at("finish_reason")), QStringLiteral("stop"));
    const json& usage = j.at("usage");
    const qint64 p = usage.at("prompt_tokens").get<qint64>();
    const qint64 c = usage.at("completion_tokens").get<qint64>();
    QVERIFY(p > 0);
    QCOMPARE(c, qint64(5));   // "Mock reply to: hello there" is five words
    QCOMPARE(usage.at("total_tokens").get<qint64>(), p + c);
}

void TestMockResponses::chunksFormAStream()
{
    const json req = chatRequest("tell me a story");
    const auto chunks = mock::chatCompletionChunks(req, "chatcmpl-9", 42);
    QVERIFY(chunks.size() >= 3);
    QCOMPARE(chunks.back(), QByteArray("data: [DONE]\n\n"));

    QString content;
    bool sawStop = false;
    for (std::size_t i = 0; i + 1 < chunks.size(); ++i) {
        const json e = sseEvent(chunks[i]);
        QVERIFY2(e.is_object(), chunks[i].constData());
        QCOMPARE(str(e.at("object")), QStringLiteral("chat.completion.chunk"));
        QCOMPARE(str(e.at("id")), QStringLiteral("chatcmpl-9"));
        QCOMPARE(str(e.at("model")), QStringLiteral("gpt-4o"));
        QVERIFY2(!e.contains("usage"), chunks[i].constData());
        const json& choice = e.at("choices").at(0);
        if (i == 0)
            QCOMPARE(str(choice.at("delta").at("role")), QStringLiteral("assistant"));
        else
            QVERIFY(!choice.at("delta").contains("role"));
        if (choice.at("delta").contains("content"))
            content += str(choice.at("delta").at("content"));
        if (choice.at("finish_reason").is_string()) {
            QCOMPARE(str(choice.at("finish_reason")), QStringLiteral("stop"));
            QCOMPARE(i, chunks.size() - 2);   // the stop chunk is the last before [DONE]
            sawStop = true;
        }
    }
    QVERIFY(sawStop);
    QCOMPARE(content.toUtf8(), mock::replyText(req));
    QVERIFY(chunks.size() > 4);   // streamed word by word, not in one piece
}

void TestMockResponses::chunksIncludeUsageOnlyWhenAsked_data()
{
    QTest::addColumn<bool>("set");
    QTest::addColumn<bool>("includeUsage");
    QTest::newRow("no stream_options") << false << false;
    QTest::newRow("include_usage false") << true << false;
    QTest::newRow("include_usage true") << true << true;
}

void TestMockResponses::chunksIncludeUsageOnlyWhenAsked()
{
    QFETCH(bool, set);
    QFETCH(bool, includeUsage);
    json req = chatRequest("count my tokens please");
    req["stream"] = true;
    if (set)
        req["stream_options"] = {{"include_usage", includeUsage}};
    const auto chunks = mock::chatCompletionChunks(req, "c", 1);
    QCOMPARE(chunks.back(), QByteArray("data: [DONE]\n\n"));

    int usageChunks = 0;
    for (const QByteArray& c : chunks)
        usageChunks += c.contains("\"usage\"") ? 1 : 0;
    QCOMPARE(usageChunks, includeUsage ? 1 : 0);
    if (!includeUsage)
        return;

    // The usage chunk is the last before [DONE], has no choices, and agrees with the non-streamed answer.
    const json u = sseEvent(chunks[chunks.size() - 2]);
    QVERIFY(u.is_object());
    QVERIFY(u.at("choices").is_array() && u.at("choices").empty());
    const json full = parse(mock::chatCompletion(req, "c", 1));
    QCOMPARE(QString::fromStdString(u.at("usage").dump()), QString::fromStdString(full.at("usage").dump()));

    // And the gateway's own usage scan finds it in the stream tail.
    QByteArray stream;
    for (const QByteArray& c : chunks)
        stream += c;
    const auto found = gatehouse::findUsage(stream);
    QVERIFY(found);
    QCOMPARE(found->totalTokens, full.at("usage").at("total_tokens").get<qint64>());
}

void TestMockResponses::textCompletionChunks()
{
    const json req = {{"model", "m"}, {"prompt", "say something"}};
    const auto chunks = mock::textCompletionChunks(req, "cmpl-1", 1);
    QCOMPARE(chunks.back(), QByteArray("data: [DONE]\n\n"));
    QString text;
    for (std::size_t i = 0; i + 1 < chunks.size(); ++i) {
        const json e = sseEvent(chunks[i]);
        QVERIFY(e.is_object());
        QCOMPARE(str(e.at("object")), QStringLiteral("text_completion"));
        text += str(e.at("choices").at(0).at("text"));
    }
    QCOMPARE(text.toUtf8(), mock::replyText(req));
    QCOMPARE(str(parse(mock::textCompletion(req, "cmpl-1", 1)).at("choices").at(0).at("text")).toUtf8(), mock::replyText(req));
}

void TestMockResponses::embeddingsDefaultAndDimensions_data()
{
    QTest::addColumn<int>("dimensions");   // 0: not given
    QTest::addColumn<int>("expected");
    QTest::newRow("default") << 0 << 8;
    QTest::newRow("16") << 16 << 16;
    QTest::newRow("1536") << 1536 << 1536;
}

void TestMockResponses::embeddingsDefaultAndDimensions()
{
    QFETCH(int, dimensions);
    QFETCH(int, expected);
    json req = {{"model", "text-embedding-3-small"}, {"input", json::array({"alpha", "beta", "gamma"})}};
    if (dimensions > 0)
        req["dimensions"] = dimensions;
    const json j = parse(mock::embeddings(req));
    QVERIFY(j.is_object());
    QCOMPARE(str(j.at("object")), QStringLiteral("list"));
    QCOMPARE(str(j.at("model")), QStringLiteral("text-embedding-3-small"));
    const json& data = j.at("data");
    QCOMPARE(data.size(), std::size_t(3));
    for (std::size_t i = 0; i < data.size(); ++i) {
        QCOMPARE(data[i].at("index").get<std::size_t>(), i);
        QCOMPARE(str(data[i].at("object")), QStringLiteral("embedding"));
        const auto v = floats(data[i].at("embedding"));
        QCOMPARE(int(v.size()), expected);
        QVERIFY(std::abs(norm(v) - 1.0) < 1e-3);
    }
    QVERIFY(j.at("usage").at("prompt_tokens").get<qint64>() > 0);
}

void TestMockResponses::embeddingsBase64()
{
    const json asFloat = {{"input", "the same text"}, {"dimensions", 12}};
    json asBase64 = asFloat;
    asBase64["encoding_format"] = "base64";

    const json f = parse(mock::embeddings(asFloat));
    const json b = parse(mock::embeddings(asBase64));
    QVERIFY(b.at("data").at(0).at("embedding").is_string());
    const auto decoded = decodeBase64(b.at("data").at(0).at("embedding").get<std::string>());
    QCOMPARE(decoded.size(), std::size_t(12));
    const auto plain = floats(f.at("data").at(0).at("embedding"));
    QCOMPARE(plain.size(), std::size_t(12));
    for (std::size_t i = 0; i < plain.size(); ++i)
        QCOMPARE(decoded[i], plain[i]);   // little-endian float32, as OpenAI's SDKs decode it
}

void TestMockResponses::embeddingsDeterministic()
{
    const json req = {{"input", json::array({"same", "other", "same"})}};
    const json j = parse(mock::embeddings(req));
    const auto a = floats(j.at("data").at(0).at("embedding"));
    const auto b = floats(j.at("data").at(1).at("embedding"));
    const auto c = floats(j.at("data").at(2).at("embedding"));
    QVERIFY(a == c);
    QVERIFY(a != b);
    // And across calls.
    QCOMPARE(mock::embeddings(req), mock::embeddings(req));
}

void TestMockResponses::errorBody_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("type");
    QTest::newRow("400") << 400 << QStringLiteral("invalid_request_error");
    QTest::newRow("401") << 401 << QStringLiteral("authentication_error");
    QTest::newRow("429") << 429 << QStringLiteral("rate_limit_error");
    QTest::newRow("503") << 503 << QStringLiteral("server_error");
}

void TestMockResponses::errorBody()
{
    QFETCH(int, status);
    QFETCH(QString, type);
    const json j = parse(mock::error(status));
    QVERIFY(j.is_object());
    const json& e = j.at("error");
    QCOMPARE(str(e.at("type")), type);
    QCOMPARE(str(e.at("code")), QStringLiteral("mock_%1").arg(status));
    QVERIFY(str(e.at("message")).contains(QString::number(status)));
}

void TestMockResponses::malformedOptionalFieldsDoNotThrow_data()
{
    // Bodies the pipeline lets through (model and stream are type-checked there, these are not).
    QTest::addColumn<QByteArray>("which");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("embeddings dimensions as string") << QByteArray("embeddings") << QByteArray(R"({"input":"x","dimensions":"16"})");
    QTest::newRow("embeddings encoding_format as number") << QByteArray("embeddings") << QByteArray(R"({"input":"x","encoding_format":1})");
    QTest::newRow("include_usage as string") << QByteArray("chunks")
        << QByteArray(R"({"messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":"yes"}})");
    QTest::newRow("role as number") << QByteArray("chat") << QByteArray(R"({"messages":[{"role":1,"content":"hi"}]})");
    QTest::newRow("content part type as number") << QByteArray("chat")
        << QByteArray(R"({"messages":[{"role":"user","content":[{"type":1,"text":"hi"}]}]})");
    QTest::newRow("content as number") << QByteArray("chat") << QByteArray(R"({"messages":[{"role":"user","content":5}]})");
    QTest::newRow("messages not an array") << QByteArray("chat") << QByteArray(R"({"messages":"hi"})");
}

void TestMockResponses::malformedOptionalFieldsDoNotThrow()
{
    QFETCH(QByteArray, which);
    QFETCH(QByteArray, body);
    const json req = parse(body);
    QVERIFY(req.is_object());
    QByteArray thrown;
    try {
        if (which == "embeddings")
            mock::embeddings(req);
        else if (which == "chunks")
            mock::chatCompletionChunks(req, "c", 1);
        else
            mock::chatCompletion(req, "c", 1);
    } catch (const std::exception& e) {
        thrown = e.what();
    }
    // An exception here escapes MockTransport::start() into the event loop and ends the gateway.
    QVERIFY2(thrown.isEmpty(), thrown.constData());
}

QTEST_GUILESS_MAIN(TestMockResponses)
#include "tst_mock_responses.moc"
