#include "observability/log_export.h"

#include "observability/log_query.h"
#include "observability/request_row.h"

#include <QIODevice>
#include <QStringList>

#include <nlohmann/json.hpp>

namespace gatehouse {

namespace {

// RFC 4180: quote every field that needs it, double the quotes inside.
QByteArray csvField(const QString& value)
{
    QByteArray v = value.toUtf8();
    if (v.contains(',') || v.contains('"') || v.contains('\n') || v.contains('\r')) {
        v.replace("\"", "\"\"");
        v = '"' + v + '"';
    }
    return v;
}

QString num(double v) { return v < 0 ? QString() : QString::number(v, 'f', 3); }
QString num(qint64 v) { return v < 0 ? QString() : QString::number(v); }

const QStringList& csvColumns()
{
    static const QStringList c = {
        QStringLiteral("received_at"), QStringLiteral("request_id"), QStringLiteral("trace_id"), QStringLiteral("span_id"),
        QStringLiteral("parent_span_id"), QStringLiteral("span_name"), QStringLiteral("method"), QStringLiteral("path"),
        QStringLiteral("provider"), QStringLiteral("model"), QStringLiteral("model_served"), QStringLiteral("config_id"),
        QStringLiteral("target_path"), QStringLiteral("attempts"), QStringLiteral("retries"), QStringLiteral("fallback_used"),
        QStringLiteral("status"), QStringLiteral("stream"), QStringLiteral("finish_reason"), QStringLiteral("tool_calls"),
        QStringLiteral("error_type"), QStringLiteral("error_message"), QStringLiteral("total_ms"), QStringLiteral("upstream_ms"),
        QStringLiteral("first_byte_ms"), QStringLiteral("first_token_ms"), QStringLiteral("gateway_overhead_ms"),
        QStringLiteral("prompt_tokens"), QStringLiteral("completion_tokens"), QStringLiteral("total_tokens"),
        QStringLiteral("cached_tokens"), QStringLiteral("temperature"), QStringLiteral("max_tokens"),
        QStringLiteral("client_address"), QStringLiteral("user_agent"), QStringLiteral("metadata"),
        QStringLiteral("request_bytes"), QStringLiteral("response_bytes"),
    };
    return c;
}

QByteArray csvRow(const RequestRecord& r)
{
    const QStringList values = {
        r.receivedAt.toUTC().toString(Qt::ISODateWithMs), r.requestId, r.traceId, r.spanId, r.parentSpanId, r.spanName,
        r.method, r.path, r.provider, r.model, r.modelServed, r.configId, r.targetPath, QString::number(r.attempts),
        QString::number(r.retries), r.fallbackUsed ? QStringLiteral("true") : QStringLiteral("false"), QString::number(r.status),
        r.stream ? QStringLiteral("true") : QStringLiteral("false"), r.finishReason, num(qint64(r.toolCalls)), r.errorType,
        r.errorMessage, num(r.totalMs), num(r.upstreamMs), num(r.firstByteMs), num(r.firstTokenMs), num(r.gatewayOverheadMs()),
        num(r.promptTokens), num(r.completionTokens), num(r.totalTokens), num(r.cachedTokens), num(r.temperature),
        num(r.maxTokens), r.clientAddress, r.userAgent, request_row::metadataJson(r.metadata),
        QString::number(r.requestBytes), QString::number(r.responseBytes),
    };
    QByteArray line;
    for (qsizetype i = 0; i < values.size(); ++i) {
        if (i)
            line += ',';
        line += csvField(values[i]);
    }
    return line + "\r\n";
}

QByteArray jsonLine(const RequestRecord& r, bool bodies)
{
    nlohmann::json j = r;
    if (bodies) {
        // As text: the bodies are JSON or SSE in practice; invalid UTF-8 is replaced, never thrown on.
        j["request_body"] = r.requestBody.toStdString();
        j["response_body"] = r.responseBody.toStdString();
    }
    return QByteArray::fromStdString(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) + '\n';
}

} // namespace

qint64 exportLog(LogReader& reader, const LogFilter& filter, const LogExportOptions& options, QIODevice& out, QString* error)
{
    const bool csv = options.format == LogExportFormat::Csv;
    auto write = [&](const QByteArray& bytes) {
        if (out.write(bytes) == bytes.size())
            return true;
        *error = QStringLiteral("cannot write: %1").arg(out.errorString());
        return false;
    };
    if (csv && !write(csvColumns().join(QLatin1Char(',')).toUtf8() + "\r\n"))
        return -1;
    std::optional<LogCursor> cursor;
    qint64 written = 0;
    do {
        const int pageSize = options.maxRows > 0 ? int(std::min<qint64>(1000, options.maxRows - written)) : 1000;
        const LogPage page = reader.query(filter, pageSize, cursor, options.bodies && !csv ? LogBodies::Include : LogBodies::Omit);
        if (!reader.lastError().isEmpty()) {
            *error = reader.lastError();
            return -1;
        }
        for (const RequestRecord& r : page.rows) {
            if (!write(csv ? csvRow(r) : jsonLine(r, options.bodies)))
                return -1;
        }
        written += qint64(page.rows.size());
        cursor = page.next;
    } while (cursor && (options.maxRows < 0 || written < options.maxRows));
    return written;
}

} // namespace gatehouse
