#include "observability/request_row.h"

#include <QSqlQuery>
#include <QStringList>

#include <nlohmann/json.hpp>

namespace gatehouse::request_row {

namespace {

// Order matters: bind() and read() follow it.
const QStringList& columns()
{
    static const QStringList all = {
        QStringLiteral("request_id"), QStringLiteral("trace_id"), QStringLiteral("received_ms"),
        QStringLiteral("total_ms"), QStringLiteral("upstream_ms"), QStringLiteral("first_byte_ms"),
        QStringLiteral("method"), QStringLiteral("path"), QStringLiteral("provider"), QStringLiteral("model"),
        QStringLiteral("upstream_url"), QStringLiteral("attempts"), QStringLiteral("status"),
        QStringLiteral("stream"), QStringLiteral("error_type"), QStringLiteral("error_message"),
        QStringLiteral("prompt_tokens"), QStringLiteral("completion_tokens"), QStringLiteral("total_tokens"),
        QStringLiteral("client_address"), QStringLiteral("user_agent"), QStringLiteral("metadata"),
        QStringLiteral("request_bytes"), QStringLiteral("response_bytes"), QStringLiteral("request_body"),
        QStringLiteral("response_body"), QStringLiteral("request_body_truncated"),
        QStringLiteral("response_body_truncated"),
    };
    return all;
}

// A null QString binds as SQL NULL; the text columns are NOT NULL and filters compare with ''.
QVariant text(const QString& s)
{
    return s.isNull() ? QVariant(QStringLiteral("")) : QVariant(s);
}

QVariant optionalNumber(double v) { return v < 0 ? QVariant() : QVariant(v); }
QVariant optionalNumber(qint64 v) { return v < 0 ? QVariant() : QVariant(v); }

double optionalDouble(const QVariant& v) { return v.isNull() ? -1.0 : v.toDouble(); }
qint64 optionalInt(const QVariant& v) { return v.isNull() ? -1 : v.toLongLong(); }

} // namespace

QString insertSql()
{
    QStringList marks;
    for (qsizetype i = 0; i < columns().size(); ++i)
        marks << QStringLiteral("?");
    return QStringLiteral("INSERT INTO requests(%1) VALUES (%2)")
        .arg(columns().join(QLatin1Char(',')), marks.join(QLatin1Char(',')));
}

QString insertMetadataSql()
{
    return QStringLiteral("INSERT INTO request_metadata(request_rowid, key, value) VALUES (?, ?, ?)");
}

void bind(QSqlQuery& q, const RequestRecord& r)
{
    int i = 0;
    q.bindValue(i++, text(r.requestId));
    q.bindValue(i++, text(r.traceId));
    q.bindValue(i++, r.receivedAt.isValid() ? r.receivedAt.toMSecsSinceEpoch() : qint64(0));
    q.bindValue(i++, r.totalMs);
    q.bindValue(i++, optionalNumber(r.upstreamMs));
    q.bindValue(i++, optionalNumber(r.firstByteMs));
    q.bindValue(i++, text(r.method));
    q.bindValue(i++, text(r.path));
    q.bindValue(i++, text(r.provider));
    q.bindValue(i++, text(r.model));
    q.bindValue(i++, text(r.upstreamUrl));
    q.bindValue(i++, r.attempts);
    q.bindValue(i++, r.status);
    q.bindValue(i++, int(r.stream));
    q.bindValue(i++, text(r.errorType));
    q.bindValue(i++, text(r.errorMessage));
    q.bindValue(i++, optionalNumber(r.promptTokens));
    q.bindValue(i++, optionalNumber(r.completionTokens));
    q.bindValue(i++, optionalNumber(r.totalTokens));
    q.bindValue(i++, text(r.clientAddress));
    q.bindValue(i++, text(r.userAgent));
    q.bindValue(i++, metadataJson(r.metadata));
    q.bindValue(i++, r.requestBytes);
    q.bindValue(i++, r.responseBytes);
    q.bindValue(i++, r.requestBody);      // QByteArray binds as a BLOB (NULL when null)
    q.bindValue(i++, r.responseBody);
    q.bindValue(i++, int(r.requestBodyTruncated));
    q.bindValue(i++, int(r.responseBodyTruncated));
    Q_ASSERT(i == columns().size());
}

QString selectColumns(bool withBodies)
{
    QStringList list{QStringLiteral("r.id")};
    for (const QString& c : columns()) {
        const bool body = c == u"request_body" || c == u"response_body";
        list << (body && !withBodies ? QStringLiteral("NULL") : QStringLiteral("r.") + c);
    }
    return list.join(QStringLiteral(", "));
}

qint64 readRowId(const QSqlQuery& q)
{
    return q.value(0).toLongLong();
}

RequestRecord read(const QSqlQuery& q)
{
    RequestRecord r;
    int i = 1;
    r.requestId = q.value(i++).toString();
    r.traceId = q.value(i++).toString();
    r.receivedAt = QDateTime::fromMSecsSinceEpoch(q.value(i++).toLongLong(), Qt::UTC);
    r.totalMs = q.value(i++).toDouble();
    r.upstreamMs = optionalDouble(q.value(i++));
    r.firstByteMs = optionalDouble(q.value(i++));
    r.method = q.value(i++).toString();
    r.path = q.value(i++).toString();
    r.provider = q.value(i++).toString();
    r.model = q.value(i++).toString();
    r.upstreamUrl = q.value(i++).toString();
    r.attempts = q.value(i++).toInt();
    r.status = q.value(i++).toInt();
    r.stream = q.value(i++).toInt() != 0;
    r.errorType = q.value(i++).toString();
    r.errorMessage = q.value(i++).toString();
    r.promptTokens = optionalInt(q.value(i++));
    r.completionTokens = optionalInt(q.value(i++));
    r.totalTokens = optionalInt(q.value(i++));
    r.clientAddress = q.value(i++).toString();
    r.userAgent = q.value(i++).toString();
    r.metadata = metadataFromJson(q.value(i++).toString());
    r.requestBytes = q.value(i++).toLongLong();
    r.responseBytes = q.value(i++).toLongLong();
    r.requestBody = q.value(i++).toByteArray();
    r.responseBody = q.value(i++).toByteArray();
    r.requestBodyTruncated = q.value(i++).toInt() != 0;
    r.responseBodyTruncated = q.value(i++).toInt() != 0;
    return r;
}

QString metadataJson(const std::map<std::string, std::string>& metadata)
{
    return QString::fromStdString(
        nlohmann::json(metadata).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::map<std::string, std::string> metadataFromJson(const QString& json)
{
    std::map<std::string, std::string> out;
    const std::string raw = json.toStdString();
    const nlohmann::json j = nlohmann::json::parse(raw, nullptr, false);
    if (!j.is_object())
        return out;
    for (const auto& [key, value] : j.items())
        out[key] = value.is_string() ? value.get<std::string>() : value.dump();
    return out;
}

} // namespace gatehouse::request_row
