#include "pipeline/client_options.h"

#include "pipeline/traceparent.h"

#include <QStringList>

#include <algorithm>
#include <arpa/inet.h>
#include <cstdint>
#include <netinet/in.h>


namespace gatehouse {

namespace {

QString str(QByteArrayView v) { return QString::fromUtf8(v.data(), v.size()).trimmed(); }

ApiError headerError(const QString& header, const QString& message, const QString& code)
{
    return ApiError::badRequest(message, code, header);
}

std::optional<ApiError> parseMetadata(QByteArrayView raw, const QString& source, std::map<std::string, std::string>& out)
{
    const auto j = nlohmann::json::parse(raw.begin(), raw.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        return headerError(source, QStringLiteral("%1 must be a JSON object of string values, e.g. {\"_user\":\"u1\",\"env\":\"prod\"}.").arg(source),
                           QStringLiteral("invalid_metadata"));
    }
    for (const auto& [key, value] : j.items()) {
        if (value.is_string())
            out[key] = value.get<std::string>();
        else if (value.is_number() || value.is_boolean())
            out[key] = value.dump();
        else if (value.is_null())
            continue;
        else
            return headerError(source, QStringLiteral("%1: value of '%2' must be a string, number or boolean.")
                                           .arg(source, QString::fromStdString(key)), QStringLiteral("invalid_metadata"));
    }
    return std::nullopt;
}

std::optional<ApiError> parseTimeout(const QString& text, const QString& source, int& out)
{
    bool ok = false;
    const qlonglong v = text.toLongLong(&ok);
    if (!ok || v <= 0 || v > 3'600'000) {
        return headerError(source, QStringLiteral("%1 must be a whole number of milliseconds from 1 to 3600000 (got '%2').")
                                       .arg(source, text.left(64)), QStringLiteral("invalid_request_timeout"));
    }
    out = int(v);
    return std::nullopt;
}

std::optional<ApiError> parseForwardHeaders(const QString& text, const QString& source, std::vector<QByteArray>& out)
{
    for (const QString& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QByteArray name = part.trimmed().toLower().toUtf8();
        if (name.isEmpty())
            continue;
        if (name == "x-portkey-forward-headers" || name == "host" || name == "content-length"
            || name == "transfer-encoding" || name == "connection") {
            return headerError(source, QStringLiteral("%1 must not list the '%2' header.").arg(source, QString::fromUtf8(name)),
                               QStringLiteral("invalid_forward_headers"));
        }
        out.push_back(name);
    }
    return std::nullopt;
}

// Cloud metadata services answer on link-local addresses and well-known names. Hosts are compared
// the way the resolver will read them: inet_aton accepts decimal, hex, octal and short IPv4 forms,
// IPv6 literals may embed IPv4, and a trailing dot names the same host.
bool isCloudMetadataHost(QByteArrayView host)
{
    QByteArray name = host.toByteArray().toLower();
    while (name.endsWith('.'))
        name.chop(1);
    if (name == "metadata.google.internal" || name == "metadata.azure.com" || name == "metadata"
        || name == "instance-data")
        return true;
    auto linkLocal = [](std::uint32_t hostOrder) { return (hostOrder >> 16) == 0xa9fe; };   // 169.254/16
    in_addr v4{};
    if (::inet_aton(name.constData(), &v4) != 0)
        return linkLocal(ntohl(v4.s_addr));
    in6_addr v6{};
    if (::inet_pton(AF_INET6, name.constData(), &v6) == 1) {
        const auto* b = v6.s6_addr;
        const bool mapped = std::all_of(b, b + 10, [](unsigned char c) { return c == 0; }) && b[10] == 0xff && b[11] == 0xff;
        const bool compat = std::all_of(b, b + 12, [](unsigned char c) { return c == 0; });
        if (mapped || compat)
            return linkLocal((std::uint32_t(b[12]) << 24) | (std::uint32_t(b[13]) << 16) | (std::uint32_t(b[14]) << 8) | b[15]);
        const bool ec2 = b[0] == 0xfd && b[1] == 0x00 && b[2] == 0x0e && b[3] == 0xc2;   // fd00:ec2::/32
        const bool fe80 = b[0] == 0xfe && (b[1] & 0xc0) == 0x80;                        // fe80::/10
        return ec2 || fe80;
    }
    return false;
}

} // namespace

std::optional<ApiError> validateCustomHost(const QByteArray& raw, const QString& source)
{
    // A hand-written check (no QUrl): this runs on every request that names a custom host.
    auto invalid = [&](const QString& why) {
        return ApiError::badRequest(QStringLiteral("Invalid %1: %2").arg(source, why), QStringLiteral("invalid_custom_host"), source);
    };
    for (char c : raw) {
        if (uchar(c) < 0x20 || c == 0x7f || c == ' ')
            return invalid(QStringLiteral("it contains whitespace or control characters."));
    }
    QByteArrayView rest(raw);
    if (rest.startsWith("https://"))
        rest = rest.sliced(8);
    else if (rest.startsWith("http://"))
        rest = rest.sliced(7);
    else
        return invalid(QStringLiteral("it must be an http:// or https:// base URL, e.g. http://localhost:11434/v1."));
    const qsizetype slash = rest.indexOf('/');
    const QByteArrayView authority = slash < 0 ? rest : rest.first(slash);
    const QByteArrayView path = slash < 0 ? QByteArrayView() : rest.sliced(slash);
    if (authority.contains('@'))
        return invalid(QStringLiteral("credentials in the URL are not allowed; send the key as Authorization."));
    if (path.contains('?') || path.contains('#'))
        return invalid(QStringLiteral("a base URL has no query or fragment."));
    QByteArrayView host = authority;
    QByteArrayView port;
    if (authority.startsWith('[')) {
        const qsizetype close = authority.indexOf(']');
        if (close < 0)
            return invalid(QStringLiteral("the IPv6 address is not closed with ']'."));
        host = authority.sliced(1, close - 1);
        const QByteArrayView after = authority.sliced(close + 1);
        if (!after.isEmpty() && !after.startsWith(':'))
            return invalid(QStringLiteral("unexpected text after the IPv6 address."));
        port = after.isEmpty() ? QByteArrayView() : after.sliced(1);
    } else if (const qsizetype colon = authority.lastIndexOf(':'); colon >= 0) {
        host = authority.first(colon);
        port = authority.sliced(colon + 1);
    }
    if (host.isEmpty())
        return invalid(QStringLiteral("it has no host."));
    for (char c : host) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-'
                     || c == '_' || c == ':';
        if (!ok)
            return invalid(QStringLiteral("the host name contains '%1'.").arg(QLatin1Char(c)));
    }
    if (!port.isEmpty() || authority.endsWith(':')) {
        bool ok = false;
        const int n = port.toInt(&ok);
        if (!ok || n < 1 || n > 65535)
            return invalid(QStringLiteral("the port must be a number from 1 to 65535."));
    }
    if (isCloudMetadataHost(host))
        return invalid(QStringLiteral("cloud metadata endpoints (link-local 169.254.0.0/16) are refused."));
    return std::nullopt;
}

std::variant<ClientOptions, ApiError> parseClientOptions(const HttpRequest& request)
{
    ClientOptions o;
    o.config = request.header("x-portkey-config").trimmed().toByteArray();   // parsed by the routing stage
    o.provider = str(request.header("x-portkey-provider"));
    QString auth = str(request.header("authorization"));
    if (auth.startsWith(QLatin1String("Bearer "), Qt::CaseInsensitive))
        auth = auth.mid(7).trimmed();
    o.apiKey = auth;
    if (const auto host = request.header("x-portkey-custom-host"); !host.isEmpty())
        o.customHost = host.trimmed().toByteArray();   // beats config custom_host for every target, as in Portkey
    if (!o.customHost.isEmpty()) {
        if (auto e = validateCustomHost(o.customHost, QStringLiteral("x-portkey-custom-host")))
            return *e;
    }
    o.traceId = str(request.header("x-portkey-trace-id")).left(256);
    o.spanId = str(request.header("x-portkey-span-id")).left(256);
    o.parentSpanId = str(request.header("x-portkey-parent-span-id")).left(256);
    o.spanName = str(request.header("x-portkey-span-name")).left(256);
    if (const auto tp = parseTraceparent(request.header("traceparent"))) {
        // W3C trace context (OpenTelemetry-instrumented clients): the Portkey headers win when both are sent.
        o.traceparent = QString::fromLatin1(tp->header);
        if (o.traceId.isEmpty())
            o.traceId = QString::fromLatin1(tp->traceId);
        if (o.parentSpanId.isEmpty())
            o.parentSpanId = QString::fromLatin1(tp->parentId);
    }
    if (const auto md = request.header("x-portkey-metadata"); !md.isEmpty()) {
        if (auto e = parseMetadata(md, QStringLiteral("x-portkey-metadata"), o.metadata))
            return *e;
    }
    if (const auto t = request.header("x-portkey-request-timeout"); !t.isEmpty()) {
        if (auto e = parseTimeout(str(t), QStringLiteral("x-portkey-request-timeout"), o.requestTimeoutMs))
            return *e;
    }
    if (const auto fh = request.header("x-portkey-forward-headers"); !fh.isEmpty()) {
        if (auto e = parseForwardHeaders(str(fh), QStringLiteral("x-portkey-forward-headers"), o.forwardHeaders))
            return *e;
    }
    if (const auto s = request.header("x-portkey-strict-open-ai-compliance"); !s.isEmpty()) {
        const QString v = str(s).toLower();
        if (v != QLatin1String("true") && v != QLatin1String("false")) {
            return headerError(QStringLiteral("x-portkey-strict-open-ai-compliance"),
                               QStringLiteral("x-portkey-strict-open-ai-compliance must be true or false."), QStringLiteral("invalid_header"));
        }
        o.strictOpenAiCompliance = v == QLatin1String("true");
    }
    o.cacheForceRefresh = hasHeader(request.headers, "x-portkey-cache-force-refresh");   // presence, as in Portkey
    o.cacheNamespace = str(request.header("x-portkey-cache-namespace")).left(256);
    if (const auto vk = request.header("x-portkey-virtual-key"); !vk.isEmpty())
        o.virtualKey = str(vk);
    return o;
}

} // namespace gatehouse
