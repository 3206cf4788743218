#include "pipeline/gateway_access.h"

#include "keys/secrets_file_store.h"

#include <QCryptographicHash>
#include <QFile>
#include <QHostAddress>

namespace gatehouse {

QByteArray gatewayKeyDigest(QByteArrayView key)
{
    return QCryptographicHash::hash(key, QCryptographicHash::Sha256);
}

std::optional<ApiError> checkGatewayApiKey(const GatewaySettings& settings, const HttpRequest& request)
{
    if (settings.apiKeyDigests.empty())
        return std::nullopt;
    const QByteArrayView sent = request.header("x-portkey-api-key");
    if (sent.isEmpty()) {
        return ApiError::unauthorized(QStringLiteral("This gateway requires a gateway API key: send it in the x-portkey-api-key header."),
                                      QStringLiteral("gateway_key_missing"));
    }
    // Digests have a fixed length, so comparing them leaks neither the key's length nor a prefix;
    // every configured key is compared, matched or not.
    const QByteArray digest = gatewayKeyDigest(sent);
    unsigned char match = 0;
    for (const QByteArray& known : settings.apiKeyDigests) {
        unsigned char diff = known.size() == digest.size() ? 0 : 1;
        for (qsizetype i = 0; i < digest.size() && i < known.size(); ++i)
            diff |= uchar(known[i]) ^ uchar(digest[i]);
        match |= uchar(diff == 0);
    }
    if (!match) {
        return ApiError::unauthorized(QStringLiteral("The gateway API key in x-portkey-api-key is not valid for this gateway."),
                                      QStringLiteral("gateway_key_invalid"));
    }
    return std::nullopt;
}

QString exposureProblem(const GatewaySettings& settings)
{
    QHostAddress address;
    if (!address.setAddress(settings.bindAddress) || address.isLoopback() || !settings.apiKeyDigests.empty())
        return {};
    return QStringLiteral("refusing to listen on %1 without a gateway API key: anyone who can reach this address could use "
                          "your provider keys. Pass --gateway-key-file FILE (one key per line, mode 0600), or bind to 127.0.0.1.")
        .arg(settings.bindAddress);
}

std::vector<QByteArray> loadGatewayKeyFile(const QString& path, QString* error)
{
    std::vector<QByteArray> digests;
    QFile f(path);
    if (!f.exists()) {
        *error = QStringLiteral("The gateway key file %1 does not exist.").arg(path);
        return {};
    }
    if (QString p = SecretsFileStore::permissionProblem(path); !p.isEmpty()) {
        *error = p.replace(QStringLiteral("secrets file"), QStringLiteral("gateway key file"));
        return {};
    }
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("Cannot read the gateway key file %1: %2").arg(path, f.errorString());
        return {};
    }
    while (!f.atEnd()) {
        const QByteArray line = f.readLine().trimmed();
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        digests.push_back(gatewayKeyDigest(line));
    }
    if (digests.empty())
        *error = QStringLiteral("The gateway key file %1 holds no key (one key per line).").arg(path);
    return digests;
}

} // namespace gatehouse
