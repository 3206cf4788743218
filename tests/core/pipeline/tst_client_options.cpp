// parseClientOptions: Portkey's request headers (x-portkey-*, Authorization) as the gateway reads them.
#include "pipeline/client_options.h"

#include <QTest>

#include <initializer_list>

using gatehouse::ApiError;
using gatehouse::ClientOptions;
using gatehouse::HttpRequest;
using gatehouse::parseClientOptions;

namespace {

// Headers as the parser hands them over: names lower-case, values as sent.
HttpRequest request(std::initializer_list<std::pair<const char*, QByteArray>> headers)
{
    HttpRequest r;
    r.method = "POST";
    r.target = r.path = "/v1/chat/completions";
    for (const auto& [name, value] : headers)
        r.headers.emplace_back(QByteArray(name), value);
    return r;
}

QByteArray describe(const std::variant<ClientOptions, ApiError>& v)
{
    if (const auto* e = std::get_if<ApiError>(&v))
        return "ApiError " + QByteArray::number(e->status) + " " + e->toJson();
    return "ClientOptions";
}

std::vector<QByteArray> names(std::initializer_list<const char*> list)
{
    std::vector<QByteArray> out;
    for (const char* n : list)
        out.emplace_back(n);
    return out;
}

} // namespace

// Binds `opts` to the parsed options, failing the test when parsing failed.
#define PARSE_OK(opts, req)                                                              \
    const auto opts##_result = parseClientOptions(req);                                  \
    QVERIFY2(std::holds_alternative<ClientOptions>(opts##_result), describe(opts##_result).constData()); \
    const ClientOptions& opts = std::get<ClientOptions>(opts##_result)

// Binds `err` to the error, failing the test when parsing succeeded.
#define PARSE_ERR(err, req)                                                              \
    const auto err##_result = parseClientOptions(req);                                   \
    QVERIFY2(std::holds_alternative<ApiError>(err##_result), "expected an ApiError, got ClientOptions"); \
    const ApiError& err = std::get<ApiError>(err##_result)

class TestClientOptions : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void configIsKeptVerbatimForTheRoutingStage();
    void noHeadersGiveDefaults();
    void authorization_data();
    void authorization();
    void provider();
    void customHostValid_data();
    void customHostValid();
    void customHostInvalid_data();
    void customHostInvalid();
    void customHostMetadataEndpointSpellings_data();
    void customHostMetadataEndpointSpellings();
    void metadataValid();
    void metadataInvalid_data();
    void metadataInvalid();
    void requestTimeoutValid();
    void requestTimeoutInvalid_data();
    void requestTimeoutInvalid();
    void forwardHeaders();
    void forwardHeadersRefused_data();
    void forwardHeadersRefused();
    void cacheForceRefreshIsPresence_data();
    void cacheForceRefreshIsPresence();
    void strictCompliance_data();
    void strictCompliance();
    void strictComplianceInvalid();
    void tracingHeaders();
    void virtualKey();
    void allPortkeySdkHeadersAccepted();
};

void TestClientOptions::noHeadersGiveDefaults()
{
    const HttpRequest o_req = request({});
    PARSE_OK(o, o_req);
    QVERIFY(o.provider.isEmpty());
    QVERIFY(o.apiKey.isEmpty());
    QVERIFY(o.customHost.isEmpty());
    QVERIFY(o.traceId.isEmpty());
    QVERIFY(o.metadata.empty());
    QCOMPARE(o.requestTimeoutMs, 0);
    QVERIFY(o.forwardHeaders.empty());
    QVERIFY(o.strictOpenAiCompliance);
    QVERIFY(!o.cacheForceRefresh);
    QVERIFY(o.config.isEmpty());
}

void TestClientOptions::authorization_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QString>("key");
    QTest::newRow("bearer") << QByteArray("Bearer sk-abc123") << QStringLiteral("sk-abc123");
    QTest::newRow("bearer lower-case") << QByteArray("bearer sk-abc123") << QStringLiteral("sk-abc123");
    QTest::newRow("bare key") << QByteArray("sk-abc123") << QStringLiteral("sk-abc123");
    QTest::newRow("padded") << QByteArray("  Bearer   sk-abc123  ") << QStringLiteral("sk-abc123");
}

void TestClientOptions::authorization()
{
    QFETCH(QByteArray, header);
    QFETCH(QString, key);
    const HttpRequest o_req = request({{"authorization", header}});
    PARSE_OK(o, o_req);
    QCOMPARE(o.apiKey, key);
}

void TestClientOptions::provider()
{
    const HttpRequest o_req = request({{"x-portkey-provider", " groq "}, {"authorization", "Bearer gsk"}});
    PARSE_OK(o, o_req);
    QCOMPARE(o.provider, QStringLiteral("groq"));
    QCOMPARE(o.apiKey, QStringLiteral("gsk"));
}

void TestClientOptions::customHostValid_data()
{
    QTest::addColumn<QByteArray>("host");
    QTest::newRow("ollama") << QByteArray("http://localhost:11434/v1");
    QTest::newRow("https") << QByteArray("https://llm.example.com/openai/v1");
    QTest::newRow("ipv4 with port") << QByteArray("http://127.0.0.1:8000/v1");
    QTest::newRow("ipv6") << QByteArray("http://[::1]:8080/v1");
}

void TestClientOptions::customHostValid()
{
    QFETCH(QByteArray, host);
    const HttpRequest o_req = request({{"x-portkey-provider", "ollama"}, {"x-portkey-custom-host", host}});
    PARSE_OK(o, o_req);
    QCOMPARE(o.customHost, host);
}

void TestClientOptions::customHostInvalid_data()
{
    QTest::addColumn<QByteArray>("host");
    QTest::newRow("ftp") << QByteArray("ftp://x");
    QTest::newRow("credentials") << QByteArray("http://user:pw@h/v1");
    QTest::newRow("user only") << QByteArray("http://user@h/v1");
    QTest::newRow("aws metadata") << QByteArray("http://169.254.169.254/");
    QTest::newRow("gcp metadata") << QByteArray("http://metadata.google.internal/computeMetadata/v1");
    QTest::newRow("space inside") << QByteArray("http://local host/v1");
    QTest::newRow("space in path") << QByteArray("http://localhost/v 1");
    QTest::newRow("control char") << QByteArray("http://localhost/\tv1");
    QTest::newRow("header injection") << QByteArray("http://localhost/v1\r\nX-Evil: 1");
    QTest::newRow("no scheme") << QByteArray("localhost:11434/v1");
    QTest::newRow("no host") << QByteArray("http:///v1");
    QTest::newRow("query") << QByteArray("http://localhost/v1?key=x");
    QTest::newRow("fragment") << QByteArray("http://localhost/v1#frag");
    QTest::newRow("port not a number") << QByteArray("http://localhost:abc/v1");
    QTest::newRow("port out of range") << QByteArray("http://localhost:99999/v1");
    QTest::newRow("unclosed ipv6") << QByteArray("http://[::1/v1");
    QTest::newRow("percent in host") << QByteArray("http://%31%36%39.254.169.254/");
}

void TestClientOptions::customHostInvalid()
{
    QFETCH(QByteArray, host);
    const HttpRequest e_req = request({{"x-portkey-provider", "openai"}, {"x-portkey-custom-host", host}});
    PARSE_ERR(e, e_req);
    QCOMPARE(e.status, 400);
    QCOMPARE(e.param, QStringLiteral("x-portkey-custom-host"));
    QCOMPARE(e.code, QStringLiteral("invalid_custom_host"));
    QCOMPARE(e.type, QStringLiteral("invalid_request_error"));
    QVERIFY(!e.message.isEmpty());
}

void TestClientOptions::customHostMetadataEndpointSpellings_data()
{
    QTest::addColumn<QByteArray>("host");
    QTest::newRow("upper-case gcp") << QByteArray("http://METADATA.GOOGLE.INTERNAL/");
    QTest::newRow("azure") << QByteArray("http://metadata.azure.com/");
    QTest::newRow("aws ipv6") << QByteArray("http://[fd00:ec2::254]/");
    // Same endpoints, other spellings: curl and getaddrinfo() (inet_aton forms) connect to them all the same.
    QTest::newRow("decimal ipv4") << QByteArray("http://2852039166/latest/meta-data");
    QTest::newRow("hex ipv4") << QByteArray("http://0xa9fea9fe/");
    QTest::newRow("octal ipv4") << QByteArray("http://0251.0376.0251.0376/");
    QTest::newRow("two-part ipv4") << QByteArray("http://169.254.43518/");
    QTest::newRow("ipv4-mapped ipv6") << QByteArray("http://[::ffff:169.254.169.254]/");
    QTest::newRow("gcp fqdn trailing dot") << QByteArray("http://metadata.google.internal./");
}

void TestClientOptions::customHostMetadataEndpointSpellings()
{
    QFETCH(QByteArray, host);
    const auto result = gatehouse::validateCustomHost(host, QStringLiteral("x-portkey-custom-host"));
    QVERIFY2(result.has_value(), host.constData());
    if (result)
        QCOMPARE(result->code, QStringLiteral("invalid_custom_host"));
}

void TestClientOptions::metadataValid()
{
    const HttpRequest o_req = request({{"x-portkey-metadata", R"({"_user":"u1","env":"prod","n":5,"f":1.5,"b":true,"skip":null})"}});
    PARSE_OK(o, o_req);
    const std::map<std::string, std::string> expected = {
        {"_user", "u1"}, {"env", "prod"}, {"n", "5"}, {"f", "1.5"}, {"b", "true"}};
    QCOMPARE(o.metadata.size(), expected.size());
    for (const auto& [k, v] : expected) {
        QVERIFY2(o.metadata.count(k), k.c_str());
        QCOMPARE(QString::fromStdString(o.metadata.at(k)), QString::fromStdString(v));
    }
}

void TestClientOptions::metadataInvalid_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::newRow("not json") << QByteArray("user=u1");
    QTest::newRow("truncated json") << QByteArray(R"({"a":"b")");
    QTest::newRow("array") << QByteArray(R"(["a","b"])");
    QTest::newRow("string") << QByteArray(R"("a")");
    QTest::newRow("nested object") << QByteArray(R"({"a":{"b":"c"}})");
    QTest::newRow("array value") << QByteArray(R"({"a":["b"]})");
}

void TestClientOptions::metadataInvalid()
{
    QFETCH(QByteArray, value);
    const HttpRequest e_req = request({{"x-portkey-metadata", value}});
    PARSE_ERR(e, e_req);
    QCOMPARE(e.status, 400);
    QCOMPARE(e.param, QStringLiteral("x-portkey-metadata"));
    QVERIFY(!e.code.isEmpty());
}

void TestClientOptions::requestTimeoutValid()
{
    const HttpRequest o_req = request({{"x-portkey-request-timeout", "5000"}});
    PARSE_OK(o, o_req);
    QCOMPARE(o.requestTimeoutMs, 5000);
}

void TestClientOptions::requestTimeoutInvalid_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::newRow("abc") << QByteArray("abc");
    QTest::newRow("negative") << QByteArray("-1");
    QTest::newRow("zero") << QByteArray("0");
    QTest::newRow("fraction") << QByteArray("1.5");
    QTest::newRow("over an hour") << QByteArray("3600001");
    QTest::newRow("int overflow") << QByteArray("99999999999999999999");
}

void TestClientOptions::requestTimeoutInvalid()
{
    QFETCH(QByteArray, value);
    const HttpRequest e_req = request({{"x-portkey-request-timeout", value}});
    PARSE_ERR(e, e_req);
    QCOMPARE(e.status, 400);
    QCOMPARE(e.param, QStringLiteral("x-portkey-request-timeout"));
}

void TestClientOptions::forwardHeaders()
{
    const HttpRequest o_req = request({{"x-portkey-forward-headers", "X-A, x-b"}});
    PARSE_OK(o, o_req);
    QCOMPARE(o.forwardHeaders, names({"x-a", "x-b"}));

    const HttpRequest o2_req = request({{"x-portkey-forward-headers", ",X-Custom-ID,,  "}});
    PARSE_OK(o2, o2_req);
    QCOMPARE(o2.forwardHeaders, names({"x-custom-id"}));
}

void TestClientOptions::forwardHeadersRefused_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::newRow("itself") << QByteArray("X-A, x-portkey-forward-headers");
    QTest::newRow("itself upper-case") << QByteArray("X-Portkey-Forward-Headers");
    QTest::newRow("host") << QByteArray("x-a,Host");
    QTest::newRow("content-length") << QByteArray("content-length");
    QTest::newRow("transfer-encoding") << QByteArray("Transfer-Encoding");
}

void TestClientOptions::forwardHeadersRefused()
{
    QFETCH(QByteArray, value);
    const HttpRequest e_req = request({{"x-portkey-forward-headers", value}});
    PARSE_ERR(e, e_req);
    QCOMPARE(e.status, 400);
    QCOMPARE(e.param, QStringLiteral("x-portkey-forward-headers"));
}








void TestClientOptions::cacheForceRefreshIsPresence_data()
{
    QTest::addColumn<bool>("present");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<bool>("expected");
    QTest::newRow("absent") << false << QByteArray() << false;
    QTest::newRow("true") << true << QByteArray("true") << true;
    // As in Portkey's gateway ('x-portkey-cache-force-refresh' in headers), any value counts.
    QTest::newRow("false string") << true << QByteArray("false") << true;
}

void TestClientOptions::cacheForceRefreshIsPresence()
{
    QFETCH(bool, present);
    QFETCH(QByteArray, value);
    QFETCH(bool, expected);
    const HttpRequest req = present ? request({{"x-portkey-cache-force-refresh", value}}) : request({});
    PARSE_OK(o, req);
    QCOMPARE(o.cacheForceRefresh, expected);
}

void TestClientOptions::strictCompliance_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<bool>("expected");
    QTest::newRow("true") << QByteArray("true") << true;
    QTest::newRow("false") << QByteArray("false") << false;
    QTest::newRow("False (python str)") << QByteArray("False") << false;
}

void TestClientOptions::strictCompliance()
{
    QFETCH(QByteArray, value);
    QFETCH(bool, expected);
    const HttpRequest o_req = request({{"x-portkey-strict-open-ai-compliance", value}});
    PARSE_OK(o, o_req);
    QCOMPARE(o.strictOpenAiCompliance, expected);
}

void TestClientOptions::strictComplianceInvalid()
{
    const HttpRequest e_req = request({{"x-portkey-strict-open-ai-compliance", "maybe"}});
    PARSE_ERR(e, e_req);
    QCOMPARE(e.status, 400);
    QCOMPARE(e.param, QStringLiteral("x-portkey-strict-open-ai-compliance"));
}

void TestClientOptions::tracingHeaders()
{
    const HttpRequest o_req = request({{"x-portkey-trace-id", "trace-1"},
                         {"x-portkey-span-id", "span-2"},
                         {"x-portkey-parent-span-id", "span-1"},
                         {"x-portkey-span-name", "retrieval"},
                         {"x-portkey-cache-namespace", "ns"}});
    PARSE_OK(o, o_req);
    QCOMPARE(o.traceId, QStringLiteral("trace-1"));
    QCOMPARE(o.spanId, QStringLiteral("span-2"));
    QCOMPARE(o.parentSpanId, QStringLiteral("span-1"));
    QCOMPARE(o.spanName, QStringLiteral("retrieval"));
    QCOMPARE(o.cacheNamespace, QStringLiteral("ns"));

    // Ids are kept but capped, so a hostile client cannot bloat every record.
    const HttpRequest o2_req = request({{"x-portkey-trace-id", QByteArray(1000, 't')}});
    PARSE_OK(o2, o2_req);
    QCOMPARE(o2.traceId.size(), qsizetype(256));
}

void TestClientOptions::virtualKey()
{
    const HttpRequest o_req = request({{"x-portkey-virtual-key", "vk-1"}});
    PARSE_OK(o, o_req);
    QCOMPARE(o.virtualKey, QStringLiteral("vk-1"));
}

void TestClientOptions::allPortkeySdkHeadersAccepted()
{
    // Everything portkey-ai's createHeaders() emits for a typical config, at once
    // (virtual key and config left out: they select features this gateway answers separately).
    const HttpRequest req = request({
        {"content-type", "application/json"},
        {"authorization", "Bearer sk-openai"},
        {"x-portkey-api-key", "pk-portkey"},
        {"x-portkey-provider", "openai"},
        {"x-portkey-trace-id", "8a7f1c2e-1b2c-4d3e-8f9a-0b1c2d3e4f5a"},
        {"x-portkey-metadata", R"({"_user":"u1","env":"prod"})"},
        {"x-portkey-cache-force-refresh", "true"},
        {"x-portkey-cache-namespace", "team-a"},
        {"x-portkey-custom-host", "http://localhost:11434/v1"},
        {"x-portkey-forward-headers", "x-custom-id,x-tenant"},
        {"x-portkey-request-timeout", "30000"},
        {"x-portkey-strict-open-ai-compliance", "false"},
        {"x-portkey-debug", "false"},
        {"x-portkey-span-id", "span-2"},
        {"x-portkey-parent-span-id", "span-1"},
        {"x-portkey-span-name", "llm-call"},
        {"x-portkey-aws-access-key-id", "AKIAEXAMPLE"},
        {"x-portkey-vertex-project-id", "my-project"},
        {"x-portkey-azure-resource-name", "my-resource"},
        {"x-portkey-package-version", "portkey-ai-3.1.0"},
        {"x-portkey-runtime", "node"},
        {"x-portkey-runtime-version", "v20.11.0"},
        {"x-portkey-openai-project", "proj_123"},
        {"x-custom-id", "c-1"},
        {"x-tenant", "t-1"},
    });
    PARSE_OK(o, req);
    QCOMPARE(o.provider, QStringLiteral("openai"));
    QCOMPARE(o.apiKey, QStringLiteral("sk-openai"));
    QCOMPARE(o.traceId, QStringLiteral("8a7f1c2e-1b2c-4d3e-8f9a-0b1c2d3e4f5a"));
    QCOMPARE(o.metadata.size(), std::size_t(2));
    QCOMPARE(QString::fromStdString(o.metadata.at("_user")), QStringLiteral("u1"));
    QVERIFY(o.cacheForceRefresh);
    QCOMPARE(o.cacheNamespace, QStringLiteral("team-a"));
    QCOMPARE(o.customHost, QByteArray("http://localhost:11434/v1"));
    QCOMPARE(o.forwardHeaders, names({"x-custom-id", "x-tenant"}));
    QCOMPARE(o.requestTimeoutMs, 30000);
    QVERIFY(!o.strictOpenAiCompliance);
    QCOMPARE(o.spanId, QStringLiteral("span-2"));
    QCOMPARE(o.parentSpanId, QStringLiteral("span-1"));
    QCOMPARE(o.spanName, QStringLiteral("llm-call"));
    QVERIFY(o.virtualKey.isEmpty());
    QVERIFY(o.config.isEmpty());
}

void TestClientOptions::configIsKeptVerbatimForTheRoutingStage()
{
    // The config is parsed and validated by the routing stage (tests/core/routing); here it is only
    // carried, and the request's own provider headers are still read for configs that name none.
    const QByteArray config = R"({"retry":{"attempts":2}})";
    const HttpRequest req = request({{"x-portkey-config", config}, {"x-portkey-provider", "openai"},
                                     {"authorization", "Bearer sk-1"}});
    const auto parsed = parseClientOptions(req);
    QVERIFY(std::holds_alternative<ClientOptions>(parsed));
    const auto& o = std::get<ClientOptions>(parsed);
    QCOMPARE(o.config, config);
    QCOMPARE(o.provider, QStringLiteral("openai"));
    QCOMPARE(o.apiKey, QStringLiteral("sk-1"));
}

QTEST_GUILESS_MAIN(TestClientOptions)
#include "tst_client_options.moc"
