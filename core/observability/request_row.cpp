#include "observability/request_row.h"

#include "observability/response_summary.h"

#include <QSqlQuery>
#include <QStringList>

#include <nlohmann/json.hpp>

namespace gatehouse::request_row {

namespace {

// Order matters: bind() and read() follow it.
const QStringList& columns()
{
    static const QStringList all = {
        QStringLiteral("request_id"), QStringLiteral("trace_id"), QStringLiteral("span_id"),
        QStringLiteral("parent_span_id"), QStringLiteral("span_name"), QStringLiteral("traceparent"),
        QStringLiteral("received_ms"), QStringLiteral("total_ms"), QStringLiteral("upstream_ms"),
        QStringLiteral("first_byte_ms"), QStringLiteral("upstream_start_ms"), QStringLiteral("first_token_ms"),
        QStringLiteral("method"), QStringLiteral("path"), QStringLiteral("provider"), QStringLiteral("model"),
        QStringLiteral("upstream_url"), QStringLiteral("attempts"), QStringLiteral("retries"),
        QStringLiteral("fallback_used"), QStringLiteral("target_path"), QStringLiteral("config_id"),
        QStringLiteral("attempt_log"), QStringLiteral("status"),
        QStringLiteral("stream"), QStringLiteral("error_type"), QStringLiteral("error_message"),
        QStringLiteral("temperature"), QStringLiteral("top_p"), QStringLiteral("max_tokens"),
        QStringLiteral("tools_count"), QStringLiteral("messages_count"), QStringLiteral("model_served"),
        QStringLiteral("finish_reason"), QStringLiteral("tool_calls"), QStringLiteral("cached_tokens"),
        QStringLiteral("prompt_tokens"), QStringLiteral("completion_tokens"), QStringLiteral("total_tokens"),
        QStringLiteral("client_address"), QStringLiteral("user_agent"), QStringLiteral("metadata"),
        QStringLiteral("request_bytes"), QStringLiteral("response_bytes"), QStringLiteral("request_body"),
        QStringLiteral("response_body"), QStringLiteral("request_body_truncated"),
        QStringLiteral("response_body_truncated"), QStringLiteral("cost_usd"), QStringLiteral("price_known"),
        QStringLiteral("cache_status"), QStringLiteral("cache_key"),
        QStringLiteral("cache_similarity"), QStringLiteral("virtual_key"),
        QStringLiteral("config_version"), QStringLiteral("cache_saved_usd"),
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
    // response_text is written, never read back: the full-text index's text of a streamed answer.
    QStringList marks{QStringLiteral("?")};
    for (qsizetype i = 0; i < columns().size(); ++i)
        marks << QStringLiteral("?");
    return QStringLiteral("INSERT INTO requests(%1,response_text) VALUES (%2)")
        .arg(columns().join(QLatin1Char(',')), marks.join(QLatin1Char(',')));
}

QString insertMetadataSql()
{
    return QStringLiteral("INSERT INTO request_metadata(request_rowid, key, value) VALUES (?, ?, ?)");
}

void bind(QSqlQuery& q, const RequestRecord& r, BodyStorage bodies)
{
    // The answer summary is read here, on the writer's thread, unless the record already has it.
    const ResponseSummary sum = r.responseSummary();
    int i = 0;
    q.bindValue(i++, text(r.requestId));
    q.bindValue(i++, text(r.traceId));
    q.bindValue(i++, text(r.spanId));
    q.bindValue(i++, text(r.parentSpanId));
    q.bindValue(i++, text(r.spanName));
    q.bindValue(i++, text(r.traceparent));
    q.bindValue(i++, r.receivedAt.isValid() ? r.receivedAt.toMSecsSinceEpoch() : qint64(0));
    q.bindValue(i++, r.totalMs);
    q.bindValue(i++, optionalNumber(r.upstreamMs));
    q.bindValue(i++, optionalNumber(r.firstByteMs));
    q.bindValue(i++, optionalNumber(r.upstreamStartMs));
    q.bindValue(i++, optionalNumber(r.firstTokenMs));
    q.bindValue(i++, text(r.method));
    q.bindValue(i++, text(r.path));
    q.bindValue(i++, text(r.provider));
    q.bindValue(i++, text(r.model));
    q.bindValue(i++, text(r.upstreamUrl));
    q.bindValue(i++, r.attempts);
    q.bindValue(i++, r.retries);
    q.bindValue(i++, int(r.fallbackUsed));
    q.bindValue(i++, text(r.targetPath));
    q.bindValue(i++, text(r.configId));
    q.bindValue(i++, attemptLogJson(r.attemptLog));
    q.bindValue(i++, r.status);
    q.bindValue(i++, int(r.stream));
    q.bindValue(i++, text(r.errorType));
    q.bindValue(i++, text(r.errorMessage));
    q.bindValue(i++, optionalNumber(r.temperature));
    q.bindValue(i++, optionalNumber(r.topP));
    q.bindValue(i++, optionalNumber(r.maxTokens));
    q.bindValue(i++, optionalNumber(qint64(r.toolsCount)));
    q.bindValue(i++, optionalNumber(qint64(r.messagesCount)));
    q.bindValue(i++, text(sum.model));
    q.bindValue(i++, text(sum.finishReason));
    q.bindValue(i++, optionalNumber(qint64(sum.toolCalls)));
    q.bindValue(i++, optionalNumber(sum.cachedTokens));
    q.bindValue(i++, optionalNumber(r.promptTokens));
    q.bindValue(i++, optionalNumber(r.completionTokens));
    q.bindValue(i++, optionalNumber(r.totalTokens));
    q.bindValue(i++, text(r.clientAddress));
    q.bindValue(i++, text(r.userAgent));
    q.bindValue(i++, metadataJson(r.metadata));
    q.bindValue(i++, r.requestBytes);
    q.bindValue(i++, r.responseBytes);
    const bool keep = bodies == BodyStorage::Store;
    q.bindValue(i++, keep ? r.requestBody : QByteArray());      // QByteArray binds as a BLOB (NULL when null)
    q.bindValue(i++, keep ? r.responseBody : QByteArray());
    q.bindValue(i++, int(r.requestBodyTruncated));
    q.bindValue(i++, int(r.responseBodyTruncated));
    q.bindValue(i++, r.priceKnown ? QVariant(r.costUsd) : QVariant());
    q.bindValue(i++, int(r.priceKnown));
    q.bindValue(i++, text(r.cacheStatus));
    q.bindValue(i++, text(r.cacheKey));
    q.bindValue(i++, optionalNumber(r.cacheSimilarity));
    q.bindValue(i++, text(r.virtualKey));
    q.bindValue(i++, r.configVersion);
    q.bindValue(i++, optionalNumber(r.cacheSavedUsd));
    Q_ASSERT(i == columns().size());
    QString streamText;
    if (keep && r.stream) {
        // A record summarized earlier (for trace export) kept only the summary's fields, not the text.
        streamText = r.hasResponseSummary() ? summarizeResponse(r.responseBody, r.responseTail, true).text : sum.text;
    }
    q.bindValue(i++, streamText.isEmpty() ? QVariant() : QVariant(streamText));
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
    r.spanId = q.value(i++).toString();
    r.parentSpanId = q.value(i++).toString();
    r.spanName = q.value(i++).toString();
    r.traceparent = q.value(i++).toString();
    r.receivedAt = QDateTime::fromMSecsSinceEpoch(q.value(i++).toLongLong(), Qt::UTC);
    r.totalMs = q.value(i++).toDouble();
    r.upstreamMs = optionalDouble(q.value(i++));
    r.firstByteMs = optionalDouble(q.value(i++));
    r.upstreamStartMs = optionalDouble(q.value(i++));
    r.firstTokenMs = optionalDouble(q.value(i++));
    r.method = q.value(i++).toString();
    r.path = q.value(i++).toString();
    r.provider = q.value(i++).toString();
    r.model = q.value(i++).toString();
    r.upstreamUrl = q.value(i++).toString();
    r.attempts = q.value(i++).toInt();
    r.retries = q.value(i++).toInt();
    r.fallbackUsed = q.value(i++).toInt() != 0;
    r.targetPath = q.value(i++).toString();
    r.configId = q.value(i++).toString();
    r.attemptLog = attemptLogFromJson(q.value(i++).toString());
    r.status = q.value(i++).toInt();
    r.stream = q.value(i++).toInt() != 0;
    r.errorType = q.value(i++).toString();
    r.errorMessage = q.value(i++).toString();
    r.temperature = optionalDouble(q.value(i++));
    r.topP = optionalDouble(q.value(i++));
    r.maxTokens = optionalInt(q.value(i++));
    r.toolsCount = int(optionalInt(q.value(i++)));
    r.messagesCount = int(optionalInt(q.value(i++)));
    r.modelServed = q.value(i++).toString();
    r.finishReason = q.value(i++).toString();
    r.toolCalls = int(optionalInt(q.value(i++)));
    r.cachedTokens = optionalInt(q.value(i++));
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
    r.costUsd = optionalDouble(q.value(i++));
    r.priceKnown = q.value(i++).toInt() != 0;
    r.cacheStatus = q.value(i++).toString();
    r.cacheKey = q.value(i++).toString();
    r.cacheSimilarity = optionalDouble(q.value(i++));
    r.virtualKey = q.value(i++).toString();
    r.configVersion = q.value(i++).toInt();
    r.cacheSavedUsd = optionalDouble(q.value(i++));
    return r;
}

QString attemptLogJson(const std::vector<AttemptRecord>& attempts)
{
    return QString::fromStdString(nlohmann::json(attempts).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::vector<AttemptRecord> attemptLogFromJson(const QString& json)
{
    std::vector<AttemptRecord> out;
    const nlohmann::json j = nlohmann::json::parse(json.toStdString(), nullptr, false);
    if (!j.is_array())
        return out;
    for (const auto& a : j) {
        if (a.is_object())
            out.push_back(a.get<AttemptRecord>());
    }
    return out;
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
