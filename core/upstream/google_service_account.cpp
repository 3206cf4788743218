#include "upstream/google_service_account.h"

#include <nlohmann/json.hpp>

#include <QCryptographicHash>
#include <QUrl>

namespace gatehouse {

namespace {

std::string field(const nlohmann::json& j, const char* name)
{
    const auto it = j.find(name);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool isAllowedTokenUri(const std::string& uri)
{
    const QUrl url(QString::fromStdString(uri), QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty() || !url.userInfo().isEmpty())
        return false;
    if (url.scheme() == QLatin1String("https"))
        return true;
    // Plain http only where nothing leaves the machine (local token services, tests).
    const QString host = url.host();
    return url.scheme() == QLatin1String("http")
        && (host == QLatin1String("127.0.0.1") || host == QLatin1String("localhost") || host == QLatin1String("::1"));
}

} // namespace

std::string GoogleServiceAccount::cacheKey() const
{
    QCryptographicHash h(QCryptographicHash::Sha256);
    for (const std::string* s : {&clientEmail, &privateKeyId, &tokenUri, &privateKeyPem}) {
        h.addData(QByteArray::fromStdString(*s));
        h.addData(QByteArrayView("\0", 1));
    }
    return h.result().toHex().toStdString();
}

std::variant<GoogleServiceAccount, QString> parseGoogleServiceAccount(const nlohmann::json& input)
{
    nlohmann::json parsed;
    const nlohmann::json* j = &input;
    if (input.is_string()) {
        parsed = nlohmann::json::parse(input.get_ref<const std::string&>(), nullptr, false);
        if (parsed.is_discarded())
            return QStringLiteral("is not valid JSON");
        j = &parsed;
    }
    if (!j->is_object())
        return QStringLiteral("must be a JSON object (the service account key file)");
    if (const std::string type = field(*j, "type"); !type.empty() && type != "service_account")
        return QStringLiteral("has type '%1'; a service account key (type service_account) is needed").arg(QString::fromStdString(type).left(40));
    GoogleServiceAccount sa;
    sa.clientEmail = field(*j, "client_email");
    sa.privateKeyPem = field(*j, "private_key");
    sa.privateKeyId = field(*j, "private_key_id");
    sa.projectId = field(*j, "project_id");
    sa.tokenUri = field(*j, "token_uri");
    if (sa.tokenUri.empty())
        sa.tokenUri = kGoogleTokenUri;
    if (sa.clientEmail.empty())
        return QStringLiteral("has no client_email");
    if (sa.privateKeyPem.find("-----BEGIN PRIVATE KEY-----") == std::string::npos)
        return QStringLiteral("has no private_key in PKCS#8 PEM form");
    if (!isAllowedTokenUri(sa.tokenUri))
        return QStringLiteral("has a token_uri that is not an https URL");
    for (const std::string* s : {&sa.clientEmail, &sa.privateKeyId})
        if (s->find_first_of("\r\n\"\\") != std::string::npos || s->size() > 512)
            return QStringLiteral("has a malformed client_email or private_key_id");
    return sa;
}

} // namespace gatehouse
