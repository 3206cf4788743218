#include "providers/azure_openai_provider.h"

#include <nlohmann/json.hpp>

namespace gatehouse {

namespace {

// x-portkey-azure-<kebab> header, else the config target's key (plain, then azure_-prefixed).
QByteArray setting(const ProviderCall& call, const char* kebab, const char* snake)
{
    if (call.keyOptions) {
        const auto it = call.keyOptions->find("azure_" + std::string(snake));
        if (it != call.keyOptions->end() && it->is_string() && !it->get<std::string>().empty())
            return QByteArray::fromStdString(it->get<std::string>());
    }
    if (call.clientHeaders) {
        if (const QByteArrayView v = findHeader(*call.clientHeaders, QByteArray("x-portkey-azure-") + kebab); !v.trimmed().isEmpty())
            return v.trimmed().toByteArray();
    }
    if (call.providerOptions && call.providerOptions->is_object()) {
        for (const std::string& key : {std::string(snake), "azure_" + std::string(snake)}) {
            const auto it = call.providerOptions->find(key);
            if (it != call.providerOptions->end() && it->is_string() && !it->get<std::string>().empty())
                return QByteArray::fromStdString(it->get<std::string>()).trimmed();
        }
    }
    return {};
}

bool isResourceName(const QByteArray& s)
{
    if (s.isEmpty() || s.size() > 64 || s.startsWith('-') || s.endsWith('-'))
        return false;
    for (char c : s) {
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
            return false;
    }
    return true;
}

// Deployment names and api versions go into the URL: letters, digits and . _ - only.
bool isUrlToken(const QByteArray& s)
{
    if (s.isEmpty() || s.size() > 128)
        return false;
    for (char c : s) {
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
            return false;
    }
    return true;
}

ApiError missing(const char* header, const char* configKey, const QString& example)
{
    return ApiError::badRequest(QStringLiteral("Provider 'azure-openai' needs %1 (or \"%2\" in the config target), e.g. %3.")
                                    .arg(QLatin1String(header), QLatin1String(configKey), example),
                                QStringLiteral("missing_parameter"), QString::fromLatin1(header));
}

ApiError invalid(const char* header, const QString& what)
{
    return ApiError::badRequest(QStringLiteral("Provider 'azure-openai': %1 %2.").arg(QLatin1String(header), what),
                                QStringLiteral("invalid_parameter"), QString::fromLatin1(header));
}

} // namespace

std::variant<UpstreamRequest, ApiError> AzureOpenAIProvider::buildRequest(const ProviderCall& call) const
{
    const QByteArray resource = setting(call, "resource-name", "resource_name");
    const QByteArray deployment = setting(call, "deployment-id", "deployment_id");
    const QByteArray apiVersion = setting(call, "api-version", "api_version");
    const QByteArray adToken = setting(call, "ad-token", "ad_token");
    const QByteArray authMode = setting(call, "auth-mode", "auth_mode");

    if (!authMode.isEmpty() && authMode != "api-key" && adToken.isEmpty()) {
        return ApiError::badRequest(
            QStringLiteral("Provider 'azure-openai': auth mode '%1' needs a token this gateway does not fetch; "
                           "send the Entra ID access token as x-portkey-azure-ad-token (or \"azure_ad_token\" in the config), "
                           "or use an API key.").arg(QString::fromUtf8(authMode.left(32))),
            QStringLiteral("unsupported_auth_mode"), QStringLiteral("x-portkey-azure-auth-mode"));
    }
    if (adToken.isEmpty() && call.apiKey.isEmpty()) {
        return ApiError::unauthorized(
            QStringLiteral("No API key for provider 'azure-openai'. Send it as 'Authorization: Bearer <key>' (sent to Azure as "
                           "api-key), or an Entra ID token as x-portkey-azure-ad-token."),
            QStringLiteral("missing_api_key"));
    }
    if (apiVersion.isEmpty())
        return missing("x-portkey-azure-api-version", "api_version", QStringLiteral("2024-10-21, or v1"));
    if (!isUrlToken(apiVersion))
        return invalid("x-portkey-azure-api-version", QStringLiteral("must be an Azure API version such as 2024-10-21 or v1"));
    const bool v1 = apiVersion == "v1";
    if (call.customHost.isEmpty()) {
        if (resource.isEmpty())
            return missing("x-portkey-azure-resource-name", "resource_name", QStringLiteral("my-resource (from https://my-resource.openai.azure.com)"));
        if (!isResourceName(resource))
            return invalid("x-portkey-azure-resource-name", QStringLiteral("must be the resource's name (letters, digits and '-'), not a URL"));
    }
    if (!v1) {
        if (deployment.isEmpty())
            return missing("x-portkey-azure-deployment-id", "deployment_id", QStringLiteral("my-gpt-4o"));
        if (!isUrlToken(deployment))
            return invalid("x-portkey-azure-deployment-id", QStringLiteral("may hold letters, digits, '.', '_' and '-' only"));
    }
    if (adToken.contains('\r') || adToken.contains('\n') || adToken.contains('\0'))
        return invalid("x-portkey-azure-ad-token", QStringLiteral("must be a single line"));

    QByteArray url = call.customHost.isEmpty() ? "https://" + resource.toLower() + ".openai.azure.com/openai" : call.customHost;
    while (url.endsWith('/'))
        url.chop(1);
    if (v1) {
        url += "/v1" + endpointPath(call.endpoint);
        if (!call.query.isEmpty())
            url += '?' + call.query;
    } else {
        url += "/deployments/" + deployment + endpointPath(call.endpoint) + "?api-version=" + apiVersion;
        if (!call.query.isEmpty())   // the client's own query is kept (Portkey does too)
            url += '&' + call.query;
    }

    UpstreamRequest r;
    r.method = call.method;
    r.url = url;
    if (call.method != "GET") {
        r.headers.emplace_back(QByteArrayLiteral("content-type"), QByteArrayLiteral("application/json"));
        r.body = *call.body;
    }
    if (!adToken.isEmpty())
        r.headers.emplace_back(QByteArrayLiteral("authorization"), "Bearer " + adToken);
    else
        r.headers.emplace_back(QByteArrayLiteral("api-key"), call.apiKey.toUtf8());
    for (const auto& h : call.extraHeaders) {
        if (h.first != "openai-organization" && h.first != "openai-project")   // OpenAI accounts mean nothing to Azure
            r.headers.push_back(h);
    }
    r.timeoutMs = call.timeoutMs;
    return r;
}

} // namespace gatehouse
