#include "providers/openai_compatible_provider.h"

namespace gatehouse {

std::variant<UpstreamRequest, ApiError> OpenAICompatibleProvider::buildRequest(const ProviderCall& call) const
{
    if (info().keyRequired && call.apiKey.isEmpty() && call.customHost.isEmpty()) {
        return ApiError::unauthorized(
            QStringLiteral("No API key for provider '%1'. Send it as 'Authorization: Bearer <key>' "
                           "(or put api_key in x-portkey-config).").arg(id()),
            QStringLiteral("missing_api_key"));
    }
    UpstreamRequest r;
    r.method = call.method;
    r.url = upstreamUrl(call);
    if (call.method != "GET") {
        r.headers.emplace_back(QByteArrayLiteral("content-type"), QByteArrayLiteral("application/json"));
        r.body = *call.body;
    }
    addAuth(r.headers, call.apiKey);
    r.headers.insert(r.headers.end(), call.extraHeaders.begin(), call.extraHeaders.end());
    r.timeoutMs = call.timeoutMs;
    return r;
}

} // namespace gatehouse
