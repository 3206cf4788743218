#include "providers/cohere_provider.h"

#include "providers/cohere_request.h"
#include "providers/cohere_response.h"
#include "providers/cohere_stream_mapper.h"
#include "providers/json_fields.h"
#include "providers/openai_request.h"
#include "providers/openai_wire.h"

#include <nlohmann/json.hpp>

namespace gatehouse {

std::variant<UpstreamRequest, ApiError> CohereProvider::buildRequest(const ProviderCall& call) const
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
    const bool embed = call.endpoint == Endpoint::Embeddings;
    auto mapped = embed ? cohere::toEmbedRequest(*call.bodyJson) : cohere::toChatRequest(*call.bodyJson);
    if (auto* e = std::get_if<ApiError>(&mapped))
        return *e;

    UpstreamRequest r;
    r.method = QByteArrayLiteral("POST");
    QByteArray base = call.customHost.isEmpty() ? info().baseUrl : call.customHost;
    while (base.endsWith('/'))
        base.chop(1);
    r.url = base + (embed ? "/embed" : "/chat");
    r.body = openai::dump(std::get<nlohmann::json>(mapped));
    r.headers.emplace_back(QByteArrayLiteral("content-type"), QByteArrayLiteral("application/json"));
    r.headers.emplace_back(QByteArrayLiteral("accept"), embed || !json_fields::boolean(*call.bodyJson, "stream")
                                                            ? QByteArrayLiteral("application/json") : QByteArrayLiteral("text/event-stream"));
    addAuth(r.headers, call.apiKey);
    for (const auto& h : call.extraHeaders) {
        if (!h.first.startsWith("openai-"))   // OpenAI account headers mean nothing to Cohere
            r.headers.push_back(h);
    }
    r.timeoutMs = call.timeoutMs;
    return r;
}

void CohereProvider::mapResponse(const ResponseContext& ctx, int& status, QByteArray& body) const
{
    if (ctx.endpoint == Endpoint::Embeddings)
        cohere::mapEmbedResponse(status, body, ctx.model, ctx.base64Embeddings);
    else if (ctx.endpoint == Endpoint::ChatCompletions)
        cohere::mapChatResponse(status, body, ctx.model);
}

std::unique_ptr<StreamMapper> CohereProvider::makeStreamMapper(const ResponseContext& ctx) const
{
    if (ctx.endpoint != Endpoint::ChatCompletions)
        return nullptr;
    return std::make_unique<cohere::CohereStreamMapper>(ctx.model);
}

} // namespace gatehouse
