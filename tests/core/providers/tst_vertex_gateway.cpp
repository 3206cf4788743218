// Vertex AI end to end: the real gateway (GatewayService on an ephemeral port) in front of a mock
// Vertex AI that speaks Vertex's URLs and Gemini's / Anthropic's bodies, and a mock OAuth token
// service that verifies the gateway's signed JWT with the service account's public key. Clients
// speak OpenAI only.

#include "integration_support.h"
#include "keys/key_snapshot.h"
#include "test_rsa_key.h"
#include "vertex_mock_upstream.h"

#include <QTest>

using namespace gatehouse;
using namespace gatehouse::itest;
using gatehouse::test::TestRsaKey;
using gatehouse::test::VertexMockUpstream;
using json = nlohmann::json;

namespace {

const char* const kWeatherTool = R"([{"type":"function","function":{"name":"get_weather","description":"Weather now",
    "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}])";

QByteArray chat(const std::string& model, const std::string& text, bool stream = false, bool tools = false)
{
    json j = {{"model", model}, {"messages", json::array({{{"role", "system"}, {"content", "Be brief."}},
                                                          {{"role", "user"}, {"content", text}}})}};
    if (stream)
        j["stream"] = true;
    if (tools)
        j["tools"] = json::parse(kWeatherTool);
    return QByteArray::fromStdString(j.dump());
}

struct Stream {
    bool done = false;
    QString text;
    json finishReason;
    json usage;
    json toolCall;   // the first tool-call delta with a name
};

Stream parseStream(const HttpResponse& r)
{
    Stream s;
    for (const SseEvent& e : sseEvents(r)) {
        if (e.data == "[DONE]") {
            s.done = true;
            continue;
        }
        const json j = json::parse(e.data.toStdString(), nullptr, false);
        if (!j.is_object())
            continue;
        if (j.contains("usage") && j["usage"].is_object())
            s.usage = j["usage"];
        if (!j.contains("choices"))
            continue;
        for (const auto& c : j["choices"]) {
            const json& d = c["delta"];
            if (d.contains("content") && d["content"].is_string())
                s.text += QString::fromStdString(d["content"].get<std::string>());
            if (d.contains("tool_calls") && s.toolCall.is_null() && d["tool_calls"][0].contains("function")
                && d["tool_calls"][0]["function"].contains("name"))
                s.toolCall = d["tool_calls"][0];
            if (!c["finish_reason"].is_null())
                s.finishReason = c["finish_reason"];
        }
    }
    return s;
}

bool containsSecret(const RequestRecord& r, const QByteArray& secret)
{
    return recordJson(r).toUtf8().contains(secret);
}

} // namespace

class TestVertexGateway : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();

    void geminiPlainChat();
    void geminiStreamAndToolCall();
    void claudePlainChat();
    void claudeStreamAndToolCall();
    void errorsKeepStatusAndMessage();
    void serviceAccountTokenIsMintedOnceAndReused();
    void serviceAccountFromConfig();
    void refusedServiceAccountIs401AndNotCached();
    void missingSettingsAre400();
    void configTargetTakesRegionAndProjectFromItsVirtualKey();
    void embeddingsThroughPredict();
    void llamaAndMistralSpeakOpenAi();

private:
    RawHeaders headers(const RawHeaders& extra = {}, const QByteArray& token = VertexMockUpstream::kStaticToken) const
    {
        RawHeaders h{{"x-portkey-provider", "vertex-ai"}, {"x-portkey-custom-host", vertex_.baseUrl().toUtf8()},
                     {"x-portkey-vertex-project-id", "proj-test"}, {"x-portkey-vertex-region", "us-east5"},
                     {"Content-Type", "application/json"}};
        if (!token.isEmpty())
            h.append({"Authorization", "Bearer " + token});
        return h + extra;
    }
    std::optional<HttpResponse> post(const RawHeaders& h, const QByteArray& body)
    {
        return roundTrip(gw_.port(), httpRequest("POST", "/v1/chat/completions", h, body), 15000);
    }
    const RequestRecord* record(const char* trace)
    {
        const RequestRecord* rec = nullptr;
        (void)QTest::qWaitFor([&] { return (rec = gw_.recordByTrace(QString::fromLatin1(trace))) != nullptr; }, 5000);
        return rec;
    }

    GatewayHarness gw_;
    VertexMockUpstream vertex_;
    TestRsaKey key_;
};

void TestVertexGateway::initTestCase()
{
    QVERIFY(vertex_.listen());
    key_ = TestRsaKey::generate();
    QVERIFY(key_.privatePem.startsWith("-----BEGIN PRIVATE KEY-----"));
    vertex_.setPublicKey(key_.publicPem);
    QVERIFY(gw_.start());
}

void TestVertexGateway::cleanupTestCase()
{
    gw_.service().stopAndWait();
}

void TestVertexGateway::init()
{
    vertex_.clear();
    vertex_.refuseTokens(false);
    gw_.clearRecords();
}

void TestVertexGateway::geminiPlainChat()
{
    const auto r = post(headers({{"x-portkey-trace-id", "t-vx-gemini"}}), chat("gemini-2.5-flash", "hello vertex"));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(r->header("x-portkey-provider"), QByteArray("vertex-ai"));
    const json j = r->json();
    QVERIFY2(j["choices"][0]["message"]["content"] == "Hello from Gemini mock: hello vertex", r->body.constData());
    QVERIFY(j["object"] == "chat.completion");
    QCOMPARE(j["usage"]["total_tokens"].get<int>(), 17);

    const auto up = vertex_.lastRequest();
    QCOMPARE(up.path, QByteArray("/v1/projects/proj-test/locations/us-east5/publishers/google/models/gemini-2.5-flash:generateContent"));
    QCOMPARE(up.header("authorization"), QByteArray("Bearer ") + VertexMockUpstream::kStaticToken);
    QVERIFY(up.header("x-goog-api-key").isEmpty());
    const json sent = json::parse(up.body.toStdString());
    QVERIFY(sent["systemInstruction"]["parts"][0]["text"] == "Be brief.");

    const RequestRecord* rec = record("t-vx-gemini");
    QVERIFY(rec);
    QCOMPARE(rec->provider, QStringLiteral("vertex-ai"));
    QCOMPARE(rec->totalTokens, 17);
    QVERIFY(!containsSecret(*rec, VertexMockUpstream::kStaticToken));
}

void TestVertexGateway::geminiStreamAndToolCall()
{
    auto r = post(headers(), chat("google.gemini-2.5-pro", "stream it", true));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QVERIFY(r->header("content-type").startsWith("text/event-stream"));
    Stream s = parseStream(*r);
    QVERIFY2(s.done, r->body.constData());
    QCOMPARE(s.text, QStringLiteral("Hello from Gemini mock: stream it"));
    QVERIFY(s.finishReason == "stop");
    QCOMPARE(s.usage["total_tokens"].get<int>(), 17);
    QCOMPARE(vertex_.lastRequest().target,
             QByteArray("/v1/projects/proj-test/locations/us-east5/publishers/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse"));

    r = post(headers(), chat("gemini-tool", "Weather in Paris?", true, true));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    s = parseStream(*r);
    QVERIFY(s.done);
    QVERIFY(s.finishReason == "tool_calls");
    QVERIFY2(s.toolCall["function"]["name"] == "get_weather", r->body.constData());
    QVERIFY(s.toolCall["index"] == 0);
}

void TestVertexGateway::claudePlainChat()
{
    const auto r = post(headers({{"x-portkey-trace-id", "t-vx-claude"}}), chat("anthropic.claude-mock@20250101", "hello claude"));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    const json j = r->json();
    QVERIFY2(j["choices"][0]["message"]["content"] == "Hello from Anthropic mock: hello claude", r->body.constData());
    QVERIFY(j["choices"][0]["finish_reason"] == "stop");
    QCOMPARE(j["usage"]["prompt_tokens"].get<int>(), 15);
    QCOMPARE(j["usage"]["total_tokens"].get<int>(), 22);

    const auto up = vertex_.lastRequest();
    QCOMPARE(up.path, QByteArray("/v1/projects/proj-test/locations/us-east5/publishers/anthropic/models/claude-mock@20250101:rawPredict"));
    const json sent = json::parse(up.body.toStdString());
    QVERIFY(!sent.contains("model"));
    QVERIFY(sent["anthropic_version"] == "vertex-2023-10-16");
    QVERIFY(sent["system"][0]["text"] == "Be brief.");
    QVERIFY(up.header("x-api-key").isEmpty());

    const RequestRecord* rec = record("t-vx-claude");
    QVERIFY(rec);
    QCOMPARE(rec->totalTokens, 22);
}

void TestVertexGateway::claudeStreamAndToolCall()
{
    auto r = post(headers(), chat("claude-mock@20250101", "stream claude", true));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    Stream s = parseStream(*r);
    QVERIFY2(s.done, r->body.constData());
    QCOMPARE(s.text, QStringLiteral("Hello from Anthropic mock: stream claude"));
    QCOMPARE(s.usage["total_tokens"].get<int>(), 22);
    QVERIFY(vertex_.lastRequest().path.endsWith("/publishers/anthropic/models/claude-mock@20250101:streamRawPredict"));

    r = post(headers(), chat("anthropic.claude-tool", "Weather in Paris?", true, true));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    s = parseStream(*r);
    QVERIFY(s.finishReason == "tool_calls");
    QVERIFY2(s.toolCall["function"]["name"] == "get_weather", r->body.constData());
    QVERIFY(s.toolCall["id"] == "toolu_mock_1");
}

void TestVertexGateway::errorsKeepStatusAndMessage()
{
    // Vertex's own 404 for a Claude model (Google's error shape).
    auto r = post(headers(), chat("anthropic.claude-vertex-404", "hi"));
    QVERIFY(r);
    QCOMPARE(r->status, 404);
    json j = r->json();
    QVERIFY2(j["error"]["message"].get<std::string>().starts_with("Publisher Model `projects/proj-test/"), r->body.constData());
    QVERIFY(j["error"]["code"] == "NOT_FOUND");

    // A Claude model's own error (Anthropic's shape), and a Gemini one.
    r = post(headers(), chat("anthropic.claude-error-529", "hi"));
    QVERIFY(r);
    QCOMPARE(r->status, 529);
    QVERIFY(r->json()["error"]["type"] == "overloaded_error");
    r = post(headers(), chat("gemini-error-429", "hi"));
    QVERIFY(r);
    QCOMPARE(r->status, 429);
    QVERIFY(r->json()["error"]["code"] == "RESOURCE_EXHAUSTED");

    // A token Vertex does not accept.
    r = post(headers({}, "ya29.expired"), chat("gemini-2.5-flash", "hi"));
    QVERIFY(r);
    QCOMPARE(r->status, 401);
    QVERIFY(r->json()["error"]["code"] == "UNAUTHENTICATED");
}

void TestVertexGateway::serviceAccountTokenIsMintedOnceAndReused()
{
    const QByteArray sa = QByteArray::fromStdString(key_.serviceAccount(vertex_.tokenUri().toStdString(), "sa-project").dump());
    const int before = vertex_.tokensIssued();
    const RawHeaders h{{"x-portkey-provider", "vertex-ai"}, {"x-portkey-custom-host", vertex_.baseUrl().toUtf8()},
                       {"x-portkey-vertex-region", "us-central1"}, {"x-portkey-vertex-service-account-json", sa},
                       {"x-portkey-trace-id", "t-vx-sa"}, {"Content-Type", "application/json"}};
    auto r = post(h, chat("gemini-2.5-flash", "first"));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(vertex_.tokensIssued(), before + 1);
    const QByteArray token = "ya29.mock-" + QByteArray::number(before + 1);
    const auto up = vertex_.lastRequest();
    QCOMPARE(up.header("authorization"), "Bearer " + token);
    QVERIFY(up.path.startsWith("/v1/projects/sa-project/locations/us-central1/"));
    const json claims = json::parse(vertex_.lastAssertionClaims().toStdString());
    QVERIFY(claims["iss"] == "gateway@mock-project.iam.gserviceaccount.com");
    QVERIFY(claims["aud"] == vertex_.tokenUri().toStdString());

    // The next requests (plain and streamed, Gemini and Claude) reuse the cached token.
    r = post(h, chat("gemini-2.5-flash", "second", true));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QVERIFY(parseStream(*r).done);
    r = post(h, chat("anthropic.claude-mock", "third"));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(vertex_.tokensIssued(), before + 1);
    QCOMPARE(vertex_.lastRequest().header("authorization"), "Bearer " + token);

    // Neither the key nor the token reaches the records.
    QVERIFY(gw_.waitForRecords(3));
    for (const RequestRecord& rec : gw_.records()) {
        QVERIFY(!containsSecret(rec, "PRIVATE KEY"));
        QVERIFY(!containsSecret(rec, key_.privatePem.mid(40, 40)));
        QVERIFY(!containsSecret(rec, token));
    }
}

void TestVertexGateway::serviceAccountFromConfig()
{
    const json config = {{"provider", "vertex-ai"}, {"vertex_region", "europe-west4"}, {"custom_host", vertex_.baseUrl().toStdString()},
                         {"vertex_service_account_json", key_.serviceAccount(vertex_.tokenUri().toStdString(), "cfg-project",
                                                                             "config@cfg-project.iam.gserviceaccount.com")}};
    const RawHeaders h{{"x-portkey-config", QByteArray::fromStdString(config.dump())}, {"Content-Type", "application/json"}};
    const auto r = post(h, chat("gemini-2.5-flash", "from config"));
    QVERIFY(r);
    QVERIFY2(r->status == 200, r->body.constData());
    QVERIFY(vertex_.lastRequest().path.startsWith("/v1/projects/cfg-project/locations/europe-west4/publishers/google/"));
    QVERIFY(json::parse(vertex_.lastAssertionClaims().toStdString())["iss"] == "config@cfg-project.iam.gserviceaccount.com");
}

void TestVertexGateway::refusedServiceAccountIs401AndNotCached()
{
    const QByteArray sa = QByteArray::fromStdString(
        key_.serviceAccount(vertex_.tokenUri().toStdString(), "p", "refused@p.iam.gserviceaccount.com").dump());
    const RawHeaders h = headers({{"x-portkey-vertex-service-account-json", sa}});
    vertex_.refuseTokens(true);
    auto r = post(h, chat("gemini-2.5-flash", "hi"));
    QVERIFY(r);
    QCOMPARE(r->status, 401);
    const json j = r->json();
    QVERIFY2(j["error"]["message"].get<std::string>().find("invalid_grant") != std::string::npos, r->body.constData());
    QVERIFY(j["error"]["code"] == "UNAUTHENTICATED");
    QVERIFY(!r->body.contains("PRIVATE KEY"));
    QCOMPARE(vertex_.requestCount(), 1);   // only the token service was asked

    vertex_.refuseTokens(false);   // a failure is not cached: the next request exchanges again
    r = post(h, chat("gemini-2.5-flash", "hi"));
    QVERIFY(r);
    QCOMPARE(r->status, 200);

    // A token service that cannot be reached: 502 naming it.
    const QByteArray unreachable = QByteArray::fromStdString(
        key_.serviceAccount("http://127.0.0.1:9/token", "p", "nowhere@p.iam.gserviceaccount.com").dump());
    r = post(headers({{"x-portkey-vertex-service-account-json", unreachable}}), chat("gemini-2.5-flash", "hi"));
    QVERIFY(r);
    QCOMPARE(r->status, 502);
    QVERIFY2(r->json()["error"]["message"].get<std::string>().find("token service at 127.0.0.1") != std::string::npos, r->body.constData());
}

void TestVertexGateway::missingSettingsAre400()
{
    RawHeaders h{{"x-portkey-provider", "vertex-ai"}, {"x-portkey-custom-host", vertex_.baseUrl().toUtf8()},
                 {"x-portkey-vertex-project-id", "proj-test"}, {"Authorization", "Bearer x"}, {"Content-Type", "application/json"}};
    auto r = post(h, chat("gemini-2.5-flash", "hi"));
    QVERIFY(r);
    QCOMPARE(openAiErrorProblem(*r, 400, QStringLiteral("missing_parameter")), QString());
    QVERIFY(r->json()["error"]["param"] == "x-portkey-vertex-region");
    r = post(headers({{"x-portkey-vertex-service-account-json", "{\"client_email\":\"a@b\"}"}}), chat("gemini-2.5-flash", "hi"));
    QVERIFY(r);
    QCOMPARE(openAiErrorProblem(*r, 400, QStringLiteral("invalid_service_account")), QString());
    QCOMPARE(vertex_.requestCount(), 0);
}

void TestVertexGateway::configTargetTakesRegionAndProjectFromItsVirtualKey()
{
    auto keys = std::make_shared<KeySnapshot>();
    const auto addKey = [&](const char* slug, const char* region) {
        ResolvedKey k;
        k.key.slug = QString::fromLatin1(slug);
        k.key.provider = QStringLiteral("vertex-ai");
        k.key.customHost = vertex_.baseUrl();
        k.key.vertexProject = QStringLiteral("vk-project");
        k.key.vertexRegion = QString::fromLatin1(region);
        k.secret = QString::fromLatin1(VertexMockUpstream::kStaticToken);
        keys->keys.emplace(k.key.slug, k);
    };
    addKey("vx-full", "europe-west1");
    addKey("vx-no-region", "");
    gw_.service().setKeys(keys);
    const auto viaKey = [&](const char* slug) {
        const json config = {{"provider", "vertex-ai"}, {"virtual_key", slug}};
        return post({{"x-portkey-config", QByteArray::fromStdString(config.dump())}, {"Content-Type", "application/json"}},
                    chat("gemini-2.5-flash", "via key"));
    };

    // The config names no region or project: the key's own are used.
    auto r = viaKey("vx-full");
    QVERIFY(r);
    QVERIFY2(r->status == 200, r->body.constData());
    QCOMPARE(vertex_.lastRequest().path,
             QByteArray("/v1/projects/vk-project/locations/europe-west1/publishers/google/models/gemini-2.5-flash:generateContent"));

    // A key without a region: a 400 naming the missing field, nothing sent upstream.
    vertex_.clear();
    r = viaKey("vx-no-region");
    QVERIFY(r);
    QCOMPARE(openAiErrorProblem(*r, 400, QStringLiteral("missing_parameter")), QString());
    QVERIFY2(r->json()["error"]["message"].get<std::string>().find("vertex_region") != std::string::npos, r->body.constData());
    QCOMPARE(vertex_.requestCount(), 0);
    gw_.service().setKeys(std::make_shared<KeySnapshot>());
}

void TestVertexGateway::embeddingsThroughPredict()
{
    const json body = {{"model", "text-embedding-004"}, {"input", json::array({"hello vertex world", "bonjour"})}};
    auto r = roundTrip(gw_.port(), httpRequest("POST", "/v1/embeddings", headers({{"x-portkey-trace-id", "t-vx-embed"}}),
                                               QByteArray::fromStdString(body.dump())), 15000);
    QVERIFY(r);
    QVERIFY2(r->status == 200, r->body.constData());
    const json j = r->json();
    QVERIFY(j["object"] == "list");
    QCOMPARE(j["data"].size(), std::size_t(2));
    QVERIFY2(j["data"][0]["embedding"] == json::array({3.0, 18.0, 0.5}), r->body.constData());
    QVERIFY(j["data"][1]["index"] == 1);
    QCOMPARE(j["usage"]["prompt_tokens"].get<int>(), 4);
    QCOMPARE(j["usage"]["total_tokens"].get<int>(), 4);

    const auto up = vertex_.lastRequest();
    QCOMPARE(up.path, QByteArray("/v1/projects/proj-test/locations/us-east5/publishers/google/models/text-embedding-004:predict"));
    QVERIFY(json::parse(up.body.toStdString())["instances"][1]["content"] == "bonjour");

    const RequestRecord* rec = record("t-vx-embed");
    QVERIFY(rec);
    QCOMPARE(rec->totalTokens, 4);
    QVERIFY(rec->priceKnown);   // text-embedding-004 is in the catalog under vertex-ai

    // A Claude model cannot embed: a 400 before any call.
    vertex_.clear();
    r = roundTrip(gw_.port(), httpRequest("POST", "/v1/embeddings", headers(),
                                          R"({"model":"anthropic.claude-sonnet-4@20250514","input":"x"})"), 15000);
    QVERIFY(r);
    QCOMPARE(openAiErrorProblem(*r, 400, QStringLiteral("unsupported_model")), QString());
    QCOMPARE(vertex_.requestCount(), 0);
}

void TestVertexGateway::llamaAndMistralSpeakOpenAi()
{
    auto r = post(headers(), chat("meta.llama-3.3-70b-instruct-maas", "hi llama"));
    QVERIFY(r);
    QVERIFY2(r->status == 200, r->body.constData());
    QVERIFY(r->json()["choices"][0]["message"]["content"] == "Hello from meta/llama-3.3-70b-instruct-maas mock: hi llama");
    QCOMPARE(r->json()["usage"]["total_tokens"].get<int>(), 15);
    QCOMPARE(vertex_.lastRequest().path, QByteArray("/v1/projects/proj-test/locations/us-east5/endpoints/openapi/chat/completions"));

    r = post(headers(), chat("mistralai.mistral-small-2503", "hi mistral", true));
    QVERIFY(r);
    QVERIFY2(r->status == 200, r->body.constData());
    const Stream s = parseStream(*r);
    QVERIFY2(s.done, r->body.constData());
    QCOMPARE(s.text, QStringLiteral("Hello from mistral-small-2503 mock: hi mistral"));
    QVERIFY(s.finishReason == "stop");
    QCOMPARE(s.usage["total_tokens"].get<int>(), 15);
    QVERIFY(vertex_.lastRequest().path.endsWith("/publishers/mistralai/models/mistral-small-2503:streamRawPredict"));

    // What OpenAI clients add (user, seed, store) does not reach Mistral, whose API refuses it.
    json extras = json::parse(chat("mistralai.mistral-small-2503", "with extras").toStdString());
    extras["user"] = "user-7";
    extras["seed"] = 3;
    extras["store"] = false;
    r = post(headers(), QByteArray::fromStdString(extras.dump()));
    QVERIFY(r);
    QVERIFY2(r->status == 200, r->body.constData());
    QCOMPARE(json::parse(vertex_.lastRequest().body.toStdString())["random_seed"].get<int>(), 3);

    // A model deployed to an endpoint of one's own.
    r = post(headers(), chat("endpoints.4455667788", "hi endpoint"));
    QVERIFY(r);
    QVERIFY2(r->status == 200, r->body.constData());
    QVERIFY(r->json()["choices"][0]["message"]["content"] == "Hello from endpoint-4455667788 mock: hi endpoint");
    QCOMPARE(vertex_.lastRequest().path, QByteArray("/v1/projects/proj-test/locations/us-east5/endpoints/4455667788/chat/completions"));
}

QTEST_GUILESS_MAIN(TestVertexGateway)
#include "tst_vertex_gateway.moc"
