#include "observability/request_record.h"

#include <nlohmann/json.hpp>

namespace gatehouse {

namespace {
nlohmann::json optionalInt(qint64 v) { return v < 0 ? nlohmann::json(nullptr) : nlohmann::json(v); }
nlohmann::json optionalMs(double v) { return v < 0 ? nlohmann::json(nullptr) : nlohmann::json(v); }
std::string s(const QString& q) { return q.toStdString(); }
} // namespace

void to_json(nlohmann::json& j, const AttemptRecord& a)
{
    j = {{"path", s(a.path)}, {"provider", s(a.provider)}, {"status", a.status}, {"latency_ms", a.latencyMs},
         {"error", s(a.error)}};
}

void to_json(nlohmann::json& j, const RequestRecord& r)
{
    j = {
        {"request_id", s(r.requestId)},
        {"trace_id", s(r.traceId)},
        {"received_at", r.receivedAt.toUTC().toString(Qt::ISODateWithMs).toStdString()},
        {"total_ms", r.totalMs},
        {"upstream_ms", optionalMs(r.upstreamMs)},
        {"first_byte_ms", optionalMs(r.firstByteMs)},
        {"method", s(r.method)},
        {"path", s(r.path)},
        {"provider", s(r.provider)},
        {"model", s(r.model)},
        {"upstream_url", s(r.upstreamUrl)},
        {"attempts", r.attempts},
        {"retries", r.retries},
        {"fallback_used", r.fallbackUsed},
        {"target_path", s(r.targetPath)},
        {"config_id", s(r.configId)},
        {"attempt_log", r.attemptLog},
        {"status", r.status},
        {"stream", r.stream},
        {"error_type", s(r.errorType)},
        {"error_message", s(r.errorMessage)},
        {"prompt_tokens", optionalInt(r.promptTokens)},
        {"completion_tokens", optionalInt(r.completionTokens)},
        {"total_tokens", optionalInt(r.totalTokens)},
        {"client_address", s(r.clientAddress)},
        {"user_agent", s(r.userAgent)},
        {"metadata", r.metadata},
        {"request_bytes", r.requestBytes},
        {"response_bytes", r.responseBytes},
        {"request_body_truncated", r.requestBodyTruncated},
        {"response_body_truncated", r.responseBodyTruncated},
    };
}

} // namespace gatehouse
