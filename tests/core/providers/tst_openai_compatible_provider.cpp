// OpenAICompatibleProvider::buildRequest (and MockProvider's): URL, auth and body of the upstream call.
#include "providers/mock_directives.h"
#include "providers/mock_provider.h"
#include "providers/openai_compatible_provider.h"
#include "providers/provider_registry.h"

#include <QTest>

#include <nlohmann/json.hpp>

using namespace gatehouse;

namespace {

ProviderInfo info(const char* id, const char* baseUrl, bool keyRequired = true, AuthStyle auth = AuthStyle::Bearer)
{
    ProviderInfo i;
    i.id = QString::fromLatin1(id);
    i.name = i.id;
    i.baseUrl = baseUrl;
    i.auth = auth;
    i.keyRequired = keyRequired;
    i.endpoints = {Endpoint::ChatCompletions, Endpoint::Completions, Endpoint::Embeddings, Endpoint::Models};
    return i;
}

const QByteArray kBody = "{\"model\":\"gpt-4o\",  \"messages\":[{\"role\":\"user\",\"content\":\"h\\u00e9 \xc3\xa9\"}],"
                         "\"x_vendor_param\":{\"keep\":[1,2.50,3e2]} }";

QByteArray describe(const std::variant<UpstreamRequest, ApiError>& v)
{
    if (const auto* e = std::get_if<ApiError>(&v))
        return "ApiError " + QByteArray::number(e->status) + " " + e->toJson();
    return "UpstreamRequest";
}

QByteArrayList headerNames(const HeaderList& h)
{
    QByteArrayList out;
    for (const auto& [name, value] : h)
        out << name;
    return out;
}

} // namespace

#define BUILD_OK(req, provider, call)                                                        \
    const auto req##_result = (provider).buildRequest(call);                                 \
    QVERIFY2(std::holds_alternative<UpstreamRequest>(req##_result), describe(req##_result).constData()); \
    const UpstreamRequest& req = std::get<UpstreamRequest>(req##_result)

class TestOpenAICompatibleProvider : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void urlIsBasePlusEndpoint_data();
    void urlIsBasePlusEndpoint();
    void queryIsKept();
    void customHostReplacesBase_data();
    void customHostReplacesBase();
    void bearerAuth();
    void otherAuthStyles_data();
    void otherAuthStyles();
    void missingKeyIs401();
    void missingKeyWithCustomHostIsForwarded();
    void keyOptionalProviderWithoutKey();
    void bodyPassedThroughByteIdentical();
    void getHasNoBody();
    void extraHeadersAndTimeoutCarried();
    void builtInOpenAiUrl();
    void mockProviderCarriesDirectives();
    void mockProviderRejectsBadDirective();
};

void TestOpenAICompatibleProvider::urlIsBasePlusEndpoint_data()
{
    QTest::addColumn<int>("endpoint");
    QTest::addColumn<QByteArray>("url");
    QTest::newRow("chat") << int(Endpoint::ChatCompletions) << QByteArray("https://api.example.com/v1/chat/completions");
    QTest::newRow("completions") << int(Endpoint::Completions) << QByteArray("https://api.example.com/v1/completions");
    QTest::newRow("embeddings") << int(Endpoint::Embeddings) << QByteArray("https://api.example.com/v1/embeddings");
}

void TestOpenAICompatibleProvider::urlIsBasePlusEndpoint()
{
    QFETCH(int, endpoint);
    QFETCH(QByteArray, url);
    OpenAICompatibleProvider p(info("ex", "https://api.example.com/v1"));
    ProviderCall call;
    call.endpoint = Endpoint(endpoint);
    call.body = &kBody;
    call.apiKey = QStringLiteral("sk-1");
    BUILD_OK(r, p, call);
    QCOMPARE(r.url, url);
    QCOMPARE(r.method, QByteArray("POST"));
}

void TestOpenAICompatibleProvider::queryIsKept()
{
    OpenAICompatibleProvider p(info("ex", "https://api.example.com/v1"));
    ProviderCall call;
    call.body = &kBody;
    call.apiKey = QStringLiteral("sk-1");
    call.query = "api-version=2024-02-01&foo=bar";
    BUILD_OK(r, p, call);
    QCOMPARE(r.url, QByteArray("https://api.example.com/v1/chat/completions?api-version=2024-02-01&foo=bar"));
}

void TestOpenAICompatibleProvider::customHostReplacesBase_data()
{
    QTest::addColumn<QByteArray>("host");
    QTest::newRow("plain") << QByteArray("http://localhost:9/v1");
    QTest::newRow("trailing slash") << QByteArray("http://localhost:9/v1/");
    QTest::newRow("two trailing slashes") << QByteArray("http://localhost:9/v1//");
}

void TestOpenAICompatibleProvider::customHostReplacesBase()
{
    QFETCH(QByteArray, host);
    OpenAICompatibleProvider p(info("ex", "https://api.example.com/v1"));
    ProviderCall call;
    call.body = &kBody;
    call.apiKey = QStringLiteral("sk-1");
    call.customHost = host;
    BUILD_OK(r, p, call);
    QCOMPARE(r.url, QByteArray("http://localhost:9/v1/chat/completions"));
}

void TestOpenAICompatibleProvider::bearerAuth()
{
    OpenAICompatibleProvider p(info("ex", "https://api.example.com/v1"));
    ProviderCall call;
    call.body = &kBody;
    call.apiKey = QStringLiteral("sk-secret-1");
    BUILD_OK(r, p, call);
    QCOMPARE(findHeader(r.headers, "authorization").toByteArray(), QByteArray("Bearer sk-secret-1"));
    QCOMPARE(findHeader(r.headers, "content-type").toByteArray(), QByteArray("application/json"));
    // Exactly one credential header.
    QCOMPARE(headerNames(r.headers).count("authorization"), qsizetype(1));
    QVERIFY(!hasHeader(r.headers, "x-api-key"));
    QVERIFY(!hasHeader(r.headers, "api-key"));
}

void TestOpenAICompatibleProvider::otherAuthStyles_data()
{
    QTest::addColumn<int>("style");
    QTest::addColumn<QByteArray>("header");
    QTest::newRow("x-api-key") << int(AuthStyle::XApiKey) << QByteArray("x-api-key");
    QTest::newRow("api-key") << int(AuthStyle::ApiKey) << QByteArray("api-key");
}

void TestOpenAICompatibleProvider::otherAuthStyles()
{
    QFETCH(int, style);
    QFETCH(QByteArray, header);
    OpenAICompatibleProvider p(info("ex", "https://api.example.com/v1", true, AuthStyle(style)));
    ProviderCall call;
    call.body = &kBody;
    call.apiKey = QStringLiteral("k-1");
    BUILD_OK(r, p, call);
    QCOMPARE(findHeader(r.headers, header).toByteArray(), QByteArray("k-1"));
    QVERIFY(!hasHeader(r.headers, "authorization"));
}

void TestOpenAICompatibleProvider::missingKeyIs401()
{
    OpenAICompatibleProvider p(info("groq", "https://api.groq.com/openai/v1"));
    ProviderCall call;
    call.body = &kBody;
    const auto result = p.buildRequest(call);
    const auto* e = std::get_if<ApiError>(&result);
    QVERIFY(e);
    QCOMPARE(e->status, 401);
    QCOMPARE(e->code, QStringLiteral("missing_api_key"));
    QCOMPARE(e->type, QStringLiteral("authentication_error"));
    QVERIFY(e->message.contains(QStringLiteral("groq")));
}

void TestOpenAICompatibleProvider::missingKeyWithCustomHostIsForwarded()
{
    // A custom host may be a local server that needs no key.
    OpenAICompatibleProvider p(info("openai", "https://api.openai.com/v1"));
    ProviderCall call;
    call.body = &kBody;
    call.customHost = "http://localhost:8000/v1";
    BUILD_OK(r, p, call);
    QCOMPARE(r.url, QByteArray("http://localhost:8000/v1/chat/completions"));
    QVERIFY(!hasHeader(r.headers, "authorization"));
}

void TestOpenAICompatibleProvider::keyOptionalProviderWithoutKey()
{
    const auto reg = ProviderRegistry::builtIn();
    const Provider* ollama = reg->find(QStringLiteral("ollama"));
    QVERIFY(ollama);
    ProviderCall call;
    call.body = &kBody;
    BUILD_OK(r, *ollama, call);
    QCOMPARE(r.url, QByteArray("http://localhost:11434/v1/chat/completions"));
    QVERIFY(!hasHeader(r.headers, "authorization"));
    QCOMPARE(r.body, kBody);

    // With a key it is sent after all.
    call.apiKey = QStringLiteral("ollama-key");
    BUILD_OK(r2, *ollama, call);
    QCOMPARE(findHeader(r2.headers, "authorization").toByteArray(), QByteArray("Bearer ollama-key"));
}

void TestOpenAICompatibleProvider::bodyPassedThroughByteIdentical()
{
    OpenAICompatibleProvider p(info("ex", "https://api.example.com/v1"));
    const auto parsed = nlohmann::json::parse(kBody.constBegin(), kBody.constEnd());
    ProviderCall call;
    call.body = &kBody;
    call.bodyJson = &parsed;
    call.apiKey = QStringLiteral("sk-1");
    BUILD_OK(r, p, call);
    QCOMPARE(r.body, kBody);   // spacing, escapes, number spelling and unknown fields kept
}

void TestOpenAICompatibleProvider::getHasNoBody()
{
    OpenAICompatibleProvider p(info("ex", "https://api.example.com/v1"));
    ProviderCall call;
    call.endpoint = Endpoint::Models;
    call.method = "GET";
    call.apiKey = QStringLiteral("sk-1");
    BUILD_OK(r, p, call);
    QCOMPARE(r.method, QByteArray("GET"));
    QCOMPARE(r.url, QByteArray("https://api.example.com/v1/models"));
    QVERIFY(r.body.isEmpty());
    QVERIFY(!hasHeader(r.headers, "content-type"));
    QCOMPARE(findHeader(r.headers, "authorization").toByteArray(), QByteArray("Bearer sk-1"));
}

void TestOpenAICompatibleProvider::extraHeadersAndTimeoutCarried()
{
    OpenAICompatibleProvider p(info("ex", "https://api.example.com/v1"));
    ProviderCall call;
    call.body = &kBody;
    call.apiKey = QStringLiteral("sk-1");
    call.extraHeaders = {{"x-custom-id", "c-1"}, {"openai-project", "proj_1"}};
    call.timeoutMs = 4321;
    BUILD_OK(r, p, call);
    QCOMPARE(findHeader(r.headers, "x-custom-id").toByteArray(), QByteArray("c-1"));
    QCOMPARE(findHeader(r.headers, "openai-project").toByteArray(), QByteArray("proj_1"));
    QCOMPARE(r.timeoutMs, 4321);
}

void TestOpenAICompatibleProvider::builtInOpenAiUrl()
{
    const auto reg = ProviderRegistry::builtIn();
    ProviderCall call;
    call.body = &kBody;
    call.apiKey = QStringLiteral("sk-1");
    BUILD_OK(r, *reg->find(QStringLiteral("openai")), call);
    QCOMPARE(r.url, QByteArray("https://api.openai.com/v1/chat/completions"));
    BUILD_OK(g, *reg->find(QStringLiteral("groq")), call);
    QCOMPARE(g.url, QByteArray("https://api.groq.com/openai/v1/chat/completions"));
}

void TestOpenAICompatibleProvider::mockProviderCarriesDirectives()
{
    const auto reg = ProviderRegistry::builtIn();
    const Provider* mock = reg->find(QStringLiteral("mock"));
    QVERIFY(mock);
    const QByteArray body = R"({"model":"gpt@status=503,latency=20,gap=5,break=2","messages":[]})";
    const auto parsed = nlohmann::json::parse(body.constBegin(), body.constEnd());
    ProviderCall call;
    call.body = &body;
    call.bodyJson = &parsed;
    BUILD_OK(r, *mock, call);   // no key needed
    QCOMPARE(r.body, body);
    const MockDirectives d = MockDirectives::fromHeaders(r.headers);
    QCOMPARE(d.status, 503);
    QCOMPARE(d.latencyMs, 20);
    QCOMPARE(d.gapMs, 5);
    QCOMPARE(d.breakAfter, 2);
}

void TestOpenAICompatibleProvider::mockProviderRejectsBadDirective()
{
    const auto reg = ProviderRegistry::builtIn();
    const QByteArray body = R"({"model":"gpt@status=99"})";
    const auto parsed = nlohmann::json::parse(body.constBegin(), body.constEnd());
    ProviderCall call;
    call.body = &body;
    call.bodyJson = &parsed;
    const auto result = reg->find(QStringLiteral("mock"))->buildRequest(call);
    const auto* e = std::get_if<ApiError>(&result);
    QVERIFY(e);
    QCOMPARE(e->status, 400);
    QCOMPARE(e->code, QStringLiteral("invalid_mock_directive"));
}

QTEST_GUILESS_MAIN(TestOpenAICompatibleProvider)
#include "tst_openai_compatible_provider.moc"
