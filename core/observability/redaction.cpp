#include "observability/redaction.h"

#include <nlohmann/json.hpp>

#include <array>
#include <cstring>
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
    // One pass over the body: every quoted string directly followed by ':' is an object key; only
    // bodies with a credential-like key are parsed and rewritten.
    const char* p = body.constData();
    const char* const end = p + body.size();
    while ((p = static_cast<const char*>(std::memchr(p, '"', std::size_t(end - p)))) != nullptr) {
        const char* const start = ++p;
        while (p < end && *p != '"') {
            if (*p == '\\')
                ++p;
            ++p;
        }
        if (p >= end)
            return false;
        const std::size_t len = std::size_t(p - start);
        ++p;
        const char* q = p;
        while (q < end && (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r'))
            ++q;
        if (q < end && *q == ':' && len >= 6 && len <= 21 && isSecretKey(std::string(start, len)))
            return true;
    }
    return false;
}

// For bodies that are not JSON (a broken body, a form post): after any credential-like name, the
// value up to the next delimiter is replaced, whatever the syntax (key=value, "key": "value", ...).
QByteArray redactText(const QByteArray& body)
{
    QByteArray out = body;
    const QByteArray lower = body.toLower();
    for (auto key : kSecretKeys) {
        const QByteArrayView k(key.data(), qsizetype(key.size()));
        for (qsizetype at = lower.indexOf(k); at >= 0; at = lower.indexOf(k, at + k.size())) {
            qsizetype v = at + k.size();
            while (v < out.size() && (out[v] == '"' || out[v] == '\'' || out[v] == ' ' || out[v] == ':' || out[v] == '='))
                ++v;
            qsizetype e = v;
            while (e < out.size() && !QByteArrayView("&\"', \n\r\t}]").contains(out[e]))
                ++e;
            if (e > v)
                out.replace(v, e - v, "[REDACTED]");
        }
    }
    return out;
}

} // namespace

QByteArray redactBody(const QByteArray& body, int capBytes, bool* truncated, BodyKind kind)
{
    QByteArray out = body;
    if (kind == BodyKind::NotJson) {
        out = redactText(body);
    } else if (mayHoldSecret(body)) {
        auto j = nlohmann::json::parse(body.constBegin(), body.constEnd(), nullptr, false);
        if (j.is_discarded()) {
            out = redactText(body);
        } else {
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
