#include "observability/curl_command.h"

#include "observability/request_row.h"

#include <QStringList>

namespace gatehouse {

QString shellQuote(const QString& text)
{
    QString out = text;
    out.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + out + QLatin1Char('\'');
}

QString curlCommand(const RequestRecord& r, const QString& baseUrl)
{
    QStringList lines;
    QString first = QStringLiteral("curl ");
    if (r.method != u"POST" && r.method != u"GET")
        first += QStringLiteral("-X %1 ").arg(r.method);
    if (r.method == u"GET" && !r.requestBody.isEmpty())
        first += QStringLiteral("-X GET ");
    lines << first + shellQuote(baseUrl + r.path);
    auto header = [&lines](const QString& name, const QString& value) {
        lines << QStringLiteral("  -H ") + shellQuote(name + QStringLiteral(": ") + value);
    };
    if (!r.requestBody.isEmpty())
        header(QStringLiteral("content-type"), QStringLiteral("application/json"));
    if (!r.configId.isEmpty())
        header(QStringLiteral("x-portkey-config"), r.configId);
    else if (!r.provider.isEmpty())
        header(QStringLiteral("x-portkey-provider"), r.provider);
    if (r.provider != u"mock" || !r.configId.isEmpty())
        lines << QStringLiteral("  -H \"authorization: Bearer $PROVIDER_API_KEY\"");   // expanded by the shell, never recorded
    header(QStringLiteral("x-portkey-trace-id"), r.traceId);
    if (!r.metadata.empty())
        header(QStringLiteral("x-portkey-metadata"), request_row::metadataJson(r.metadata));
    if (!r.requestBody.isEmpty())
        lines << QStringLiteral("  --data-binary ") + shellQuote(QString::fromUtf8(r.requestBody));
    const QString command = lines.join(QStringLiteral(" \\\n"));
    return r.requestBodyTruncated ? QStringLiteral("# the recorded body was truncated: complete it before sending\n") + command
                                  : command;
}

} // namespace gatehouse
