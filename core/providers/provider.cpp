#include "providers/provider.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <stdexcept>

namespace gatehouse {

void from_json(const nlohmann::json& j, ProviderInfo& p)
{
    p.id = QString::fromStdString(j.at("id").get<std::string>());
    p.name = QString::fromStdString(j.value("name", j.at("id").get<std::string>()));
    p.aliases.clear();
    for (const auto& a : j.value("aliases", nlohmann::json::array()))
        p.aliases.push_back(QString::fromStdString(a.get<std::string>()));
    p.baseUrl = QByteArray::fromStdString(j.at("base_url").get<std::string>());
    const std::string auth = j.value("auth", "bearer");
    if (auth == "bearer") p.auth = AuthStyle::Bearer;
    else if (auth == "x-api-key") p.auth = AuthStyle::XApiKey;
    else if (auth == "api-key") p.auth = AuthStyle::ApiKey;
    else if (auth == "x-goog-api-key") p.auth = AuthStyle::XGoogApiKey;
    else if (auth == "none") p.auth = AuthStyle::None;
    else throw std::invalid_argument("provider " + p.id.toStdString() + ": unknown auth style " + auth);
    p.keyRequired = j.value("key_required", p.auth != AuthStyle::None);
    p.transport = j.value("kind", "openai-compatible") == "mock" ? TransportKind::Mock : TransportKind::Http;
    p.endpoints.clear();
    for (const auto& e : j.at("endpoints")) {
        const auto key = e.get<std::string>();
        const auto ep = endpointFromKey(QByteArrayView(key.data(), qsizetype(key.size())));
        if (!ep)
            throw std::invalid_argument("provider " + p.id.toStdString() + ": unknown endpoint " + key);
        p.endpoints.push_back(*ep);
    }
}

bool Provider::supports(Endpoint e) const
{
    return std::find(info_.endpoints.begin(), info_.endpoints.end(), e) != info_.endpoints.end();
}

QByteArray Provider::upstreamUrl(const ProviderCall& call) const
{
    QByteArray url = call.customHost.isEmpty() ? info_.baseUrl : call.customHost;
    while (url.endsWith('/'))
        url.chop(1);
    url += endpointPath(call.endpoint);
    if (!call.query.isEmpty())
        url += '?' + call.query;
    return url;
}

void Provider::addAuth(HeaderList& headers, const QString& apiKey) const
{
    if (apiKey.isEmpty())
        return;
    switch (info_.auth) {
    case AuthStyle::Bearer:
        headers.emplace_back(QByteArrayLiteral("authorization"), "Bearer " + apiKey.toUtf8());
        break;
    case AuthStyle::XApiKey:
        headers.emplace_back(QByteArrayLiteral("x-api-key"), apiKey.toUtf8());
        break;
    case AuthStyle::ApiKey:
        headers.emplace_back(QByteArrayLiteral("api-key"), apiKey.toUtf8());
        break;
    case AuthStyle::XGoogApiKey:
        headers.emplace_back(QByteArrayLiteral("x-goog-api-key"), apiKey.toUtf8());
        break;
    case AuthStyle::None:
        break;
    }
}

} // namespace gatehouse
