#pragma once
// Request records as OpenTelemetry spans in OTLP/JSON (the protobuf JSON mapping the OTLP/HTTP
// exporter sends): one SERVER span per request, one CLIENT child span per upstream attempt, with the
// GenAI semantic-convention attributes (gen_ai.*) collectors and APM tools understand.
//
// OTLP ids are hex: 32 digits for a trace, 16 for a span. Ids that already are (a W3C traceparent's,
// an OpenTelemetry client's, a UUID without its dashes) are kept, so the gateway's spans join the
// client's trace; any other id is hashed (SHA-256, truncated), always to the same value, and the
// original is kept in gatehouse.trace_id / gatehouse.span_id.

#include "observability/request_record.h"

#include <nlohmann/json.hpp>

#include <QByteArray>
#include <QString>

#include <vector>

namespace gatehouse {

QByteArray otlpTraceId(const QString& traceId);
QByteArray otlpSpanId(const QString& traceId, const QString& spanId);

// Appends the record's spans to `spans` (an OTLP "spans" array).
void appendOtlpSpans(const RequestRecord& record, nlohmann::json& spans);

// A whole ExportTraceServiceRequest body around `spans`.
nlohmann::json otlpTraceRequest(nlohmann::json spans, const QString& serviceVersion);

} // namespace gatehouse
