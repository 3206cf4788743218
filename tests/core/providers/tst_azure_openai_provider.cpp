// AzureOpenAIProvider::buildRequest: Azure's URLs (deployments + api-version, or v1), api-key vs
// Entra token, settings from x-portkey-azure-* headers or the config target, and the 400s naming
// what is missing.
#include "keys/virtual_key.h"
#include "providers/azure_openai_provider.h"
#include "providers/provider_registry.h"

#include <QTest>

#include <nlohmann/json.hpp>

using namespace gatehouse;
using json = nlohmann::json;

namespace {

const QByteArray kBody = R"({"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]})";

struct Call {
    HeaderList headers;
    json options = json::object();
    json body = json::parse(kBody.toStdString());
    ProviderCall call;
    Call(HeaderList h, json o = json::object(), QString key = QStringLiteral("az-key"))
        : headers(std::move(h)), options(std::move(o))
    {
        call.body = &kBody;
        call.bodyJson = &body;
        call.apiKey = std::move(key);
        call.clientHeaders = &headers;
        call.providerOptions = &options;
    }
};

HeaderList azureHeaders(const char* resource = "my-res", const char* deployment = "gpt4o-prod", const char* version = "2024-10-21")
{
    HeaderList h;
    if (*resource)
        h.emplace_back("x-portkey-azure-resource-name", resource);
    if (*deployment)
        h.emplace_back("x-portkey-azure-deployment-id", deployment);
    if (*version)
        h.emplace_back("x-portkey-azure-api-version", version);
    return h;
}

const Provider& azure()
{
    static const auto reg = ProviderRegistry::builtIn();
    return *reg->find(QStringLiteral("azure-openai"));
}

QByteArray describe(const std::variant<UpstreamRequest, ApiError>& v)
{
    if (const auto* e = std::get_if<ApiError>(&v))
        return "ApiError " + QByteArray::number(e->status) + " " + e->toJson();
    return "UpstreamRequest " + std::get<UpstreamRequest>(v).url;
}

} // namespace

class TestAzureOpenAIProvider : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void registered()
    {
        const Provider& p = azure();
        QVERIFY(p.supports(Endpoint::ChatCompletions));
        QVERIFY(p.supports(Endpoint::Embeddings));
        QVERIFY(!p.supports(Endpoint::Models));
    }

    void deploymentUrlAndApiKey_data()
    {
        QTest::addColumn<int>("endpoint");
        QTest::addColumn<QByteArray>("url");
        QTest::newRow("chat") << int(Endpoint::ChatCompletions)
                              << QByteArray("https://my-res.openai.azure.com/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21");
        QTest::newRow("embeddings") << int(Endpoint::Embeddings)
                                    << QByteArray("https://my-res.openai.azure.com/openai/deployments/gpt4o-prod/embeddings?api-version=2024-10-21");
        QTest::newRow("completions") << int(Endpoint::Completions)
                                     << QByteArray("https://my-res.openai.azure.com/openai/deployments/gpt4o-prod/completions?api-version=2024-10-21");
    }
    void deploymentUrlAndApiKey()
    {
        QFETCH(int, endpoint);
        QFETCH(QByteArray, url);
        Call c(azureHeaders());
        c.call.endpoint = Endpoint(endpoint);
        const auto built = azure().buildRequest(c.call);
        QVERIFY2(std::holds_alternative<UpstreamRequest>(built), describe(built).constData());
        const UpstreamRequest& r = std::get<UpstreamRequest>(built);
        QCOMPARE(r.url, url);
        QCOMPARE(findHeader(r.headers, "api-key").toByteArray(), QByteArray("az-key"));
        QVERIFY(!hasHeader(r.headers, "authorization"));
        QCOMPARE(r.body, kBody);   // OpenAI's format, passed through
    }

    void clientQueryIsKept()
    {
        Call c(azureHeaders());
        c.call.query = "trace=1";
        const auto built = azure().buildRequest(c.call);
        QCOMPARE(std::get<UpstreamRequest>(built).url,
                 QByteArray("https://my-res.openai.azure.com/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21&trace=1"));
    }

    void versionlessV1Api()
    {
        Call c(azureHeaders("my-res", "", "v1"));
        const auto built = azure().buildRequest(c.call);
        QVERIFY2(std::holds_alternative<UpstreamRequest>(built), describe(built).constData());
        QCOMPARE(std::get<UpstreamRequest>(built).url, QByteArray("https://my-res.openai.azure.com/openai/v1/chat/completions"));
    }

    void entraTokenIsABearer()
    {
        HeaderList h = azureHeaders();
        h.emplace_back("x-portkey-azure-ad-token", "eyJ.token");
        Call c(h, json::object(), QString());
        const auto built = azure().buildRequest(c.call);
        QVERIFY2(std::holds_alternative<UpstreamRequest>(built), describe(built).constData());
        const UpstreamRequest& r = std::get<UpstreamRequest>(built);
        QCOMPARE(findHeader(r.headers, "authorization").toByteArray(), QByteArray("Bearer eyJ.token"));
        QVERIFY(!hasHeader(r.headers, "api-key"));
    }

    void configTargetFields()
    {
        // Portkey's config spelling (resource_name, ...) and the azure_-prefixed one both work;
        // a header beats the config.
        Call plain({}, json{{"resource_name", "cfg-res"}, {"deployment_id", "cfg-dep"}, {"api_version", "2025-01-01-preview"}});
        auto built = azure().buildRequest(plain.call);
        QVERIFY2(std::holds_alternative<UpstreamRequest>(built), describe(built).constData());
        QCOMPARE(std::get<UpstreamRequest>(built).url,
                 QByteArray("https://cfg-res.openai.azure.com/openai/deployments/cfg-dep/chat/completions?api-version=2025-01-01-preview"));

        Call prefixed({{"x-portkey-azure-deployment-id", "hdr-dep"}},
                      json{{"azure_resource_name", "cfg-res"}, {"azure_deployment_id", "cfg-dep"}, {"azure_api_version", "2024-10-21"},
                           {"azure_ad_token", "tok"}});
        built = azure().buildRequest(prefixed.call);
        QVERIFY2(std::holds_alternative<UpstreamRequest>(built), describe(built).constData());
        QCOMPARE(std::get<UpstreamRequest>(built).url,
                 QByteArray("https://cfg-res.openai.azure.com/openai/deployments/hdr-dep/chat/completions?api-version=2024-10-21"));
        QCOMPARE(findHeader(std::get<UpstreamRequest>(built).headers, "authorization").toByteArray(), QByteArray("Bearer tok"));
    }

    void virtualKeyFieldsWinOverHeadersAndConfig()
    {
        // A virtual key's resource decides where its secret goes: a header or config naming another
        // resource does not redirect it. Fields the key leaves empty still come from the request.
        VirtualKey key;
        key.azureResource = QStringLiteral("key-res");
        key.azureApiVersion = QStringLiteral("2024-10-21");
        const json keyOptions = virtualKeyProviderOptions(key);
        Call c(azureHeaders("other-res", "hdr-dep", "2099-01-01"), json{{"resource_name", "cfg-res"}});
        c.call.keyOptions = &keyOptions;
        const auto built = azure().buildRequest(c.call);
        QVERIFY2(std::holds_alternative<UpstreamRequest>(built), describe(built).constData());
        QCOMPARE(std::get<UpstreamRequest>(built).url,
                 QByteArray("https://key-res.openai.azure.com/openai/deployments/hdr-dep/chat/completions?api-version=2024-10-21"));
        QVERIFY(virtualKeyProviderOptions(VirtualKey{}).is_null());   // no fields: no options at all
    }

    void customHostReplacesResource()
    {
        Call c(azureHeaders("", "dep", "2024-10-21"));
        c.call.customHost = "http://127.0.0.1:9/openai/";
        const auto built = azure().buildRequest(c.call);
        QVERIFY2(std::holds_alternative<UpstreamRequest>(built), describe(built).constData());
        QCOMPARE(std::get<UpstreamRequest>(built).url, QByteArray("http://127.0.0.1:9/openai/deployments/dep/chat/completions?api-version=2024-10-21"));
    }

    void badInputNamesTheParameter_data()
    {
        QTest::addColumn<QByteArray>("resource");
        QTest::addColumn<QByteArray>("deployment");
        QTest::addColumn<QByteArray>("version");
        QTest::addColumn<QString>("param");
        QTest::newRow("no resource") << QByteArray() << QByteArray("d") << QByteArray("2024-10-21") << QStringLiteral("x-portkey-azure-resource-name");
        QTest::newRow("resource is a URL") << QByteArray("https://x.openai.azure.com") << QByteArray("d") << QByteArray("2024-10-21")
                                           << QStringLiteral("x-portkey-azure-resource-name");
        QTest::newRow("no deployment") << QByteArray("r") << QByteArray() << QByteArray("2024-10-21") << QStringLiteral("x-portkey-azure-deployment-id");
        QTest::newRow("deployment with a path") << QByteArray("r") << QByteArray("../admin") << QByteArray("2024-10-21")
                                                << QStringLiteral("x-portkey-azure-deployment-id");
        QTest::newRow("no version") << QByteArray("r") << QByteArray("d") << QByteArray() << QStringLiteral("x-portkey-azure-api-version");
        QTest::newRow("version with query") << QByteArray("r") << QByteArray("d") << QByteArray("2024&x=1")
                                            << QStringLiteral("x-portkey-azure-api-version");
    }
    void badInputNamesTheParameter()
    {
        QFETCH(QByteArray, resource);
        QFETCH(QByteArray, deployment);
        QFETCH(QByteArray, version);
        QFETCH(QString, param);
        Call c(azureHeaders(resource.constData(), deployment.constData(), version.constData()));
        const auto built = azure().buildRequest(c.call);
        QVERIFY2(std::holds_alternative<ApiError>(built), describe(built).constData());
        const ApiError& e = std::get<ApiError>(built);
        QCOMPARE(e.status, 400);
        QCOMPARE(e.param, param);
        QVERIFY2(e.message.contains(QStringLiteral("azure-openai")), qPrintable(e.message));
    }

    void missingKeyIs401()
    {
        Call c(azureHeaders(), json::object(), QString());
        const auto built = azure().buildRequest(c.call);
        QVERIFY(std::holds_alternative<ApiError>(built));
        QCOMPARE(std::get<ApiError>(built).status, 401);
    }

    void tokenFetchingAuthModesAreRefusedClearly()
    {
        HeaderList h = azureHeaders();
        h.emplace_back("x-portkey-azure-auth-mode", "entra");
        Call c(h);
        const auto built = azure().buildRequest(c.call);
        QVERIFY(std::holds_alternative<ApiError>(built));
        const ApiError& e = std::get<ApiError>(built);
        QCOMPARE(e.status, 400);
        QCOMPARE(e.param, QStringLiteral("x-portkey-azure-auth-mode"));
        QVERIFY(e.message.contains(QStringLiteral("x-portkey-azure-ad-token")));
    }
};

QTEST_GUILESS_MAIN(TestAzureOpenAIProvider)
#include "tst_azure_openai_provider.moc"
