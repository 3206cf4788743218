#include "observability/gateway_metrics.h"

#include <QByteArray>

#include <algorithm>
#include <vector>

namespace gatehouse {

namespace {

// Label values: backslash, double quote and line feed escaped, as the format requires.
void appendLabelValue(QByteArray& out, const std::string& v)
{
    for (char c : v) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
}

void appendNumber(QByteArray& out, double v)
{
    out += QByteArray::number(v, 'g', 12);
}

void header(QByteArray& out, const char* name, const char* type, const char* help)
{
    out += "# HELP ";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
}

struct Labels {
    std::vector<std::pair<const char*, std::string>> pairs;
    QByteArray text(const char* extraName = nullptr, const QByteArray& extraValue = {}) const
    {
        QByteArray out;
        if (pairs.empty() && !extraName)
            return out;
        out += '{';
        bool first = true;
        for (const auto& [k, v] : pairs) {
            if (!first)
                out += ',';
            first = false;
            out += k;
            out += "=\"";
            appendLabelValue(out, v);
            out += '"';
        }
        if (extraName) {
            if (!first)
                out += ',';
            out += extraName;
            out += "=\"";
            out += extraValue;
            out += '"';
        }
        out += '}';
        return out;
    }
};

template <std::size_t N>
void renderHistogram(QByteArray& out, const char* name, const Labels& labels,
                     const GatewayMetrics::Histogram<N>& h, const std::array<double, N>& bounds)
{
    quint64 cumulative = 0;
    for (std::size_t i = 0; i < N; ++i) {
        cumulative += h.counts[i];
        out += name;
        out += "_bucket";
        out += labels.text("le", QByteArray::number(bounds[i], 'g', 12));
        out += ' ';
        out += QByteArray::number(cumulative);
        out += '\n';
    }
    out += name;
    out += "_bucket";
    out += labels.text("le", "+Inf");
    out += ' ';
    out += QByteArray::number(h.count);
    out += '\n';
    out += name;
    out += "_sum";
    out += labels.text();
    out += ' ';
    appendNumber(out, h.sum);
    out += '\n';
    out += name;
    out += "_count";
    out += labels.text();
    out += ' ';
    out += QByteArray::number(h.count);
    out += '\n';
}

void sample(QByteArray& out, const char* name, const QByteArray& labels, double value)
{
    out += name;
    out += labels;
    out += ' ';
    appendNumber(out, value);
    out += '\n';
}

} // namespace

template <std::size_t N>
void GatewayMetrics::Histogram<N>::observe(double v, const std::array<double, N>& bounds)
{
    const auto it = std::lower_bound(bounds.begin(), bounds.end(), v);   // le: v <= bound
    if (it != bounds.end())
        ++counts[std::size_t(it - bounds.begin())];
    ++count;
    sum += v;
}

void GatewayMetrics::observe(const RequestRecord& r)
{
    std::string key = r.provider.toStdString();
    key += '\n';
    key += r.model.toStdString();
    auto it = series_.find(key);
    if (it == series_.end()) {
        if (series_.size() >= kMaxSeries)
            key = r.provider.toStdString() + "\n__other__";
        it = series_.try_emplace(std::move(key)).first;
    }
    Series& s = it->second;
    ++s.byStatus[r.status];
    s.latency.observe(r.totalMs / 1000.0, kLatencyBuckets);
    if (r.stream && r.firstTokenMs >= 0) {
        ++s.streams;
        s.timeToFirstToken.observe(r.firstTokenMs / 1000.0, kLatencyBuckets);
    }
    if (r.totalTokens >= 0)
        s.tokens.observe(double(r.totalTokens), kTokenBuckets);
    s.promptTokens += quint64(std::max<qint64>(0, r.promptTokens));
    s.completionTokens += quint64(std::max<qint64>(0, r.completionTokens));
    s.cachedTokens += quint64(std::max<qint64>(0, r.cachedTokens));
    s.retries += quint64(std::max(0, r.attempts - 1));
    s.fallbacks += r.fallbackUsed ? 1 : 0;
    if (const double overhead = r.gatewayOverheadMs(); overhead >= 0)
        overhead_.observe(overhead / 1000.0, kOverheadBuckets);
    if (!r.errorType.isEmpty())
        ++errorsByType_[r.errorType.toStdString()];
    if (!r.cacheStatus.isEmpty() && r.cacheStatus != QLatin1String("DISABLED")) {
        ++cacheByStatus_[r.cacheStatus.toStdString()];
        if ((r.cacheStatus == QLatin1String("HIT") || r.cacheStatus == QLatin1String("SEMANTIC HIT")) && r.totalTokens > 0)
            cacheSavedTokens_ += quint64(r.totalTokens);
    }
}

QByteArray GatewayMetrics::render(const LiveGauges& live, const std::vector<CircuitStatus>& circuits,
                                 const CacheGauges* cache) const
{
    // Stable order: scrapes are diffable and tests can read them.
    std::vector<std::pair<std::string, std::string>> keys;   // provider, model
    std::vector<const Series*> ordered;
    {
        std::vector<const std::pair<const std::string, Series>*> entries;
        entries.reserve(series_.size());
        for (const auto& e : series_)
            entries.push_back(&e);
        std::sort(entries.begin(), entries.end(), [](auto* a, auto* b) { return a->first < b->first; });
        for (const auto* e : entries) {
            const std::size_t nl = e->first.find('\n');
            keys.emplace_back(e->first.substr(0, nl), e->first.substr(nl + 1));
            ordered.push_back(&e->second);
        }
    }
    auto labelsOf = [&](std::size_t i) {
        return Labels{{{"provider", keys[i].first}, {"model", keys[i].second}}};
    };

    QByteArray out;
    out.reserve(4096 + qsizetype(ordered.size()) * 2048);
    header(out, "gatehouse_requests_total", "counter", "Requests answered, by provider, model and HTTP status (0: no answer).");
    for (std::size_t i = 0; i < ordered.size(); ++i) {
        for (const auto& [status, n] : ordered[i]->byStatus) {
            Labels l = labelsOf(i);
            l.pairs.emplace_back("status", std::to_string(status));
            sample(out, "gatehouse_requests_total", l.text(), double(n));
        }
    }
    header(out, "gatehouse_request_duration_seconds", "histogram", "Time from request received to last byte sent.");
    for (std::size_t i = 0; i < ordered.size(); ++i)
        renderHistogram(out, "gatehouse_request_duration_seconds", labelsOf(i), ordered[i]->latency, kLatencyBuckets);
    header(out, "gatehouse_time_to_first_token_seconds", "histogram", "Streams: time from request received to the first event relayed.");
    for (std::size_t i = 0; i < ordered.size(); ++i) {
        if (ordered[i]->streams)
            renderHistogram(out, "gatehouse_time_to_first_token_seconds", labelsOf(i), ordered[i]->timeToFirstToken, kLatencyBuckets);
    }
    header(out, "gatehouse_request_tokens", "histogram", "Total tokens per request, where the provider reported usage.");
    for (std::size_t i = 0; i < ordered.size(); ++i)
        renderHistogram(out, "gatehouse_request_tokens", labelsOf(i), ordered[i]->tokens, kTokenBuckets);
    header(out, "gatehouse_tokens_total", "counter", "Tokens reported by providers, by type (prompt, completion, cached prompt).");
    for (std::size_t i = 0; i < ordered.size(); ++i) {
        const Series& s = *ordered[i];
        for (const auto& [type, n] : {std::pair{"prompt", s.promptTokens}, {"completion", s.completionTokens}, {"cached", s.cachedTokens}}) {
            Labels l = labelsOf(i);
            l.pairs.emplace_back("type", type);
            sample(out, "gatehouse_tokens_total", l.text(), double(n));
        }
    }
    header(out, "gatehouse_retries_total", "counter", "Upstream attempts beyond the first (retries and fallbacks).");
    for (std::size_t i = 0; i < ordered.size(); ++i)
        sample(out, "gatehouse_retries_total", labelsOf(i).text(), double(ordered[i]->retries));
    header(out, "gatehouse_fallbacks_total", "counter", "Requests answered by a later fallback target.");
    for (std::size_t i = 0; i < ordered.size(); ++i)
        sample(out, "gatehouse_fallbacks_total", labelsOf(i).text(), double(ordered[i]->fallbacks));
    header(out, "gatehouse_errors_total", "counter", "Requests the gateway answered with an error, by OpenAI error type.");
    for (const auto& [type, n] : errorsByType_)
        sample(out, "gatehouse_errors_total", Labels{{{"type", type}}}.text(), double(n));
    header(out, "gatehouse_cache_requests_total", "counter", "Requests that consulted the response cache, by x-portkey-cache-status.");
    for (const auto& [status, n] : cacheByStatus_)
        sample(out, "gatehouse_cache_requests_total", Labels{{{"status", status}}}.text(), double(n));
    header(out, "gatehouse_cache_saved_tokens_total", "counter", "Total tokens of the answers served from the cache (not sent to a provider).");
    sample(out, "gatehouse_cache_saved_tokens_total", {}, double(cacheSavedTokens_));
    if (cache) {
        header(out, "gatehouse_cache_entries", "gauge", "Answers held by the response cache.");
        sample(out, "gatehouse_cache_entries", {}, double(cache->entries));
        header(out, "gatehouse_cache_bytes", "gauge", "Bytes of the answers held by the response cache.");
        sample(out, "gatehouse_cache_bytes", {}, double(cache->bytes));
        header(out, "gatehouse_cache_semantic_entries", "gauge", "Cached answers with a vector in the semantic index.");
        sample(out, "gatehouse_cache_semantic_entries", {}, double(cache->semanticEntries));
        header(out, "gatehouse_cache_semantic_index_backlog", "gauge", "Vectors queued for the semantic index, not yet added.");
        sample(out, "gatehouse_cache_semantic_index_backlog", {}, double(cache->indexBacklog));
        header(out, "gatehouse_cache_semantic_skipped_total", "counter", "Answers cached for exact lookups only because the semantic index was behind.");
        sample(out, "gatehouse_cache_semantic_skipped_total", {}, double(cache->semanticSkipped));
    }
    header(out, "gatehouse_gateway_overhead_seconds", "histogram", "Time the gateway added: total minus upstream time.");
    renderHistogram(out, "gatehouse_gateway_overhead_seconds", Labels{}, overhead_, kOverheadBuckets);
    header(out, "gatehouse_overload_rejections_total", "counter", "Requests answered 503 at once because --max-concurrent-requests were in flight.");
    sample(out, "gatehouse_overload_rejections_total", {}, double(overloadRejections_));
    if (!circuits.empty()) {
        const std::size_t n = std::min(circuits.size(), kMaxSeries);
        header(out, "gatehouse_circuit_state", "gauge", "Circuit breaker of a target: 0 closed, 1 half-open (probing), 2 open (skipped).");
        for (std::size_t i = 0; i < n; ++i) {
            const CircuitState st = circuits[i].state;
            sample(out, "gatehouse_circuit_state", Labels{{{"target", circuits[i].key}}}.text(),
                   st == CircuitState::Open ? 2 : st == CircuitState::HalfOpen ? 1 : 0);
        }
        header(out, "gatehouse_circuit_opened_total", "counter", "Times a target's circuit breaker opened.");
        for (std::size_t i = 0; i < n; ++i)
            sample(out, "gatehouse_circuit_opened_total", Labels{{{"target", circuits[i].key}}}.text(), circuits[i].timesOpened);
    }
    header(out, "gatehouse_in_flight_requests", "gauge", "Requests being served now.");
    sample(out, "gatehouse_in_flight_requests", {}, live.inFlight);
    header(out, "gatehouse_client_connections", "gauge", "Open client connections, idle keep-alive ones included.");
    sample(out, "gatehouse_client_connections", {}, live.clientConnections);
    header(out, "gatehouse_uptime_seconds", "gauge", "Seconds since the gateway started.");
    sample(out, "gatehouse_uptime_seconds", {}, live.uptimeSeconds);
    return out;
}

} // namespace gatehouse
