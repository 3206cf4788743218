#include "providers/anthropic_provider.h"

#include "providers/anthropic_request.h"
#include "providers/anthropic_response.h"
#include "providers/anthropic_stream_mapper.h"
#include "providers/json_fields.h"
#include "providers/openai_wire.h"

#include <nlohmann/json.hpp>

namespace gatehouse {

namespace {

// A provider-family header: x-portkey-<name> beats <name> from the client (what Portkey's SDK
// sends), then a forwarded header, then the body field Portkey also accepts.
QByteArray familyHeader(const ProviderCall& call, const char* name, const nlohmann::json& body, const char* bodyField)
{
    if (call.clientHeaders) {
        for (const QByteArray& n : {QByteArray("x-portkey-").append(name), QByteArray(name)}) {
            if (const QByteArrayView v = findHeader(*call.clientHeaders, n); !v.trimmed().isEmpty())
                return v.trimmed().toByteArray();
        }
    }
    if (const QByteArrayView v = findHeader(call.extraHeaders, name); !v.trimmed().isEmpty())
        return v.trimmed().toByteArray();
    return QByteArray::fromStdString(json_fields::str(body, bodyField));
}

bool isHeaderValueSafe(const QByteArray& v)
{
    for (char c : v) {
        if (c == '\r' || c == '\n' || c == '\0')
            return false;
    }
    return true;
}

} // namespace

std::variant<UpstreamRequest, ApiError> AnthropicProvider::buildRequest(const ProviderCall& call) const
{
    if (call.endpoint != Endpoint::ChatCompletions)
        return ApiError::badRequest(QStringLiteral("Provider '%1' supports chat completions only.").arg(id()),
                                    QStringLiteral("unsupported_endpoint"));
    if (auto e = missingKey(call))
        return *e;
    if (!call.bodyJson)
        return ApiError::badRequest(QStringLiteral("The request body must be a JSON object."), QStringLiteral("invalid_json"));
    auto mapped = anthropic::toMessagesRequest(*call.bodyJson);
    if (auto* e = std::get_if<ApiError>(&mapped))
        return *e;
    return request(call, openai::dump(std::get<nlohmann::json>(mapped)), "/messages");
}

std::variant<UpstreamRequest, ApiError> AnthropicProvider::buildNativeRequest(const ProviderCall& call, const char* path) const
{
    if (auto e = missingKey(call))
        return *e;
    if (!call.bodyJson || !call.body)
        return ApiError::badRequest(QStringLiteral("The request body must be a JSON object."), QStringLiteral("invalid_json"));
    return request(call, *call.body, path);
}

QString AnthropicProvider::apiKeyOf(const ProviderCall& call)
{
    if (call.apiKey.isEmpty() && call.clientHeaders)   // Anthropic's own clients send x-api-key
        return QString::fromUtf8(findHeader(*call.clientHeaders, "x-api-key").trimmed().toByteArray());
    return call.apiKey;
}

std::optional<ApiError> AnthropicProvider::missingKey(const ProviderCall& call) const
{
    if (info().keyRequired && apiKeyOf(call).isEmpty() && call.customHost.isEmpty()) {
        return ApiError::unauthorized(
            QStringLiteral("No API key for provider '%1'. Send it as 'Authorization: Bearer <key>' "
                           "(or put api_key in x-portkey-config).").arg(id()),
            QStringLiteral("missing_api_key"));
    }
    return std::nullopt;
}

std::variant<UpstreamRequest, ApiError> AnthropicProvider::request(const ProviderCall& call, QByteArray body, const char* path) const
{
    const QString apiKey = apiKeyOf(call);

    UpstreamRequest r;
    r.method = QByteArrayLiteral("POST");
    QByteArray base = call.customHost.isEmpty() ? info().baseUrl : call.customHost;
    while (base.endsWith('/'))
        base.chop(1);
    r.url = base + path;   // the client's query means nothing to Anthropic
    r.body = std::move(body);
    r.headers.emplace_back(QByteArrayLiteral("content-type"), QByteArrayLiteral("application/json"));
    addAuth(r.headers, apiKey);
    QByteArray version = familyHeader(call, "anthropic-version", *call.bodyJson, "anthropic_version");
    if (version.isEmpty())
        version = kDefaultVersion;
    const QByteArray beta = familyHeader(call, "anthropic-beta", *call.bodyJson, "anthropic_beta");
    if (!isHeaderValueSafe(version) || !isHeaderValueSafe(beta))
        return ApiError::badRequest(QStringLiteral("anthropic-version and anthropic-beta must be single-line values."),
                                    QStringLiteral("invalid_header"));
    r.headers.emplace_back(QByteArrayLiteral("anthropic-version"), version);
    if (!beta.isEmpty())
        r.headers.emplace_back(QByteArrayLiteral("anthropic-beta"), beta);
    for (const auto& h : call.extraHeaders) {
        // Already set above, or meant for OpenAI only.
        if (h.first == "anthropic-version" || h.first == "anthropic-beta" || h.first.startsWith("openai-"))
            continue;
        r.headers.push_back(h);
    }
    r.timeoutMs = call.timeoutMs;
    return r;
}

void AnthropicProvider::mapResponse(const ResponseContext& ctx, int& status, QByteArray& body) const
{
    if (ctx.endpoint == Endpoint::ChatCompletions)
        anthropic::mapMessagesResponse(status, body, ctx.strictOpenAiCompliance);
}

std::unique_ptr<StreamMapper> AnthropicProvider::makeStreamMapper(const ResponseContext& ctx) const
{
    if (ctx.endpoint != Endpoint::ChatCompletions)
        return nullptr;
    return std::make_unique<AnthropicStreamMapper>(ctx.strictOpenAiCompliance);
}

} // namespace gatehouse
