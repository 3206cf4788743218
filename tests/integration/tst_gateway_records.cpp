// What observers (the live window, logs) receive from GatewayService::recordsReady: exactly one record
// per API request with the fields filled from the real exchange, never a credential, in batches.

#include "integration_support.h"
#include "mock_upstream.h"

#include <QDateTime>
#include <QTest>

#include <memory>

using namespace gatehouse;
using namespace gatehouse::itest;
using gatehouse::test::MockUpstream;
using json = nlohmann::json;

namespace {

constexpr int kRecordBodyCap = 4096;

// Everything of a record a viewer could show, as one searchable text.
QString everything(const RequestRecord& r)
{
    return recordJson(r) + QLatin1Char('\n') + QString::fromUtf8(r.requestBody) + QLatin1Char('\n')
         + QString::fromUtf8(r.responseBody) + QLatin1Char('\n') + r.errorMessage + QLatin1Char('\n') + r.upstreamUrl
         + QLatin1Char('\n') + r.path;
}

} // namespace

class TestGatewayRecords : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void oneRecordPerApiRequestWithItsFields();
    void generatedTraceIdIsRecorded();
    void headerErrorRecordKeepsTraceAndProvider();
    void recordsNeverContainCredentials();
    void credentialsInUnparseableBodiesAreRedacted();
    void recordedBodiesAreCapped();
    void rapidRequestsArriveInBatches();

private:
    QString host(const QString& prefix = {}) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2/v1").arg(up_->port()).arg(prefix);
    }
    std::optional<HttpResponse> send(QByteArrayView method, QByteArrayView path, const RawHeaders& headers,
                                     QByteArrayView body = {})
    {
        return roundTrip(gw_.port(), httpRequest(method, path, headers, body));
    }
    // Lets records of earlier requests arrive, then forgets them.
    void settle()
    {
        QTest::qWait(150);
        gw_.clearRecords();
    }

    GatewayHarness gw_;
    std::unique_ptr<MockUpstream> up_;
};

void TestGatewayRecords::initTestCase()
{
    GatewaySettings s = testSettings();
    s.recordBodyCapBytes = kRecordBodyCap;
    QVERIFY(gw_.start(s));
}

void TestGatewayRecords::init()
{
    up_ = std::make_unique<MockUpstream>();
    QVERIFY(up_->listen());
    settle();
}

void TestGatewayRecords::cleanup()
{
    up_.reset();
}

void TestGatewayRecords::cleanupTestCase()
{
    gw_.service().stopAndWait();
}

void TestGatewayRecords::oneRecordPerApiRequestWithItsFields()
{
    const QDateTime before = QDateTime::currentDateTime().addSecs(-1);
    auto traced = [](const char* id, const RawHeaders& h) {
        return h + RawHeaders{{"x-portkey-trace-id", id}, {"User-Agent", "itest-agent/1.0"}};
    };

    const QByteArray mockPlainBody = chatBody("record me", "mock-gpt");
    const auto mockPlain = send("POST", "/v1/chat/completions",
                                traced("rec-mock-plain", mockHeaders({{"x-portkey-metadata", R"({"_user":"alice","env":"test","n":3})"}})),
                                mockPlainBody);
    const auto mockStream = send("POST", "/v1/chat/completions", traced("rec-mock-stream", mockHeaders()),
                                 chatBody("stream record", "mock-gpt", true, true));
    const auto openaiPlain = send("POST", "/v1/chat/completions", traced("rec-openai-plain", openAiHeaders(host())),
                                  chatBody("upstream record", "gpt-4o-mini"));
    const auto openaiStream = send("POST", "/v1/chat/completions", traced("rec-openai-stream", openAiHeaders(host())),
                                   chatBody("upstream stream", "gpt-4o-mini", true, true));
    const auto embeddings = send("POST", "/v1/embeddings", traced("rec-embeddings", openAiHeaders(host())),
                                 R"({"model":"text-embedding-3-small","input":"x"})");
    const auto notFound = send("GET", "/v1/nope", traced("rec-404", mockHeaders()));
    const QByteArray broken = "{\"model\":";
    const auto badJson = send("POST", "/v1/chat/completions", traced("rec-400", mockHeaders()), broken);
    const auto upstream503 = send("POST", "/v1/chat/completions", traced("rec-503", openAiHeaders(host(QStringLiteral("/status/503")))),
                                  chatBody("fail", "gpt-4o-mini"));
    const auto health = send("GET", "/health", {{"x-portkey-trace-id", "rec-health"}});   // not an API request
    for (const auto* r : {&mockPlain, &mockStream, &openaiPlain, &openaiStream, &embeddings, &notFound, &badJson, &upstream503, &health})
        QVERIFY(*r);

    QVERIFY(gw_.waitForRecords(8));
    QTest::qWait(200);   // nothing more may follow
    QCOMPARE(gw_.records().size(), std::size_t(8));
    for (const char* id : {"rec-mock-plain", "rec-mock-stream", "rec-openai-plain", "rec-openai-stream", "rec-embeddings",
                           "rec-404", "rec-400", "rec-503"})
        QVERIFY2(gw_.countByTrace(QString::fromLatin1(id)) == 1, id);
    QCOMPARE(gw_.countByTrace(QStringLiteral("rec-health")), 0);

    {   // mock, plain
        const RequestRecord* r = gw_.recordByTrace(QStringLiteral("rec-mock-plain"));
        const json usage = mockPlain->json()["usage"];
        QCOMPARE(r->status, 200);
        QCOMPARE(r->requestId, QString::fromLatin1(mockPlain->header("x-portkey-request-id")));
        QCOMPARE(r->method, QStringLiteral("POST"));
        QCOMPARE(r->path, QStringLiteral("/v1/chat/completions"));
        QCOMPARE(r->provider, QStringLiteral("mock"));
        QCOMPARE(r->model, QStringLiteral("mock-gpt"));
        QCOMPARE(r->stream, false);
        QCOMPARE(r->attempts, 1);
        QCOMPARE(r->promptTokens, usage["prompt_tokens"].get<qint64>());
        QCOMPARE(r->completionTokens, usage["completion_tokens"].get<qint64>());
        QCOMPARE(r->totalTokens, usage["total_tokens"].get<qint64>());
        const std::map<std::string, std::string> md{{"_user", "alice"}, {"env", "test"}, {"n", "3"}};
        QVERIFY(r->metadata == md);
        QCOMPARE(r->requestBody, mockPlainBody);
        QCOMPARE(r->requestBytes, mockPlainBody.size());
        QVERIFY(!r->requestBodyTruncated);
        QCOMPARE(r->responseBody, mockPlain->body);
        QCOMPARE(r->responseBytes, mockPlain->body.size());
        QCOMPARE(r->userAgent, QStringLiteral("itest-agent/1.0"));
        QCOMPARE(r->clientAddress, QStringLiteral("127.0.0.1"));
        QVERIFY(r->errorType.isEmpty());
        QVERIFY(r->receivedAt >= before && r->receivedAt <= QDateTime::currentDateTime());
        QVERIFY(r->totalMs >= 0 && r->totalMs < 5000);
    }
    {   // mock, stream with include_usage
        const RequestRecord* r = gw_.recordByTrace(QStringLiteral("rec-mock-stream"));
        QCOMPARE(r->status, 200);
        QCOMPARE(r->stream, true);
        QCOMPARE(r->provider, QStringLiteral("mock"));
        const QList<SseEvent> events = sseEvents(*mockStream);
        QVERIFY(events.size() >= 2);
        const json usage = json::parse(events[events.size() - 2].data.toStdString())["usage"];
        QCOMPARE(r->promptTokens, usage["prompt_tokens"].get<qint64>());
        QCOMPARE(r->completionTokens, usage["completion_tokens"].get<qint64>());
        QCOMPARE(r->totalTokens, usage["total_tokens"].get<qint64>());
        QVERIFY(r->responseBody.contains("[DONE]"));
    }
    {   // openai, plain
        const RequestRecord* r = gw_.recordByTrace(QStringLiteral("rec-openai-plain"));
        QCOMPARE(r->status, 200);
        QCOMPARE(r->provider, QStringLiteral("openai"));
        QCOMPARE(r->model, QStringLiteral("gpt-4o-mini"));
        QCOMPARE(r->upstreamUrl, host() + QStringLiteral("/chat/completions"));
        QCOMPARE(r->promptTokens, 11);
        QCOMPARE(r->completionTokens, 5);
        QCOMPARE(r->totalTokens, 16);
        QVERIFY(r->upstreamMs >= 0);
        QVERIFY(r->firstByteMs >= 0);
    }
    {   // openai, stream with include_usage
        const RequestRecord* r = gw_.recordByTrace(QStringLiteral("rec-openai-stream"));
        QCOMPARE(r->status, 200);
        QCOMPARE(r->stream, true);
        QCOMPARE(r->promptTokens, 11);
        QCOMPARE(r->completionTokens, 5);
        QCOMPARE(r->totalTokens, 16);
    }
    {
        const RequestRecord* r = gw_.recordByTrace(QStringLiteral("rec-embeddings"));
        QCOMPARE(r->status, 200);
        QCOMPARE(r->path, QStringLiteral("/v1/embeddings"));
        QCOMPARE(r->promptTokens, 3);
        QCOMPARE(r->totalTokens, 3);
        QCOMPARE(r->completionTokens, -1);
    }
    {
        const RequestRecord* r = gw_.recordByTrace(QStringLiteral("rec-404"));
        QCOMPARE(r->status, 404);
        QCOMPARE(r->method, QStringLiteral("GET"));
        QCOMPARE(r->path, QStringLiteral("/v1/nope"));
        QVERIFY(r->provider.isEmpty());
        QCOMPARE(r->errorType, QStringLiteral("invalid_request_error"));
        QVERIFY(!r->errorMessage.isEmpty());
        QCOMPARE(r->responseBody, notFound->body);
    }
    {
        const RequestRecord* r = gw_.recordByTrace(QStringLiteral("rec-400"));
        QCOMPARE(r->status, 400);
        QCOMPARE(r->errorType, QStringLiteral("invalid_request_error"));
        QCOMPARE(r->requestBody, broken);
    }
    {
        const RequestRecord* r = gw_.recordByTrace(QStringLiteral("rec-503"));
        QCOMPARE(r->status, 503);
        QCOMPARE(r->provider, QStringLiteral("openai"));
        QCOMPARE(r->errorType, QStringLiteral("upstream_error"));
        QVERIFY2(r->errorMessage.contains(QStringLiteral("mock upstream error 503")), qPrintable(r->errorMessage));
    }
}

void TestGatewayRecords::generatedTraceIdIsRecorded()
{
    const auto r = send("POST", "/v1/chat/completions", mockHeaders(), chatBody("no trace", "mock-gpt"));
    QVERIFY(r);
    QVERIFY(gw_.waitForRecords(1));
    const RequestRecord& rec = gw_.records().front();
    QCOMPARE(rec.traceId, QString::fromLatin1(r->header("x-portkey-trace-id")));
    QCOMPARE(rec.requestId, QString::fromLatin1(r->header("x-portkey-request-id")));
    QVERIFY(!rec.traceId.isEmpty());
}

void TestGatewayRecords::headerErrorRecordKeepsTraceAndProvider()
{
    const auto r = send("POST", "/v1/chat/completions",
                        openAiHeaders(host(), {{"x-portkey-trace-id", "rec-bad-timeout"}, {"x-portkey-request-timeout", "-1"}}),
                        chatBody("x", "gpt-4o-mini"));
    QVERIFY(r);
    QCOMPARE(r->status, 400);
    QVERIFY(gw_.waitForRecords(1));
    const RequestRecord* rec = gw_.recordByTrace(QStringLiteral("rec-bad-timeout"));
    QVERIFY(rec);
    QCOMPARE(rec->status, 400);
    QCOMPARE(rec->provider, QStringLiteral("openai"));
    QCOMPARE(rec->errorType, QStringLiteral("invalid_request_error"));
    QVERIFY(rec->errorMessage.contains(QLatin1String("x-portkey-request-timeout")));
    QCOMPARE(rec->upstreamMs, -1.0);
    QCOMPARE(rec->attempts, 0);
    QCOMPARE(up_->requestCount(), 0);
}

void TestGatewayRecords::recordsNeverContainCredentials()
{
    const QByteArray config = QByteArray(R"({"provider":"openai","api_key":"sk-SECRET-CONFIG-2","custom_host":")")
                            + host().toUtf8() + "\"}";
    QByteArray bodyWithKey = R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"api_key":"sk-SECRET-BODY-3","user":"u"})";

    QList<std::optional<HttpResponse>> answers;
    answers << send("POST", "/v1/chat/completions",
                    openAiHeaders(host()) + RawHeaders{{"Authorization", "Bearer sk-SECRET-HEADER-1"}}, chatBody("a", "gpt-4o-mini"));
    // openAiHeaders carries sk-test first; send one with only the secret key as well
    answers << send("POST", "/v1/chat/completions",
                    {{"x-portkey-provider", "openai"}, {"Authorization", "Bearer sk-SECRET-HEADER-1"},
                     {"x-portkey-custom-host", host().toUtf8()}, {"Content-Type", "application/json"}},
                    chatBody("b", "gpt-4o-mini", true, true));
    answers << send("POST", "/v1/chat/completions", {{"x-portkey-config", config}, {"Content-Type", "application/json"}},
                    chatBody("c", "gpt-4o-mini"));
    answers << send("POST", "/v1/chat/completions",
                    {{"x-portkey-provider", "openai"}, {"Authorization", "sk-SECRET-HEADER-1"},
                     {"x-portkey-custom-host", host().toUtf8()}, {"Content-Type", "application/json"}},
                    bodyWithKey);
    answers << send("POST", "/v1/chat/completions?api-key=sk-SECRET-QUERY-4",
                    {{"x-portkey-provider", "openai"}, {"Authorization", "Bearer sk-SECRET-HEADER-1"},
                     {"x-portkey-custom-host", host().toUtf8()}, {"Content-Type", "application/json"}},
                    chatBody("d", "gpt-4o-mini"));
    answers << send("POST", "/v1/chat/completions", mockHeaders({{"Authorization", "Bearer sk-SECRET-MOCK-5"}}),
                    chatBody("e", "mock-gpt"));
    // failures: unreachable upstream, upstream 401, missing provider
    answers << send("POST", "/v1/chat/completions",
                    {{"x-portkey-provider", "openai"}, {"Authorization", "Bearer sk-SECRET-HEADER-1"},
                     {"x-portkey-custom-host", "http://127.0.0.1:1/v1"}, {"Content-Type", "application/json"}},
                    chatBody("f", "gpt-4o-mini"));
    answers << send("POST", "/v1/chat/completions",
                    {{"x-portkey-provider", "openai"}, {"Authorization", "Bearer sk-SECRET-HEADER-1"},
                     {"x-portkey-custom-host", host(QStringLiteral("/status/401")).toUtf8()}, {"Content-Type", "application/json"}},
                    chatBody("g", "gpt-4o-mini"));
    answers << send("POST", "/v1/chat/completions", {{"Authorization", "Bearer sk-SECRET-HEADER-1"}, {"Content-Type", "application/json"}},
                    chatBody("h", "gpt-4o-mini"));
    for (const auto& a : answers)
        QVERIFY(a);
    QCOMPARE(answers[0]->status, 200);
    QCOMPARE(answers[2]->status, 200);
    QCOMPARE(answers[3]->status, 200);
    QCOMPARE(answers[4]->status, 200);

    // The secrets did reach the provider (so the test is meaningful) ...
    bool headerSeen = false, configSeen = false, querySeen = false;
    for (const auto& got : up_->received()) {
        headerSeen |= got.header("authorization") == "Bearer sk-SECRET-HEADER-1";
        configSeen |= got.header("authorization") == "Bearer sk-SECRET-CONFIG-2";
        querySeen |= got.path.contains("sk-SECRET-QUERY-4");
    }
    QVERIFY(headerSeen && configSeen && querySeen);

    // ... and none of them is anywhere in a record.
    QVERIFY(gw_.waitForRecords(std::size_t(answers.size())));
    QTest::qWait(100);
    QCOMPARE(gw_.records().size(), std::size_t(answers.size()));
    for (const RequestRecord& r : gw_.records()) {
        const QString all = everything(r);
        QVERIFY2(!all.contains(QLatin1String("SECRET")), qPrintable(all));
    }
    // The body field was replaced, not dropped.
    bool redactedSeen = false;
    for (const RequestRecord& r : gw_.records())
        redactedSeen |= r.requestBody.contains("[REDACTED]");
    QVERIFY(redactedSeen);
}

void TestGatewayRecords::credentialsInUnparseableBodiesAreRedacted()
{
    // A body that is not valid JSON is refused (400/415), but it is still recorded: the credential
    // fields in it must not be kept verbatim ("Records never contain credentials", docs/architecture.md).
    const auto broken = send("POST", "/v1/chat/completions", mockHeaders(),
                             R"({"model":"mock-gpt","api_key":"sk-SECRET-BROKEN-6","messages":[)");
    const auto form = send("POST", "/v1/chat/completions",
                           {{"x-portkey-provider", "mock"}, {"Content-Type", "application/x-www-form-urlencoded"}},
                           "model=mock-gpt&api_key=sk-SECRET-FORM-7");
    QVERIFY(broken && form);
    QCOMPARE(broken->status, 400);
    QCOMPARE(form->status, 415);
    QVERIFY(gw_.waitForRecords(2));
    QStringList leaks;
    for (const RequestRecord& r : gw_.records()) {
        if (everything(r).contains(QLatin1String("SECRET")))
            leaks << QString::fromUtf8(r.requestBody);
    }
    QVERIFY2(leaks.isEmpty(), qPrintable(leaks.join(QStringLiteral(" | "))));
}

void TestGatewayRecords::recordedBodiesAreCapped()
{
    const QByteArray body = chatBody(QString(10'000, QLatin1Char('w')), "mock-gpt");
    const auto r = send("POST", "/v1/chat/completions", mockHeaders({{"x-portkey-trace-id", "rec-big"}}), body);
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QVERIFY(gw_.waitForRecords(1));
    const RequestRecord* rec = gw_.recordByTrace(QStringLiteral("rec-big"));
    QVERIFY(rec);
    QCOMPARE(rec->requestBytes, body.size());
    QVERIFY(rec->requestBodyTruncated);
    QCOMPARE(rec->requestBody.size(), kRecordBodyCap);
    QCOMPARE(rec->requestBody, body.left(kRecordBodyCap));
}

void TestGatewayRecords::rapidRequestsArriveInBatches()
{
    constexpr int kConnections = 4;
    constexpr int kPerConnection = 10;
    constexpr int kTotal = kConnections * kPerConnection;
    std::vector<std::unique_ptr<RawHttpClient>> clients;
    for (int c = 0; c < kConnections; ++c) {
        auto client = std::make_unique<RawHttpClient>();
        QVERIFY(client->connectTo(gw_.port()));
        QByteArray batch;
        for (int i = 0; i < kPerConnection; ++i) {
            batch += httpRequest("POST", "/v1/chat/completions",
                                 mockHeaders({{"x-portkey-trace-id", QByteArray("burst-") + QByteArray::number(c * kPerConnection + i)}}),
                                 chatBody(QStringLiteral("burst %1").arg(i), "mock-gpt"));
        }
        client->send(batch);
        clients.push_back(std::move(client));
    }
    for (auto& client : clients) {
        for (int i = 0; i < kPerConnection; ++i) {
            const auto r = client->readResponse();
            QVERIFY(r);
            QCOMPARE(r->status, 200);
        }
    }
    QVERIFY(gw_.waitForRecords(kTotal));
    QTest::qWait(150);
    QCOMPARE(gw_.records().size(), std::size_t(kTotal));
    for (int i = 0; i < kTotal; ++i)
        QCOMPARE(gw_.countByTrace(QStringLiteral("burst-%1").arg(i)), 1);
    QVERIFY2(gw_.batches() < kTotal / 4, qPrintable(QStringLiteral("%1 records in %2 emissions").arg(kTotal).arg(gw_.batches())));
}

QTEST_GUILESS_MAIN(TestGatewayRecords)
#include "tst_gateway_records.moc"
