#include "observability/request_record.h"

#include "observability/response_summary.h"

#include <nlohmann/json.hpp>

namespace gatehouse {

namespace {
nlohmann::json optionalInt(qint64 v) { return v < 0 ? nlohmann::json(nullptr) : nlohmann::json(v); }
nlohmann::json optionalMs(double v) { return v < 0 ? nlohmann::json(nullptr) : nlohmann::json(v); }
std::string s(const QString& q) { return q.toStdString(); }
} // namespace

void to_json(nlohmann::json& j, const AttemptRecord& a)
{
    j = {{"path", s(a.path)}, {"provider", s(a.provider)}, {"status", a.status}, {"start_ms", optionalMs(a.startMs)},
         {"latency_ms", a.latencyMs}, {"error", s(a.error)}};
}

void from_json(const nlohmann::json& j, AttemptRecord& a)
{
    auto text = [&j](const char* key) {
        const auto it = j.find(key);
        return it != j.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString();
    };
    a.path = text("path");
    a.provider = text("provider");
    a.error = text("error");
    const auto status = j.find("status");
    a.status = status != j.end() && status->is_number_integer() ? status->get<int>() : 0;
    const auto latency = j.find("latency_ms");
    a.latencyMs = latency != j.end() && latency->is_number() ? latency->get<double>() : 0;
    const auto start = j.find("start_ms");
    a.startMs = start != j.end() && start->is_number() ? start->get<double>() : -1;
}

void to_json(nlohmann::json& j, const RequestRecord& r)
{
    j = {
        {"request_id", s(r.requestId)},
        {"trace_id", s(r.traceId)},
        {"span_id", s(r.spanId)},
        {"parent_span_id", s(r.parentSpanId)},
        {"span_name", s(r.spanName)},
        {"traceparent", s(r.traceparent)},
        {"received_at", r.receivedAt.toUTC().toString(Qt::ISODateWithMs).toStdString()},
        {"total_ms", r.totalMs},
        {"upstream_ms", optionalMs(r.upstreamMs)},
        {"first_byte_ms", optionalMs(r.firstByteMs)},
        {"upstream_start_ms", optionalMs(r.upstreamStartMs)},
        {"first_token_ms", optionalMs(r.firstTokenMs)},
        {"gateway_overhead_ms", optionalMs(r.gatewayOverheadMs())},
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
        {"virtual_key", s(r.virtualKey)},
        {"attempt_log", r.attemptLog},
        {"status", r.status},
        {"stream", r.stream},
        {"error_type", s(r.errorType)},
        {"error_message", s(r.errorMessage)},
        {"temperature", optionalMs(r.temperature)},
        {"top_p", optionalMs(r.topP)},
        {"max_tokens", optionalInt(r.maxTokens)},
        {"tools_count", optionalInt(r.toolsCount)},
        {"messages_count", optionalInt(r.messagesCount)},
        {"model_served", s(r.modelServed)},
        {"finish_reason", s(r.finishReason)},
        {"tool_calls", optionalInt(r.toolCalls)},
        {"cache_status", s(r.cacheStatus)},
        {"cache_key", s(r.cacheKey)},
        {"cache_similarity", optionalMs(r.cacheSimilarity)},
        {"prompt_tokens", optionalInt(r.promptTokens)},
        {"completion_tokens", optionalInt(r.completionTokens)},
        {"total_tokens", optionalInt(r.totalTokens)},
        {"cached_tokens", optionalInt(r.cachedTokens)},
        {"cost_usd", r.priceKnown ? nlohmann::json(r.costUsd) : nlohmann::json(nullptr)},
        {"price_known", r.priceKnown},
        {"client_address", s(r.clientAddress)},
        {"user_agent", s(r.userAgent)},
        {"metadata", r.metadata},
        {"request_bytes", r.requestBytes},
        {"response_bytes", r.responseBytes},
        {"request_body_truncated", r.requestBodyTruncated},
        {"response_body_truncated", r.responseBodyTruncated},
    };
}

ResponseSummary RequestRecord::responseSummary() const
{
    if (hasResponseSummary())
        return {modelServed, finishReason, toolCalls, cachedTokens, {}};   // the stored summary has no text
    ResponseSummary sum = gatehouse::summarizeResponse(responseBody, responseTail, stream);
    if (cachedTokens >= 0)   // usage found on the gateway thread wins
        sum.cachedTokens = cachedTokens;
    return sum;
}

void RequestRecord::summarizeResponse()
{
    const ResponseSummary sum = responseSummary();
    modelServed = sum.model;
    finishReason = sum.finishReason;
    toolCalls = sum.toolCalls;
    cachedTokens = sum.cachedTokens;
}

} // namespace gatehouse
