// VertexProvider: the publisher from the model, URLs (regional, global, custom host), the Gemini and
// Claude bodies Vertex expects, where project/region/credentials come from and in which order, the
// service account handed to the transport instead of a bearer header, and Vertex's own error shape
// for Claude models. Bad settings are 400s naming the header.
#include "providers/provider_registry.h"
#include "providers/vertex_provider.h"
#include "upstream/google_service_account.h"

#include "test_rsa_key.h"

#include <QTest>

#include <nlohmann/json.hpp>

using namespace gatehouse;
using json = nlohmann::json;

namespace {

const char* const kChat = R"({"model":"gemini-2.5-flash","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"hi"}]})";

struct Call {
    json body = json::parse(kChat);
    QByteArray raw;
    HeaderList headers{{"x-portkey-vertex-project-id", "proj-1"}, {"x-portkey-vertex-region", "us-central1"}};
    json providerOptions = json::object();
    json keyOptions;
    QString apiKey = QStringLiteral("ya29.token");
    QByteArray customHost;
    Endpoint endpoint = Endpoint::ChatCompletions;

    std::variant<UpstreamRequest, ApiError> build(const Provider& p)
    {
        raw = QByteArray::fromStdString(body.dump());
        ProviderCall c;
        c.endpoint = endpoint;
        c.body = &raw;
        c.bodyJson = &body;
        c.apiKey = apiKey;
        c.customHost = customHost;
        c.clientHeaders = &headers;
        c.providerOptions = &providerOptions;
        c.keyOptions = keyOptions.is_object() ? &keyOptions : nullptr;
        return p.buildRequest(c);
    }
};

const char* const kSaWithoutKey = R"({"type":"service_account","client_email":"a@b.c"})";
const char* const kSaHttpTokenUri = R"({"client_email":"a@b.c","private_key":"-----BEGIN PRIVATE KEY-----\nAA\n-----END PRIVATE KEY-----\n","token_uri":"http://evil.example/token"})";
const char* const kClaudeAnswer = R"({"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-20250514","content":[{"type":"text","text":"Hi"}],"stop_reason":"end_turn","usage":{"input_tokens":5,"output_tokens":2}})";
const char* const kVertexQuotaError = R"({"error":{"code":429,"message":"Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model","status":"RESOURCE_EXHAUSTED"}})";
const char* const kClaudeError = R"({"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: too large"}})";
const char* const kGeminiAnswer = R"({"candidates":[{"content":{"role":"model","parts":[{"text":"Yo"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":1,"totalTokenCount":4},"modelVersion":"gemini-2.5-flash"})";

const char* const kOpenAiAnswer = R"({"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}]})";

// Embeddings on Vertex: the :predict request and answer (golden).
const char* const kEmbedRequest = R"({"model":"text-embedding-004","input":["hello world","bonjour"],"dimensions":3})";
const char* const kEmbedPredictBody = R"({"instances":[{"content":"hello world"},{"content":"bonjour"}],"parameters":{"outputDimensionality":3}})";
const char* const kEmbedWithTaskType = R"({"model":"text-embedding-005","input":["a","b"],"task_type":"RETRIEVAL_DOCUMENT",
    "parameters":{"autoTruncate":false},"dimensions":8})";
const char* const kEmbedWithTaskTypeBody = R"({"instances":[{"content":"a","task_type":"RETRIEVAL_DOCUMENT"},
    {"content":"b","task_type":"RETRIEVAL_DOCUMENT"}],"parameters":{"autoTruncate":false,"outputDimensionality":8}})";
const char* const kEmbedAnswer = R"({"predictions":[
    {"embeddings":{"values":[0.25,-0.5,1.0],"statistics":{"token_count":2,"truncated":false}}},
    {"embeddings":{"values":[0.125,0.0,-1.5],"statistics":{"token_count":3.0,"truncated":false}}}],
    "metadata":{"billableCharacterCount":17}})";
const char* const kEmbedOpenAi = R"({"object":"list","data":[
    {"object":"embedding","index":0,"embedding":[0.25,-0.5,1.0]},
    {"object":"embedding","index":1,"embedding":[0.125,0.0,-1.5]}],
    "model":"text-embedding-004","usage":{"prompt_tokens":5,"total_tokens":5}})";

QByteArray describe(const std::variant<UpstreamRequest, ApiError>& v)
{
    if (const auto* e = std::get_if<ApiError>(&v))
        return "ApiError " + QByteArray::number(e->status) + " " + e->toJson();
    return "UpstreamRequest";
}

QByteArray header(const UpstreamRequest& r, QByteArrayView name)
{
    return findHeader(r.headers, name).toByteArray();
}

} // namespace

class TestVertexProvider : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        registry_ = ProviderRegistry::builtIn();
        vertex_ = registry_->find(QStringLiteral("vertex-ai"));
        QVERIFY(vertex_);
        QCOMPARE(registry_->find(QStringLiteral("google-vertex-ai")), vertex_);
    }

    void publisherFromModel_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("publisher");
        QTest::addColumn<QString>("id");
        QTest::newRow("gemini") << "gemini-2.5-flash" << "google" << "gemini-2.5-flash";
        QTest::newRow("google prefix") << "google.gemini-2.0-flash-001" << "google" << "gemini-2.0-flash-001";
        QTest::newRow("anthropic prefix") << "anthropic.claude-sonnet-4@20250514" << "anthropic" << "claude-sonnet-4@20250514";
        QTest::newRow("bare claude") << "claude-3-5-haiku@20241022" << "anthropic" << "claude-3-5-haiku@20241022";
        QTest::newRow("dotted gemini") << "gemini-1.5-pro-002" << "google" << "gemini-1.5-pro-002";
        QTest::newRow("llama") << "meta.llama-3.3-70b-instruct-maas" << "meta" << "llama-3.3-70b-instruct-maas";
        QTest::newRow("mistral") << "mistralai.mistral-small-2503" << "mistralai" << "mistral-small-2503";
        QTest::newRow("deployed endpoint") << "endpoints.1234567890" << "endpoints" << "1234567890";
    }
    void publisherFromModel()
    {
        QFETCH(QString, model);
        QFETCH(QString, publisher);
        QFETCH(QString, id);
        const auto m = VertexProvider::parseModel(model.toStdString());
        QVERIFY(std::holds_alternative<VertexProvider::Model>(m));
        QCOMPARE(QString::fromStdString(std::get<VertexProvider::Model>(m).publisher), publisher);
        QCOMPARE(QString::fromStdString(std::get<VertexProvider::Model>(m).id), id);
    }

    void badModelsAre400s()
    {
        for (const char* model : {"endpoints.12/../x", "gemini/../../x", "gemini?x=1", "anthropic.", "endpoints.", "a b"}) {
            const auto m = VertexProvider::parseModel(model);
            QVERIFY2(std::holds_alternative<ApiError>(m), model);
            QCOMPARE(std::get<ApiError>(m).status, 400);
            QCOMPARE(std::get<ApiError>(m).param, QStringLiteral("model"));
        }
    }

    void geminiRequest()
    {
        Call c;
        c.body["stream"] = true;
        const auto built = c.build(*vertex_);
        QVERIFY2(std::holds_alternative<UpstreamRequest>(built), describe(built).constData());
        const auto& r = std::get<UpstreamRequest>(built);
        QCOMPARE(r.url, QByteArray("https://us-central1-aiplatform.googleapis.com/v1/projects/proj-1/locations/us-central1"
                                   "/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse"));
        QCOMPARE(header(r, "authorization"), QByteArray("Bearer ya29.token"));
        QVERIFY(header(r, "x-goog-api-key").isEmpty());
        QVERIFY(!r.googleServiceAccount);
        const json sent = json::parse(r.body.toStdString());
        QVERIFY(sent["systemInstruction"]["parts"][0]["text"] == "Be brief.");
        QCOMPARE(sent["contents"][0]["role"].get<std::string>(), std::string("user"));
        QVERIFY(!sent.contains("model"));
    }

    void claudeRequest()
    {
        Call c;
        c.body["model"] = "anthropic.claude-sonnet-4@20250514";
        c.headers.emplace_back("anthropic-beta", "prompt-caching-2024-07-31");
        const auto built = c.build(*vertex_);
        QVERIFY2(std::holds_alternative<UpstreamRequest>(built), describe(built).constData());
        const auto& r = std::get<UpstreamRequest>(built);
        QCOMPARE(r.url, QByteArray("https://us-central1-aiplatform.googleapis.com/v1/projects/proj-1/locations/us-central1"
                                   "/publishers/anthropic/models/claude-sonnet-4@20250514:rawPredict"));
        QCOMPARE(header(r, "anthropic-beta"), QByteArray("prompt-caching-2024-07-31"));
        QVERIFY(header(r, "anthropic-version").isEmpty());   // Vertex takes it in the body
        QVERIFY(header(r, "x-api-key").isEmpty());
        const json sent = json::parse(r.body.toStdString());
        QVERIFY(!sent.contains("model"));
        QCOMPARE(sent["anthropic_version"].get<std::string>(), std::string("vertex-2023-10-16"));
        QCOMPARE(sent["max_tokens"].get<int>(), 4096);
        QVERIFY(sent["system"][0]["text"] == "Be brief.");

        c.body["stream"] = true;
        const auto streamed = c.build(*vertex_);
        QVERIFY(std::get<UpstreamRequest>(streamed).url.endsWith("/models/claude-sonnet-4@20250514:streamRawPredict"));
    }

    void globalRegionAndCustomHost()
    {
        Call c;
        c.headers = {{"x-portkey-vertex-project-id", "proj-1"}, {"x-portkey-vertex-region", "global"}};
        auto built = c.build(*vertex_);
        QVERIFY2(std::holds_alternative<UpstreamRequest>(built), describe(built).constData());
        QVERIFY(std::get<UpstreamRequest>(built).url.startsWith("https://aiplatform.googleapis.com/v1/projects/proj-1/locations/global/"));
        c.customHost = "http://127.0.0.1:9/";
        built = c.build(*vertex_);
        QVERIFY(std::get<UpstreamRequest>(built).url.startsWith("http://127.0.0.1:9/v1/projects/proj-1/locations/global/publishers/google/"));
    }

    void settingsPrecedence()
    {
        Call c;
        c.headers = {{"x-portkey-vertex-region", "europe-west4"}};
        c.providerOptions = {{"vertex_project_id", "from-config"}, {"vertex_region", "us-east5"}};
        auto built = c.build(*vertex_);
        QVERIFY2(std::holds_alternative<UpstreamRequest>(built), describe(built).constData());
        QVERIFY(std::get<UpstreamRequest>(built).url.contains("/projects/from-config/locations/europe-west4/"));   // header beats config
        c.keyOptions = {{"vertex_project_id", "from-key"}, {"vertex_region", "asia-northeast1"}};
        built = c.build(*vertex_);
        QVERIFY(std::get<UpstreamRequest>(built).url.contains("/projects/from-key/locations/asia-northeast1/"));   // the key wins
    }

    void serviceAccountGoesToTheTransport()
    {
        const auto key = test::TestRsaKey::generate(1024);
        Call c;
        c.apiKey.clear();
        c.headers = {{"x-portkey-vertex-region", "us-central1"},
                     {"x-portkey-vertex-service-account-json", QByteArray::fromStdString(key.serviceAccount("https://oauth2.googleapis.com/token", "sa-project").dump())}};
        auto built = c.build(*vertex_);
        QVERIFY2(std::holds_alternative<UpstreamRequest>(built), describe(built).constData());
        const auto& r = std::get<UpstreamRequest>(built);
        QVERIFY(r.googleServiceAccount);
        QCOMPARE(QByteArray::fromStdString(r.googleServiceAccount->clientEmail), QByteArray("gateway@mock-project.iam.gserviceaccount.com"));
        QVERIFY(header(r, "authorization").isEmpty());
        QVERIFY(r.url.contains("/projects/sa-project/"));   // the account's project_id when none is named

        // From the config (an object), and from a virtual key whose secret is the key file.
        Call fromConfig;
        fromConfig.apiKey.clear();
        fromConfig.providerOptions = {{"vertex_service_account_json", key.serviceAccount("https://oauth2.googleapis.com/token")}};
        built = fromConfig.build(*vertex_);
        QVERIFY2(std::holds_alternative<UpstreamRequest>(built), describe(built).constData());
        QVERIFY(std::get<UpstreamRequest>(built).googleServiceAccount);
        QVERIFY(std::get<UpstreamRequest>(built).url.contains("/projects/proj-1/"));   // a named project wins
        Call fromKey;
        fromKey.apiKey = QString::fromStdString(key.serviceAccount("https://oauth2.googleapis.com/token").dump(2));
        built = fromKey.build(*vertex_);
        QVERIFY2(std::holds_alternative<UpstreamRequest>(built), describe(built).constData());
        QVERIFY(std::get<UpstreamRequest>(built).googleServiceAccount);
        QVERIFY(header(std::get<UpstreamRequest>(built), "authorization").isEmpty());
    }

    void badSettingsAre4xx_data()
    {
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("param");
        QTest::newRow("no region") << QByteArray("x-portkey-vertex-region") << QByteArray() << 400 << "x-portkey-vertex-region";
        QTest::newRow("bad region") << QByteArray("x-portkey-vertex-region") << QByteArray("us/../x") << 400 << "x-portkey-vertex-region";
        QTest::newRow("no project") << QByteArray("x-portkey-vertex-project-id") << QByteArray() << 400 << "x-portkey-vertex-project-id";
        QTest::newRow("bad project") << QByteArray("x-portkey-vertex-project-id") << QByteArray("p?x") << 400 << "x-portkey-vertex-project-id";
        QTest::newRow("sa not json") << QByteArray("x-portkey-vertex-service-account-json") << QByteArray("{not json") << 400
                                     << "x-portkey-vertex-service-account-json";
        QTest::newRow("sa without key") << QByteArray("x-portkey-vertex-service-account-json")
                                        << QByteArray(kSaWithoutKey) << 400
                                        << "x-portkey-vertex-service-account-json";
        QTest::newRow("sa http token uri") << QByteArray("x-portkey-vertex-service-account-json")
                                           << QByteArray(kSaHttpTokenUri)
                                           << 400 << "x-portkey-vertex-service-account-json";
    }
    void badSettingsAre4xx()
    {
        QFETCH(QByteArray, name);
        QFETCH(QByteArray, value);
        QFETCH(int, status);
        QFETCH(QString, param);
        Call c;
        HeaderList h;
        for (const auto& kv : c.headers) {
            if (kv.first != name)
                h.push_back(kv);
        }
        if (!value.isEmpty())
            h.emplace_back(name, value);
        c.headers = h;
        const auto built = c.build(*vertex_);
        QVERIFY(std::holds_alternative<ApiError>(built));
        const ApiError& e = std::get<ApiError>(built);
        QCOMPARE(e.status, status);
        QCOMPARE(e.param, param);
        QVERIFY2(!e.message.contains(QLatin1String("PRIVATE KEY")), qPrintable(e.message));
    }

    void noCredentialsIs401()
    {
        Call c;
        c.apiKey.clear();
        const auto built = c.build(*vertex_);
        QVERIFY(std::holds_alternative<ApiError>(built));
        QCOMPARE(std::get<ApiError>(built).status, 401);
        QCOMPARE(std::get<ApiError>(built).code, QStringLiteral("missing_api_key"));
    }

    void claudeAnswersAndVertexErrors()
    {
        ResponseContext ctx(Endpoint::ChatCompletions);
        ctx.model = "anthropic.claude-sonnet-4@20250514";
        int status = 200;
        QByteArray body = kClaudeAnswer;
        vertex_->mapResponse(ctx, status, body);
        json j = json::parse(body.toStdString());
        QCOMPARE(status, 200);
        QVERIFY(j["choices"][0]["message"]["content"] == "Hi");
        QCOMPARE(j["usage"]["total_tokens"].get<int>(), 7);

        status = 429;   // Vertex's quota error, in Google's shape
        body = kVertexQuotaError;
        vertex_->mapResponse(ctx, status, body);
        j = json::parse(body.toStdString());
        QCOMPARE(status, 429);
        QVERIFY(j["error"]["message"].get<std::string>().starts_with("Quota exceeded"));
        QVERIFY(j["error"]["code"] == "RESOURCE_EXHAUSTED");

        status = 400;   // the model's own error, in Anthropic's shape
        body = kClaudeError;
        vertex_->mapResponse(ctx, status, body);
        j = json::parse(body.toStdString());
        QVERIFY(j["error"]["message"] == "max_tokens: too large");
        QVERIFY(j["error"]["type"] == "invalid_request_error");

        ctx.model = "gemini-2.5-flash";
        status = 200;
        body = kGeminiAnswer;
        vertex_->mapResponse(ctx, status, body);
        j = json::parse(body.toStdString());
        QVERIFY(j["choices"][0]["message"]["content"] == "Yo");
        QCOMPARE(j["usage"]["total_tokens"].get<int>(), 4);
    }

    // Llama: Vertex's OpenAI-compatible endpoint; Mistral: rawPredict with Mistral's body. Both
    // answer in OpenAI's shapes, so answers and streams pass through; Vertex's own errors are mapped.
    void llamaAndMistralRequests()
    {
        Call c;
        c.body["model"] = "meta.llama-3.3-70b-instruct-maas";
        c.body["stream"] = true;
        c.body["stream_options"] = {{"include_usage", true}};
        auto built = c.build(*vertex_);
        QVERIFY2(std::holds_alternative<UpstreamRequest>(built), describe(built).constData());
        QCOMPARE(std::get<UpstreamRequest>(built).url,
                 QByteArray("https://us-central1-aiplatform.googleapis.com/v1/projects/proj-1/locations/us-central1/endpoints/openapi/chat/completions"));
        json sent = json::parse(std::get<UpstreamRequest>(built).body.toStdString());
        QVERIFY(sent["model"] == "meta/llama-3.3-70b-instruct-maas");
        QVERIFY(sent["messages"] == c.body["messages"]);
        QVERIFY(sent["stream_options"]["include_usage"] == true);
        QCOMPARE(header(std::get<UpstreamRequest>(built), "authorization"), QByteArray("Bearer ya29.token"));

        // Mistral's API refuses fields it does not know: only its own are sent.
        c.body["model"] = "mistralai.mistral-small-2503";
        c.body["max_completion_tokens"] = 50;
        c.body["seed"] = 7;
        c.body["user"] = "user-1";
        c.body["store"] = false;
        c.body["metadata"] = {{"team", "a"}};
        c.body["temperature"] = 0.2;
        c.body["tools"] = json::array({{{"type", "function"}, {"function", {{"name", "f"}, {"parameters", json::object()}}}}});
        built = c.build(*vertex_);
        QVERIFY2(std::holds_alternative<UpstreamRequest>(built), describe(built).constData());
        QVERIFY(std::get<UpstreamRequest>(built).url.endsWith("/locations/us-central1/publishers/mistralai/models/mistral-small-2503:streamRawPredict"));
        sent = json::parse(std::get<UpstreamRequest>(built).body.toStdString());
        QVERIFY(sent["model"] == "mistral-small-2503");
        QVERIFY(sent["max_tokens"] == 50);
        QVERIFY(sent["random_seed"] == 7);
        QVERIFY(sent["temperature"] == 0.2);
        QVERIFY(sent["tools"] == c.body["tools"]);
        QVERIFY(sent["messages"] == c.body["messages"]);
        for (const char* gone : {"max_completion_tokens", "stream_options", "seed", "user", "store", "metadata"})
            QVERIFY2(!sent.contains(gone), gone);
        // What would change the answer and cannot be had is refused, naming the parameter.
        for (const char* param : {"logprobs", "logit_bias"}) {
            Call refused = c;
            refused.body[param] = std::string(param) == "logprobs" ? json(true) : json({{"50256", -100}});
            const auto r = refused.build(*vertex_);
            QVERIFY2(std::holds_alternative<ApiError>(r), param);
            QCOMPARE(std::get<ApiError>(r).status, 400);
            QCOMPARE(std::get<ApiError>(r).param, QString::fromLatin1(param));
        }
        for (const char* key : {"seed", "user", "store", "metadata", "temperature", "tools"})
            c.body.erase(key);
        c.body.erase("stream");
        built = c.build(*vertex_);
        QVERIFY(std::get<UpstreamRequest>(built).url.endsWith(":rawPredict"));

        // A model deployed to an endpoint of the user's own: that endpoint's OpenAI-compatible route.
        c.body["model"] = "endpoints.1234567890";
        c.body["user"] = "user-1";
        built = c.build(*vertex_);
        QVERIFY2(std::holds_alternative<UpstreamRequest>(built), describe(built).constData());
        QCOMPARE(std::get<UpstreamRequest>(built).url,
                 QByteArray("https://us-central1-aiplatform.googleapis.com/v1/projects/proj-1/locations/us-central1/endpoints/1234567890/chat/completions"));
        sent = json::parse(std::get<UpstreamRequest>(built).body.toStdString());
        QVERIFY(sent["model"] == "1234567890");
        QVERIFY(sent["user"] == "user-1");   // an OpenAI-compatible server: the body as sent
        QVERIFY(sent["messages"] == c.body["messages"]);
        c.body.erase("user");

        ResponseContext ctx(Endpoint::ChatCompletions);
        ctx.model = "mistralai.mistral-small-2503";
        QVERIFY(!vertex_->makeStreamMapper(ctx));
        int status = 429;
        QByteArray body = kVertexQuotaError;
        vertex_->mapResponse(ctx, status, body);
        QVERIFY(json::parse(body.toStdString())["error"]["code"] == "RESOURCE_EXHAUSTED");
        status = 200;
        body = kOpenAiAnswer;
        vertex_->mapResponse(ctx, status, body);
        QCOMPARE(body, QByteArray(kOpenAiAnswer));
    }

    void embeddingsGoToPredict()
    {
        Call c;
        c.endpoint = Endpoint::Embeddings;
        c.body = json::parse(kEmbedRequest);
        auto built = c.build(*vertex_);
        QVERIFY2(std::holds_alternative<UpstreamRequest>(built), describe(built).constData());
        const auto& r = std::get<UpstreamRequest>(built);
        QCOMPARE(r.url, QByteArray("https://us-central1-aiplatform.googleapis.com/v1/projects/proj-1/locations/us-central1"
                                   "/publishers/google/models/text-embedding-004:predict"));
        QCOMPARE(header(r, "authorization"), QByteArray("Bearer ya29.token"));
        QVERIFY(json::parse(r.body.toStdString()) == json::parse(kEmbedPredictBody));

        c.body = {{"model", "google.text-multilingual-embedding-002"}, {"input", "hola"}};
        built = c.build(*vertex_);
        QVERIFY2(std::holds_alternative<UpstreamRequest>(built), describe(built).constData());
        QVERIFY(std::get<UpstreamRequest>(built).url.endsWith("/publishers/google/models/text-multilingual-embedding-002:predict"));
        QVERIFY(json::parse(std::get<UpstreamRequest>(built).body.toStdString()) == json::parse("{\"instances\":[{\"content\":\"hola\"}]}"));

        // Portkey's extras: task_type on every instance, Vertex's own parameters kept.
        c.body = json::parse(kEmbedWithTaskType);
        built = c.build(*vertex_);
        QVERIFY2(std::holds_alternative<UpstreamRequest>(built), describe(built).constData());
        QVERIFY(json::parse(std::get<UpstreamRequest>(built).body.toStdString()) == json::parse(kEmbedWithTaskTypeBody));

        // Claude has no embeddings; token arrays, empty input and odd extras are refused before any call.
        for (const json& bad : {json{{"model", "anthropic.claude-sonnet-4@20250514"}, {"input", "x"}},
                                json{{"model", "text-embedding-004"}, {"input", json::array({json::array({1, 2})})}},
                                json{{"model", "text-embedding-004"}, {"input", json::array()}},
                                json{{"model", "text-embedding-004"}, {"input", "x"}, {"task_type", 3}},
                                json{{"model", "text-embedding-004"}, {"input", "x"}, {"parameters", "auto"}}}) {
            c.body = bad;
            built = c.build(*vertex_);
            QVERIFY2(std::holds_alternative<ApiError>(built), bad.dump().c_str());
            QCOMPARE(std::get<ApiError>(built).status, 400);
            QVERIFY(!std::get<ApiError>(built).param.isEmpty());
        }
    }

    void embeddingsAnswerInOpenAiShape()
    {
        ResponseContext ctx(Endpoint::Embeddings);
        ctx.model = "text-embedding-004";
        int status = 200;
        QByteArray body = kEmbedAnswer;
        vertex_->mapResponse(ctx, status, body);
        QCOMPARE(status, 200);
        QVERIFY2(json::parse(body.toStdString()) == json::parse(kEmbedOpenAi), body.constData());

        ctx.base64Embeddings = true;   // float32 little-endian: 0.25 -0.5 1.0
        body = kEmbedAnswer;
        vertex_->mapResponse(ctx, status, body);
        const json j = json::parse(body.toStdString());
        QCOMPARE(QByteArray::fromStdString(j["data"][0]["embedding"].get<std::string>()),
                 QByteArray::fromHex("0000803e000000bf0000803f").toBase64());

        status = 429;
        body = kVertexQuotaError;
        vertex_->mapResponse(ctx, status, body);
        QCOMPARE(status, 429);
        QVERIFY(json::parse(body.toStdString())["error"]["code"] == "RESOURCE_EXHAUSTED");

        status = 200;
        body = "{\"candidates\":[]}";
        vertex_->mapResponse(ctx, status, body);
        QCOMPARE(status, 502);
        QVERIFY(json::parse(body.toStdString())["error"]["code"] == "invalid_upstream_response");
    }

private:
    std::shared_ptr<const ProviderRegistry> registry_;
    const Provider* vertex_ = nullptr;
};

QTEST_GUILESS_MAIN(TestVertexProvider)
#include "tst_vertex_provider.moc"
