#include "providers/vertex_provider.h"

#include "providers/anthropic_request.h"
#include "providers/anthropic_response.h"
#include "providers/anthropic_stream_mapper.h"
#include "providers/google_request.h"
#include "providers/google_response.h"
#include "providers/google_stream_mapper.h"
#include "providers/google_thought_signatures.h"
#include "providers/json_fields.h"
#include "providers/mistral_request.h"
#include "providers/openai_request.h"
#include "providers/openai_wire.h"
#include "providers/vertex_embeddings.h"
#include "upstream/google_service_account.h"

#include <nlohmann/json.hpp>

#include <cstring>

namespace gatehouse {

namespace {

// A setting from the virtual key, then x-portkey-vertex-<kebab>, then the config's vertex_<snake>.
QByteArray setting(const ProviderCall& call, const char* kebab, const char* snake)
{
    const std::string key = std::string("vertex_") + snake;
    if (call.keyOptions) {
        const auto it = call.keyOptions->find(key);
        if (it != call.keyOptions->end() && it->is_string() && !it->get<std::string>().empty())
            return QByteArray::fromStdString(it->get<std::string>());
    }
    if (call.clientHeaders) {
        if (const QByteArrayView v = findHeader(*call.clientHeaders, QByteArray("x-portkey-vertex-") + kebab); !v.trimmed().isEmpty())
            return v.trimmed().toByteArray();
    }
    if (call.providerOptions && call.providerOptions->is_object()) {
        const auto it = call.providerOptions->find(key);
        if (it != call.providerOptions->end() && it->is_string())
            return QByteArray::fromStdString(it->get<std::string>()).trimmed();
    }
    return {};
}

// Project ids, regions and model ids go into the URL path.
bool isPathToken(const std::string& s, const char* extra)
{
    if (s.empty() || s.size() > 128)
        return false;
    for (char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                     || std::strchr(extra, c) != nullptr;
        if (!ok || c == '\0')
            return false;
    }
    return true;
}

ApiError badSetting(const char* header, const QString& what)
{
    return ApiError::badRequest(QStringLiteral("Provider 'vertex-ai': %1 %2.").arg(QLatin1String(header), what),
                                QStringLiteral("invalid_parameter"), QString::fromLatin1(header));
}

// The service account: header, then config, then a virtual key (or api_key) holding the key file.
std::variant<std::shared_ptr<const GoogleServiceAccount>, ApiError> serviceAccount(const ProviderCall& call)
{
    const char* param = nullptr;
    nlohmann::json source;
    if (call.clientHeaders) {
        if (const QByteArrayView v = findHeader(*call.clientHeaders, "x-portkey-vertex-service-account-json"); !v.trimmed().isEmpty()) {
            source = v.trimmed().toByteArray().toStdString();
            param = "x-portkey-vertex-service-account-json";
        }
    }
    if (!param && call.providerOptions && call.providerOptions->is_object()) {
        if (const auto it = call.providerOptions->find("vertex_service_account_json"); it != call.providerOptions->end() && !it->is_null()) {
            source = *it;
            param = "vertex_service_account_json";
        }
    }
    if (!param && call.apiKey.trimmed().startsWith(QLatin1Char('{'))) {
        source = call.apiKey.trimmed().toStdString();
        param = "api_key";
    }
    if (!param)
        return std::shared_ptr<const GoogleServiceAccount>();
    auto parsed = parseGoogleServiceAccount(source);
    if (auto* why = std::get_if<QString>(&parsed)) {
        return ApiError::badRequest(QStringLiteral("Provider 'vertex-ai': the service account in %1 %2.").arg(QLatin1String(param), *why),
                                    QStringLiteral("invalid_service_account"), QString::fromLatin1(param));
    }
    return std::make_shared<const GoogleServiceAccount>(std::move(std::get<GoogleServiceAccount>(parsed)));
}

// Publishers whose models take and give OpenAI's chat shapes ("endpoints": a model the user deployed
// to an endpoint of their own, e.g. from Model Garden, served with an OpenAI-compatible chat route).
bool isOpenAiLike(const std::string& publisher)
{
    return publisher == "meta" || publisher == "mistralai" || publisher == "endpoints";
}

bool isSafeHeaderValue(const QByteArray& v)
{
    return !v.contains('\r') && !v.contains('\n') && !v.contains('\0');
}

} // namespace

VertexProvider::VertexProvider(ProviderInfo info)
    : Provider(std::move(info))
    , signatures_(std::make_shared<google::ThoughtSignatureStore>())
{
}

VertexProvider::~VertexProvider() = default;

std::variant<VertexProvider::Model, ApiError> VertexProvider::parseModel(const std::string& model)
{
    Model m{"google", model};
    if (const auto dot = model.find('.'); dot != std::string::npos) {
        const std::string prefix = model.substr(0, dot);
        if (prefix == "google" || prefix == "anthropic" || prefix == "meta" || prefix == "mistralai" || prefix == "endpoints")
            m = Model{prefix, model.substr(dot + 1)};
    }
    if (m.publisher == "google" && m.id.rfind("claude-", 0) == 0)
        m.publisher = "anthropic";   // Claude ids are unambiguous without the prefix
    if (!isPathToken(m.id, ".@"))
        return ApiError::badRequest(QStringLiteral("Provider 'vertex-ai': model '%1' is not a Vertex AI model id "
                                                   "(letters, digits, '.', '-', '_' and '@' only).").arg(QString::fromStdString(model).left(100)),
                                    QStringLiteral("invalid_model"), QStringLiteral("model"));
    return m;
}

std::variant<UpstreamRequest, ApiError> VertexProvider::buildRequest(const ProviderCall& call) const
{
    if (call.endpoint != Endpoint::ChatCompletions && call.endpoint != Endpoint::Embeddings)
        return ApiError::badRequest(QStringLiteral("Provider '%1' supports chat completions and embeddings only.").arg(id()),
                                    QStringLiteral("unsupported_endpoint"));
    auto account = serviceAccount(call);
    if (auto* e = std::get_if<ApiError>(&account))
        return *e;
    const auto sa = std::get<std::shared_ptr<const GoogleServiceAccount>>(account);
    if (!sa && call.apiKey.isEmpty()) {
        return ApiError::unauthorized(
            QStringLiteral("No credentials for provider 'vertex-ai'. Send an OAuth access token as 'Authorization: Bearer <token>' "
                           "(e.g. from `gcloud auth print-access-token`), or a service account key as x-portkey-vertex-service-account-json "
                           "(or vertex_service_account_json in the config)."),
            QStringLiteral("missing_api_key"));
    }
    const QByteArray region = setting(call, "region", "region");
    QByteArray project = setting(call, "project-id", "project_id");
    if (project.isEmpty() && sa)
        project = QByteArray::fromStdString(sa->projectId);
    if (region.isEmpty())
        return ApiError::badRequest(QStringLiteral("Provider 'vertex-ai' needs a region: x-portkey-vertex-region, \"vertex_region\" in the config target "
                                                   "or the virtual key's vertex_region, e.g. us-central1 or global."),
                                    QStringLiteral("missing_parameter"), QStringLiteral("x-portkey-vertex-region"));
    if (!isPathToken(region.toStdString(), ""))
        return badSetting("x-portkey-vertex-region", QStringLiteral("must be a Google Cloud region such as us-central1"));
    if (project.isEmpty())
        return ApiError::badRequest(QStringLiteral("Provider 'vertex-ai' needs a project: x-portkey-vertex-project-id, \"vertex_project_id\" in the config "
                                                   "target, the virtual key's vertex_project_id, or a service account with a project_id."),
                                    QStringLiteral("missing_parameter"), QStringLiteral("x-portkey-vertex-project-id"));
    if (!isPathToken(project.toStdString(), ".:"))
        return badSetting("x-portkey-vertex-project-id", QStringLiteral("must be a Google Cloud project id such as my-project-123"));

    std::string modelName;
    if (auto e = openai::checkRequest(call.bodyJson, modelName))
        return *e;
    auto parsedModel = parseModel(modelName);
    if (auto* e = std::get_if<ApiError>(&parsedModel))
        return *e;
    const Model& model = std::get<Model>(parsedModel);
    const bool stream = json_fields::boolean(*call.bodyJson, "stream");

    UpstreamRequest r;
    r.method = QByteArrayLiteral("POST");
    QByteArray base = !call.customHost.isEmpty() ? call.customHost
                      : region == "global"       ? QByteArrayLiteral("https://aiplatform.googleapis.com")
                                                 : "https://" + region + "-aiplatform.googleapis.com";
    while (base.endsWith('/'))
        base.chop(1);
    r.url = base + "/v1/projects/" + project + "/locations/" + region + "/publishers/" + QByteArray::fromStdString(model.publisher)
          + "/models/" + QByteArray::fromStdString(model.id);
    r.headers.emplace_back(QByteArrayLiteral("content-type"), QByteArrayLiteral("application/json"));

    if (call.endpoint == Endpoint::Embeddings) {
        if (model.publisher != "google")
            return ApiError::badRequest(QStringLiteral("Provider 'vertex-ai': embeddings need a Google embedding model such as "
                                                       "text-embedding-005; '%1' is not one.").arg(QString::fromStdString(modelName).left(100)),
                                        QStringLiteral("unsupported_model"), QStringLiteral("model"));
        auto mapped = vertex::toPredictEmbeddingsRequest(*call.bodyJson);
        if (auto* e = std::get_if<ApiError>(&mapped))
            return *e;
        r.body = openai::dump(std::get<nlohmann::json>(mapped));
        r.url += ":predict";
    } else if (isOpenAiLike(model.publisher)) {
        // Llama: Vertex's OpenAI-compatible endpoint, the model as "meta/<id>". A deployed endpoint
        // ("endpoints.<id>"): that endpoint's chat route. Mistral: rawPredict with Mistral's chat body
        // (its last chunk carries the usage). All answer in OpenAI's shapes.
        nlohmann::json body;
        const std::string projectRoute = "/v1/projects/" + project.toStdString() + "/locations/" + region.toStdString();
        if (model.publisher == "meta" || model.publisher == "endpoints") {
            body = *call.bodyJson;
            body["model"] = model.publisher == "meta" ? "meta/" + model.id : model.id;
            r.url = base + QByteArray::fromStdString(projectRoute + "/endpoints/" + (model.publisher == "meta" ? "openapi" : model.id)
                                                     + "/chat/completions");
        } else {
            auto mapped = mistral::toChatRequest(*call.bodyJson, QStringLiteral("vertex-ai"));
            if (auto* e = std::get_if<ApiError>(&mapped))
                return *e;
            body = std::move(std::get<nlohmann::json>(mapped));
            body["model"] = model.id;
            r.url += stream ? ":streamRawPredict" : ":rawPredict";
        }
        r.body = openai::dump(body);
    } else if (model.publisher == "anthropic") {
        auto mapped = anthropic::toMessagesRequest(*call.bodyJson);
        if (auto* e = std::get_if<ApiError>(&mapped))
            return *e;
        nlohmann::json& body = std::get<nlohmann::json>(mapped);
        body.erase("model");   // the URL names it
        body["anthropic_version"] = kAnthropicVersion;
        r.body = openai::dump(body);
        r.url += stream ? ":streamRawPredict" : ":rawPredict";
        QByteArray beta;
        if (call.clientHeaders) {
            for (const char* name : {"x-portkey-anthropic-beta", "anthropic-beta"}) {
                if (beta.isEmpty())
                    beta = findHeader(*call.clientHeaders, name).trimmed().toByteArray();
            }
        }
        if (!beta.isEmpty()) {
            if (!isSafeHeaderValue(beta))
                return ApiError::badRequest(QStringLiteral("anthropic-beta must be a single-line value."), QStringLiteral("invalid_header"));
            r.headers.emplace_back(QByteArrayLiteral("anthropic-beta"), beta);
        }
    } else {
        auto mapped = google::toGenerateContentRequest(*call.bodyJson, signatures_.get());
        if (auto* e = std::get_if<ApiError>(&mapped))
            return *e;
        r.body = openai::dump(std::get<nlohmann::json>(mapped));
        r.url += stream ? ":streamGenerateContent?alt=sse" : ":generateContent";
    }

    if (sa) {
        r.googleServiceAccount = sa;
    } else {
        const QByteArray token = call.apiKey.trimmed().toUtf8();
        if (!isSafeHeaderValue(token))
            return ApiError::badRequest(QStringLiteral("Provider 'vertex-ai': the access token must be a single line."),
                                        QStringLiteral("invalid_header"), QStringLiteral("authorization"));
        r.headers.emplace_back(QByteArrayLiteral("authorization"), "Bearer " + token);
    }
    for (const auto& h : call.extraHeaders) {
        if (!h.first.startsWith("openai-") && h.first != "authorization" && h.first != "anthropic-beta")
            r.headers.push_back(h);
    }
    r.timeoutMs = call.timeoutMs;
    return r;
}

void VertexProvider::mapResponse(const ResponseContext& ctx, int& status, QByteArray& body) const
{
    if (ctx.endpoint == Endpoint::Embeddings)
        return vertex::mapPredictEmbeddingsResponse(status, body, ctx.model, ctx.base64Embeddings);
    if (ctx.endpoint != Endpoint::ChatCompletions)
        return;
    const auto model = parseModel(ctx.model);
    if (std::holds_alternative<Model>(model) && isOpenAiLike(std::get<Model>(model).publisher)) {
        // Already OpenAI's shape; Vertex's own refusals (quota, permissions) come in Google's.
        if (status < 200 || status >= 300) {
            const auto j = nlohmann::json::parse(body.constBegin(), body.constEnd(), nullptr, false);
            const nlohmann::json& e = j.is_array() && !j.empty() ? j[0] : j;
            if (e.is_object() && e.contains("error") && e["error"].is_object() && e["error"].contains("status")) {
                if (const auto mapped = google::openAiError(j, status))
                    body = openai::dump(*mapped);
            }
        }
        return;
    }
    if (std::holds_alternative<Model>(model) && std::get<Model>(model).publisher == "anthropic") {
        if (status < 200 || status >= 300) {
            // Vertex itself (quota, permissions, unknown model) answers in Google's error shape;
            // the model's own errors come in Anthropic's.
            const auto j = nlohmann::json::parse(body.constBegin(), body.constEnd(), nullptr, false);
            if (j.is_object() && j.contains("error") && j["error"].is_object() && j["error"].contains("status")) {
                if (const auto e = google::openAiError(j, status))
                    body = openai::dump(*e);
                return;
            }
        }
        anthropic::mapMessagesResponse(status, body, ctx.strictOpenAiCompliance);
        return;
    }
    google::mapGenerateContentResponse(status, body, signatures_.get(), ctx.strictOpenAiCompliance);
}

std::unique_ptr<StreamMapper> VertexProvider::makeStreamMapper(const ResponseContext& ctx) const
{
    if (ctx.endpoint != Endpoint::ChatCompletions)
        return nullptr;
    const auto model = parseModel(ctx.model);
    if (std::holds_alternative<Model>(model) && isOpenAiLike(std::get<Model>(model).publisher))
        return nullptr;   // OpenAI's SSE already
    if (std::holds_alternative<Model>(model) && std::get<Model>(model).publisher == "anthropic")
        return std::make_unique<AnthropicStreamMapper>(ctx.strictOpenAiCompliance);
    return std::make_unique<google::GoogleStreamMapper>(signatures_, ctx.strictOpenAiCompliance);
}

} // namespace gatehouse
