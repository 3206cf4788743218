#include "observability/otlp_spans.h"

#include <QCryptographicHash>
#include <QUuid>

namespace gatehouse {

namespace {

using nlohmann::json;

bool isHex(const QString& s, qsizetype length)
{
    if (s.size() != length)
        return false;
    bool nonZero = false;
    for (QChar c : s) {
        const char16_t u = c.unicode();
        if (!((u >= '0' && u <= '9') || (u >= 'a' && u <= 'f')))
            return false;
        nonZero |= u != '0';
    }
    return nonZero;   // all-zero ids are invalid in OpenTelemetry
}

QByteArray hashedHex(const QString& text, int bytes)
{
    return QCryptographicHash::hash(text.toUtf8(), QCryptographicHash::Sha256).left(bytes).toHex();
}

json str(const char* key, const QString& value)
{
    return {{"key", key}, {"value", {{"stringValue", value.toStdString()}}}};
}

json integer(const char* key, qint64 value)
{
    return {{"key", key}, {"value", {{"intValue", std::to_string(value)}}}};   // int64 as a string in proto JSON
}

json real(const char* key, double value)
{
    return {{"key", key}, {"value", {{"doubleValue", value}}}};
}

json boolean(const char* key, bool value)
{
    return {{"key", key}, {"value", {{"boolValue", value}}}};
}

std::string unixNanos(qint64 epochMs, double offsetMs)
{
    return std::to_string(epochMs * 1000000 + qint64(offsetMs * 1e6));
}

const char* operationName(const QString& path)
{
    if (path.endsWith(QLatin1String("/chat/completions")))
        return "chat";
    if (path.endsWith(QLatin1String("/embeddings")))
        return "embeddings";
    if (path.endsWith(QLatin1String("/completions")))
        return "text_completion";
    return "other";
}

} // namespace

QByteArray otlpTraceId(const QString& traceId)
{
    const QString lower = traceId.toLower();
    if (isHex(lower, 32))
        return lower.toLatin1();
    const QUuid uuid(traceId);
    if (!uuid.isNull())
        return uuid.toRfc4122().toHex();
    return hashedHex(QStringLiteral("trace:") + traceId, 16);
}

QByteArray otlpSpanId(const QString& traceId, const QString& spanId)
{
    const QString lower = spanId.toLower();
    if (isHex(lower, 16))
        return lower.toLatin1();
    return hashedHex(QStringLiteral("span:") + traceId + QLatin1Char('\n') + spanId, 8);
}

void appendOtlpSpans(const RequestRecord& r, json& spans)
{
    const QByteArray traceId = otlpTraceId(r.traceId);
    const QString spanKey = r.spanId.isEmpty() ? r.requestId : r.spanId;
    const QByteArray spanId = otlpSpanId(r.traceId, spanKey);
    const qint64 start = r.receivedAt.toMSecsSinceEpoch();
    const bool error = r.status >= 400 || r.status == 0;

    json attributes = json::array({
        str("gen_ai.operation.name", QString::fromLatin1(operationName(r.path))),
        str("gen_ai.system", r.provider),
        str("gen_ai.request.model", r.model),
        str("http.request.method", r.method),
        str("url.path", r.path),
        integer("http.response.status_code", r.status),
        str("gatehouse.request_id", r.requestId),
        str("gatehouse.trace_id", r.traceId),
        integer("gatehouse.attempts", r.attempts),
        boolean("gen_ai.request.stream", r.stream),
    });
    if (!r.spanId.isEmpty())
        attributes.push_back(str("gatehouse.span_id", r.spanId));
    if (!r.modelServed.isEmpty())
        attributes.push_back(str("gen_ai.response.model", r.modelServed));
    if (!r.finishReason.isEmpty())
        attributes.push_back({{"key", "gen_ai.response.finish_reasons"},
                              {"value", {{"arrayValue", {{"values", json::array({{{"stringValue", r.finishReason.toStdString()}}})}}}}}});
    if (r.promptTokens >= 0)
        attributes.push_back(integer("gen_ai.usage.input_tokens", r.promptTokens));
    if (r.completionTokens >= 0)
        attributes.push_back(integer("gen_ai.usage.output_tokens", r.completionTokens));
    if (r.temperature >= 0)
        attributes.push_back(real("gen_ai.request.temperature", r.temperature));
    if (r.topP >= 0)
        attributes.push_back(real("gen_ai.request.top_p", r.topP));
    if (r.maxTokens >= 0)
        attributes.push_back(integer("gen_ai.request.max_tokens", r.maxTokens));
    if (r.firstTokenMs >= 0)
        attributes.push_back(real("gatehouse.time_to_first_token_ms", r.firstTokenMs));
    if (!r.configId.isEmpty())
        attributes.push_back(str("gatehouse.config_id", r.configId));
    if (r.fallbackUsed)
        attributes.push_back(boolean("gatehouse.fallback_used", true));
    if (!r.errorType.isEmpty())
        attributes.push_back(str("error.type", r.errorType));
    for (const auto& [key, value] : r.metadata)
        attributes.push_back(str(("gatehouse.metadata." + key).c_str(), QString::fromStdString(value)));

    json span = {
        {"traceId", traceId.toStdString()},
        {"spanId", spanId.toStdString()},
        {"name", (r.spanName.isEmpty() ? QString::fromLatin1(operationName(r.path)) + QLatin1Char(' ') + r.model : r.spanName).toStdString()},
        {"kind", 2},   // SPAN_KIND_SERVER
        {"startTimeUnixNano", unixNanos(start, 0)},
        {"endTimeUnixNano", unixNanos(start, r.totalMs)},
        {"attributes", std::move(attributes)},
        {"status", error ? json{{"code", 2}, {"message", r.errorMessage.left(500).toStdString()}} : json{{"code", 1}}},
    };
    if (!r.parentSpanId.isEmpty())
        span["parentSpanId"] = otlpSpanId(r.traceId, r.parentSpanId).toStdString();
    spans.push_back(std::move(span));

    double cursor = r.upstreamStartMs >= 0 ? r.upstreamStartMs : 0;
    for (std::size_t i = 0; i < r.attemptLog.size(); ++i) {
        const AttemptRecord& a = r.attemptLog[i];
        const double offset = a.startMs >= 0 ? a.startMs : cursor;
        cursor = offset + a.latencyMs;
        const bool failed = a.status >= 400 || a.status == 0;
        json attemptAttributes = json::array({
            str("gen_ai.system", a.provider),
            str("gen_ai.request.model", r.model),
            integer("http.response.status_code", a.status),
            str("gatehouse.target", a.path),
        });
        json child = {
            {"traceId", traceId.toStdString()},
            {"spanId", otlpSpanId(r.traceId, spanKey + QStringLiteral("/attempt-%1").arg(i + 1)).toStdString()},
            {"parentSpanId", spanId.toStdString()},
            {"name", QStringLiteral("attempt %1 %2").arg(i + 1).arg(a.provider).toStdString()},
            {"kind", 3},   // SPAN_KIND_CLIENT
            {"startTimeUnixNano", unixNanos(start, offset)},
            {"endTimeUnixNano", unixNanos(start, offset + a.latencyMs)},
            {"attributes", std::move(attemptAttributes)},
            {"status", failed ? json{{"code", 2}, {"message", a.error.left(500).toStdString()}} : json{{"code", 1}}},
        };
        spans.push_back(std::move(child));
    }
}

json otlpTraceRequest(json spans, const QString& serviceVersion)
{
    return {{"resourceSpans", json::array({{
        {"resource", {{"attributes", json::array({str("service.name", QStringLiteral("gatehouse")),
                                                  str("service.version", serviceVersion)})}}},
        {"scopeSpans", json::array({{{"scope", {{"name", "gatehouse.gateway"}, {"version", serviceVersion.toStdString()}}},
                                     {"spans", std::move(spans)}}})},
    }})}};
}

} // namespace gatehouse
