#include "providers/google_provider.h"

#include "providers/google_request.h"
#include "providers/google_response.h"
#include "providers/google_stream_mapper.h"
#include "providers/google_thought_signatures.h"
#include "providers/json_fields.h"
#include "providers/openai_request.h"
#include "providers/openai_wire.h"

#include <nlohmann/json.hpp>

namespace gatehouse {

GoogleProvider::GoogleProvider(ProviderInfo info)
    : Provider(std::move(info))
    , signatures_(std::make_shared<google::ThoughtSignatureStore>())
{
}

GoogleProvider::~GoogleProvider() = default;

std::variant<UpstreamRequest, ApiError> GoogleProvider::buildRequest(const ProviderCall& call) const
{
    if (call.endpoint != Endpoint::ChatCompletions && call.endpoint != Endpoint::Embeddings) {
        return ApiError::badRequest(QStringLiteral("Provider '%1' supports chat completions and embeddings only.").arg(id()),
                                    QStringLiteral("unsupported_endpoint"));
    }
    if (info().keyRequired && call.apiKey.isEmpty() && call.customHost.isEmpty()) {
        return ApiError::unauthorized(
            QStringLiteral("No API key for provider '%1'. Send it as 'Authorization: Bearer <key>' "
                           "(or put api_key in x-portkey-config).").arg(id()),
            QStringLiteral("missing_api_key"));
    }
    std::string model;
    if (auto e = openai::checkRequest(call.bodyJson, model))
        return *e;
    auto resource = google::modelResource(model);
    if (auto* e = std::get_if<ApiError>(&resource))
        return *e;
    const std::string& res = std::get<std::string>(resource);

    std::variant<nlohmann::json, ApiError> mapped = nlohmann::json();
    QByteArray method;
    if (call.endpoint == Endpoint::Embeddings) {
        mapped = google::toBatchEmbedRequest(*call.bodyJson, res);
        method = QByteArrayLiteral(":batchEmbedContents");
    } else {
        mapped = google::toGenerateContentRequest(*call.bodyJson, signatures_.get());
        method = json_fields::boolean(*call.bodyJson, "stream") ? QByteArrayLiteral(":streamGenerateContent?alt=sse")
                                                                 : QByteArrayLiteral(":generateContent");
    }
    if (auto* e = std::get_if<ApiError>(&mapped))
        return *e;

    UpstreamRequest r;
    r.method = QByteArrayLiteral("POST");
    QByteArray base = call.customHost.isEmpty() ? info().baseUrl : call.customHost;
    while (base.endsWith('/'))
        base.chop(1);
    r.url = base + "/v1beta/" + QByteArray::fromStdString(res) + method;
    r.body = openai::dump(std::get<nlohmann::json>(mapped));
    r.headers.emplace_back(QByteArrayLiteral("content-type"), QByteArrayLiteral("application/json"));
    addAuth(r.headers, call.apiKey);
    for (const auto& h : call.extraHeaders) {
        if (!h.first.startsWith("openai-"))   // OpenAI account headers mean nothing to Google
            r.headers.push_back(h);
    }
    r.timeoutMs = call.timeoutMs;
    return r;
}

void GoogleProvider::mapResponse(const ResponseContext& ctx, int& status, QByteArray& body) const
{
    if (ctx.endpoint == Endpoint::Embeddings)
        google::mapBatchEmbedResponse(status, body, ctx.model);
    else if (ctx.endpoint == Endpoint::ChatCompletions)
        google::mapGenerateContentResponse(status, body, signatures_.get(), ctx.strictOpenAiCompliance);
}

std::unique_ptr<StreamMapper> GoogleProvider::makeStreamMapper(const ResponseContext& ctx) const
{
    if (ctx.endpoint != Endpoint::ChatCompletions)
        return nullptr;
    return std::make_unique<google::GoogleStreamMapper>(signatures_, ctx.strictOpenAiCompliance);
}

} // namespace gatehouse
