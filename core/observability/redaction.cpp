#include "observability/redaction.h"

#include <nlohmann/json.hpp>

#include <array>
#include <string_view>

namespace gatehouse {

namespace {

constexpr std::array<std::string_view, 10> kSecretKeys = {
    "api_key", "apikey", "api-key", "password", "secret", "client_secret", "access_token",
    "authorization", "aws_secret_access_key", "private_key"};

bool isSecretKey(std::string key)
{
    for (char& c : key)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    for (auto k : kSecretKeys) {
        if (key == k)
            return true;
    }
    return false;
}

void redact(nlohmann::json& j)
{
    if (j.is_object()) {
        for (auto& [key, value] : j.items()) {
            if (isSecretKey(key) && !value.is_null())
                value = "[REDACTED]";
            else
                redact(value);
        }
    } else if (j.is_array()) {
        for (auto& v : j)
            redact(v);
    }
}

bool mayHoldSecret(const QByteArray& body)
{
    // Cheap pre-check: only bodies that mention such a key are parsed and rewritten.
    for (auto k : kSecretKeys) {
        if (body.contains(QByteArrayView(k.data(), qsizetype(k.size()))))
            return true;
    }
    return body.contains("API_KEY") || body.contains("apiKey") || body.contains("Authorization");
}

} // namespace

QByteArray redactBody(const QByteArray& body, int capBytes, bool* truncated)
{
    QByteArray out = body;
    if (mayHoldSecret(body)) {
        auto j = nlohmann::json::parse(body.constBegin(), body.constEnd(), nullptr, false);
        if (!j.is_discarded()) {
            redact(j);
            out = QByteArray::fromStdString(j.dump());
        }
    }
    *truncated = out.size() > capBytes;
    if (*truncated)
        out.truncate(capBytes);
    return out;
}

QByteArray redactUrl(const QByteArray& url)
{
    const qsizetype q = url.indexOf('?');
    return q < 0 ? url : url.left(q);
}

} // namespace gatehouse
