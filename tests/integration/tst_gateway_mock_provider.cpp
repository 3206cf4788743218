// The built-in `mock` provider through the real gateway: plain and streamed answers, and the
// directives (status, latency, gap, break) given in the model name or in x-portkey-metadata.

#include "integration_support.h"

#include <QElapsedTimer>
#include <QTest>

using namespace gatehouse;
using namespace gatehouse::itest;
using json = nlohmann::json;

class TestGatewayMockProvider : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void plainChatAnswer();
    void streamWithUsage();
    void statusDirectiveInMetadata();
    void statusDirectiveInModelName_data();
    void statusDirectiveInModelName();
    void metadataDirectiveWinsOverModelName();
    void latencyDirectiveDelaysTheAnswer();
    void gapDirectivePacesTheStream();
    void breakDirectiveEndsStreamWithErrorEvent();
    void badDirectiveGets400();
    void requestTimeoutAppliesToMockLatency();
    void embeddingsModelsAndCompletions();
    void oddlyTypedFieldsNeverGive5xx_data();
    void oddlyTypedFieldsNeverGive5xx();

private:
    std::optional<HttpResponse> call(const QByteArray& body, const RawHeaders& extra = {}, int timeoutMs = 5000)
    {
        return roundTrip(gw_.port(), httpRequest("POST", "/v1/chat/completions", mockHeaders(extra), body), timeoutMs);
    }

    GatewayHarness gw_;
};

void TestGatewayMockProvider::initTestCase()
{
    QVERIFY(gw_.start());
}

void TestGatewayMockProvider::cleanupTestCase()
{
    gw_.service().stopAndWait();
}

void TestGatewayMockProvider::plainChatAnswer()
{
    const auto r = call(chatBody("hi there", "mock-gpt@latency=1"));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(r->header("x-portkey-provider"), QByteArray("mock"));
    const json j = r->json();
    QVERIFY2(j.is_object(), r->body.constData());
    QCOMPARE(j["object"].get<std::string>(), std::string("chat.completion"));
    QCOMPARE(j["model"].get<std::string>(), std::string("mock-gpt"));   // directives stripped
    QCOMPARE(j["choices"][0]["message"]["role"].get<std::string>(), std::string("assistant"));
    QCOMPARE(j["choices"][0]["message"]["content"].get<std::string>(), std::string("Mock reply to: hi there"));
    QCOMPARE(j["choices"][0]["finish_reason"].get<std::string>(), std::string("stop"));
    const json& u = j["usage"];
    QVERIFY(u["prompt_tokens"].is_number_integer());
    QCOMPARE(u["completion_tokens"].get<int>(), 5);   // words of "Mock reply to: hi there"
    QCOMPARE(u["total_tokens"].get<int>(), u["prompt_tokens"].get<int>() + u["completion_tokens"].get<int>());
}

void TestGatewayMockProvider::streamWithUsage()
{
    RawHttpClient c;
    QVERIFY(c.connectTo(gw_.port()));
    c.send(httpRequest("POST", "/v1/chat/completions", mockHeaders(), chatBody("stream this please", "mock-gpt", true, true)));
    const auto r = c.readResponse();
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QVERIFY(r->header("content-type").startsWith("text/event-stream"));
    QVERIFY(r->chunkedTerminatorSeen);
    const QList<SseEvent> events = sseEvents(*r);
    QVERIFY(events.size() >= 4);
    QCOMPARE(events.last().data, QByteArray("[DONE]"));
    QString text;
    json usage;
    for (int i = 0; i + 1 < events.size(); ++i) {
        const json e = json::parse(events[i].data.toStdString(), nullptr, false);
        QVERIFY2(e.is_object(), events[i].data.constData());
        QCOMPARE(e["object"].get<std::string>(), std::string("chat.completion.chunk"));
        if (e.contains("usage") && e["usage"].is_object()) {
            QCOMPARE(i, events.size() - 2);   // the usage chunk comes last, right before [DONE]
            QVERIFY(e["choices"].empty());
            usage = e["usage"];
            continue;
        }
        const json& delta = e["choices"][0]["delta"];
        if (i == 0)
            QCOMPARE(delta["role"].get<std::string>(), std::string("assistant"));
        if (delta.contains("content"))
            text += QString::fromStdString(delta["content"].get<std::string>());
    }
    QCOMPARE(text, QStringLiteral("Mock reply to: stream this please"));
    QVERIFY2(usage.is_object(), r->body.constData());
    QCOMPARE(usage["completion_tokens"].get<int>(), 6);
    QCOMPARE(usage["total_tokens"].get<int>(), usage["prompt_tokens"].get<int>() + 6);
}

void TestGatewayMockProvider::statusDirectiveInMetadata()
{
    const auto r = call(chatBody("fail", "mock-gpt"), {{"x-portkey-metadata", R"({"mock_status":"503","_user":"u1"})"}});
    QVERIFY(r);
    const QString problem = openAiErrorProblem(*r, 503, QStringLiteral("mock_503"));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(r->header("retry-after"), QByteArray("1"));
    QCOMPARE(r->json()["error"]["type"].get<std::string>(), std::string("server_error"));
}

void TestGatewayMockProvider::statusDirectiveInModelName_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("type");
    QTest::newRow("503") << 503 << QStringLiteral("server_error");
    QTest::newRow("429") << 429 << QStringLiteral("rate_limit_error");
    QTest::newRow("401") << 401 << QStringLiteral("authentication_error");
    QTest::newRow("400") << 400 << QStringLiteral("invalid_request_error");
}

void TestGatewayMockProvider::statusDirectiveInModelName()
{
    QFETCH(int, status);
    QFETCH(QString, type);
    for (bool stream : {false, true}) {
        const auto r = call(chatBody("fail", QStringLiteral("mock-gpt@status=%1").arg(status), stream));
        QVERIFY(r);
        const QString problem = openAiErrorProblem(*r, status, QStringLiteral("mock_%1").arg(status));
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QCOMPARE(QString::fromStdString(r->json()["error"]["type"].get<std::string>()), type);
        QCOMPARE(r->hasHeader("retry-after"), status == 429 || status == 503);
    }
}

void TestGatewayMockProvider::metadataDirectiveWinsOverModelName()
{
    const auto r = call(chatBody("both", "mock-gpt@status=429"), {{"x-portkey-metadata", R"({"mock_status":503})"}});
    QVERIFY(r);
    QCOMPARE(r->status, 503);
}

void TestGatewayMockProvider::latencyDirectiveDelaysTheAnswer()
{
    QElapsedTimer t;
    t.start();
    auto r = call(chatBody("slow", "mock-gpt@latency=400"));
    qint64 ms = t.elapsed();
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QVERIFY2(ms >= 390, qPrintable(QString::number(ms)));
    QVERIFY2(ms < 2000, qPrintable(QString::number(ms)));

    t.restart();
    r = call(chatBody("slow too", "mock-gpt"), {{"x-portkey-metadata", R"({"mock_latency_ms":"300"})"}});
    ms = t.elapsed();
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QVERIFY2(ms >= 290, qPrintable(QString::number(ms)));

    t.restart();
    r = call(chatBody("fast", "mock-gpt"));
    QVERIFY(r);
    QVERIFY2(t.elapsed() < 250, qPrintable(QString::number(t.elapsed())));
}

void TestGatewayMockProvider::gapDirectivePacesTheStream()
{
    RawHttpClient c;
    QVERIFY(c.connectTo(gw_.port()));
    c.send(httpRequest("POST", "/v1/chat/completions", mockHeaders(), chatBody("a b", "mock-gpt@gap=80", true)));
    const auto r = c.readResponse();
    QVERIFY(r);
    const QList<SseEvent> events = sseEvents(*r);
    QCOMPARE(events.size(), 8);   // role, "Mock", " reply", " to:", " a", " b", finish, [DONE]
    const qint64 spread = c.arrivalMs(events.last().streamEnd) - c.arrivalMs(events.first().streamEnd);
    QVERIFY2(spread >= 7 * 80 * 3 / 4, qPrintable(QString::number(spread)));
}

void TestGatewayMockProvider::breakDirectiveEndsStreamWithErrorEvent()
{
    RawHttpClient c;
    QVERIFY(c.connectTo(gw_.port()));
    c.send(httpRequest("POST", "/v1/chat/completions", mockHeaders(), chatBody("break it", "mock-gpt@break=3", true)));
    const auto r = c.readResponse();
    QVERIFY2(r, qPrintable(QString::fromUtf8(c.allReceived())));
    QCOMPARE(r->status, 200);
    QVERIFY(r->chunkedTerminatorSeen);
    const QList<SseEvent> events = sseEvents(*r);
    QCOMPARE(events.size(), 4);   // 3 chunks, then the error event
    for (int i = 0; i < 3; ++i)
        QVERIFY(events[i].data.contains("chat.completion.chunk"));
    const json err = json::parse(events[3].data.toStdString(), nullptr, false);
    QVERIFY2(err.contains("error") && err["error"]["message"].is_string(), events[3].data.constData());
    QVERIFY(!r->body.contains("[DONE]"));

    // Metadata form, and the connection is still good afterwards.
    c.send(httpRequest("POST", "/v1/chat/completions", mockHeaders({{"x-portkey-metadata", R"({"mock_break_after":"1"})"}}),
                       chatBody("break early", "mock-gpt", true)));
    const auto r2 = c.readResponse();
    QVERIFY(r2);
    QCOMPARE(sseEvents(*r2).size(), 2);
    QVERIFY(sseEvents(*r2).last().data.startsWith("{\"error\""));
}

void TestGatewayMockProvider::badDirectiveGets400()
{
    for (const char* model : {"mock-gpt@status=abc", "mock-gpt@colour=blue", "mock-gpt@latency", "mock-gpt@status=999"}) {
        const auto r = call(chatBody("bad", QString::fromLatin1(model)));
        QVERIFY(r);
        const QString problem = openAiErrorProblem(*r, 400, QStringLiteral("invalid_mock_directive"));
        QVERIFY2(problem.isEmpty(), qPrintable(QString::fromLatin1(model) + QStringLiteral(": ") + problem));
    }
    const auto r = call(chatBody("bad", "mock-gpt"), {{"x-portkey-metadata", R"({"mock_gap_ms":"-5"})"}});
    QVERIFY(r);
    QCOMPARE(r->status, 400);
}

void TestGatewayMockProvider::requestTimeoutAppliesToMockLatency()
{
    // README: x-portkey-request-timeout "408 when exceeded"; the mock provider exists to try such
    // behaviour offline, so a 1500 ms mock latency against a 200 ms timeout must be a 408.
    QElapsedTimer t;
    t.start();
    const auto r = call(chatBody("timeout", "mock-gpt@latency=1500"), {{"x-portkey-request-timeout", "200"}});
    const qint64 ms = t.elapsed();
    QVERIFY(r);
    QCOMPARE(r->status, 408);
    QVERIFY2(ms < 1000, qPrintable(QString::number(ms)));
}

void TestGatewayMockProvider::embeddingsModelsAndCompletions()
{
    auto r = roundTrip(gw_.port(), httpRequest("POST", "/v1/embeddings", mockHeaders(),
                                               R"({"model":"mock-embedding","input":["a","b"],"dimensions":16})"));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    json j = r->json();
    QCOMPARE(j["data"].size(), std::size_t(2));
    QCOMPARE(j["data"][0]["embedding"].size(), std::size_t(16));

    r = roundTrip(gw_.port(), httpRequest("GET", "/v1/models", {{"x-portkey-provider", "mock"}}));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    j = r->json();
    bool found = false;
    for (const auto& m : j["data"])
        found = found || m["id"] == "mock-gpt";
    QVERIFY2(found, r->body.constData());

    r = roundTrip(gw_.port(), httpRequest("POST", "/v1/completions", mockHeaders(), R"({"model":"mock-gpt","prompt":"legacy"})"));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(r->json()["choices"][0]["text"].get<std::string>(), std::string("Mock reply to: legacy"));
}

void TestGatewayMockProvider::oddlyTypedFieldsNeverGive5xx_data()
{
    // Bad client input is a 4xx or is tolerated, never a 500, and never takes the gateway down.
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("body");
    const QByteArray cc = "/v1/chat/completions";
    const QByteArray emb = "/v1/embeddings";
    QTest::newRow("dimensions string") << emb << QByteArray(R"({"model":"mock-embedding","input":"x","dimensions":"abc"})");
    QTest::newRow("dimensions huge") << emb << QByteArray(R"({"model":"mock-embedding","input":"x","dimensions":1e300})");
    QTest::newRow("encoding_format number") << emb << QByteArray(R"({"model":"mock-embedding","input":"x","encoding_format":5})");
    QTest::newRow("input object") << emb << QByteArray(R"({"model":"mock-embedding","input":{"a":1}})");
    QTest::newRow("input nested arrays") << emb << QByteArray(R"({"model":"mock-embedding","input":[[1,2],[3]]})");
    QTest::newRow("include_usage string") << cc << QByteArray(R"({"model":"mock-gpt","stream":true,"stream_options":{"include_usage":"yes"},"messages":[{"role":"user","content":"x"}]})");
    QTest::newRow("stream_options array") << cc << QByteArray(R"({"model":"mock-gpt","stream":true,"stream_options":[1],"messages":[{"role":"user","content":"x"}]})");
    QTest::newRow("role number") << cc << QByteArray(R"({"model":"mock-gpt","messages":[{"role":5,"content":"x"}]})");
    QTest::newRow("messages object") << cc << QByteArray(R"({"model":"mock-gpt","messages":{"role":"user"}})");
    QTest::newRow("message not object") << cc << QByteArray(R"({"model":"mock-gpt","messages":["hi",3,null]})");
    QTest::newRow("content parts odd") << cc << QByteArray(R"({"model":"mock-gpt","messages":[{"role":"user","content":[{"type":5},{"type":"text","text":7},"x"]}]})");
    QTest::newRow("no messages") << cc << QByteArray(R"({"model":"mock-gpt"})");
    QTest::newRow("prompt number") << QByteArray("/v1/completions") << QByteArray(R"({"model":"mock-gpt","prompt":42})");
    QTest::newRow("deep nesting") << cc << (QByteArray(R"({"model":"mock-gpt","messages":)") + QByteArray(5000, '[') + QByteArray(5000, ']') + "}");
    QTest::newRow("hostile nesting") << cc << (QByteArray(R"({"model":"mock-gpt","messages":)") + QByteArray(400000, '[') + QByteArray(400000, ']') + "}");
    QTest::newRow("model empty") << cc << QByteArray(R"({"model":"","messages":[{"role":"user","content":"x"}]})");
    QTest::newRow("model only directive") << cc << QByteArray(R"({"model":"@latency=1","messages":[{"role":"user","content":"x"}]})");
}

void TestGatewayMockProvider::oddlyTypedFieldsNeverGive5xx()
{
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, body);
    const auto r = roundTrip(gw_.port(), httpRequest("POST", path, mockHeaders(), body));
    QVERIFY2(r, "no answer");
    QVERIFY2(r->status < 500, qPrintable(QString::number(r->status) + QLatin1Char(' ') + QString::fromUtf8(r->body)));
    if (r->status >= 400) {
        const auto j = r->json();
        QVERIFY2(j.is_object() && j.contains("error"), r->body.constData());
    }
    const auto h = roundTrip(gw_.port(), httpRequest("GET", "/health", {}));
    QVERIFY(h);
    QCOMPARE(h->status, 200);
}

QTEST_GUILESS_MAIN(TestGatewayMockProvider)
#include "tst_gateway_mock_provider.moc"
