#pragma once
// Request records for the log store tests: every field set and varied per index (including the
// "not reported" values, empty metadata and non-UTF-8 body bytes), so a round trip proves each column.

#include "observability/request_record.h"

#include <QDateTime>
#include <QString>

#include <memory>
#include <string>
#include <vector>

namespace logtest {

using gatehouse::RecordBatch;
using gatehouse::RequestRecord;

inline const char* const kProviders[] = {"openai", "anthropic", "mock"};
inline const char* const kModels[] = {"gpt-4o-mini", "claude-3-5-haiku", "mock-gpt", "llama-3.1-8b"};
inline const int kStatuses[] = {200, 200, 201, 429, 503, 0, 404};
inline const char* const kAnimals[] = {"zebra", "okapi", "narwhal", "axolotl", "pangolin"};

inline QString animalOf(int i) { return QString::fromLatin1(kAnimals[i % 5]); }

inline RequestRecord makeRecord(int i, qint64 receivedMs)
{
    RequestRecord r;
    r.requestId = QStringLiteral("req-%1").arg(i);
    r.traceId = QStringLiteral("trace-%1").arg(i % 50);
    r.receivedAt = QDateTime::fromMSecsSinceEpoch(receivedMs, Qt::UTC);
    r.totalMs = 1.25 + i * 0.001 + 1.0 / 3.0;   // not a round binary fraction: REAL must be exact
    r.upstreamMs = i % 7 == 0 ? -1 : 0.5 + i * 0.0005;
    r.firstByteMs = i % 7 == 0 ? -1 : 0.3 + i;
    r.method = i % 10 == 0 ? QStringLiteral("GET") : QStringLiteral("POST");
    r.path = i % 10 == 0 ? QStringLiteral("/v1/models") : QStringLiteral("/v1/chat/completions");
    r.provider = i % 23 == 0 ? QString() : QString::fromLatin1(kProviders[i % 3]);   // null: failed before routing
    r.model = QString::fromLatin1(kModels[i % 4]);
    r.upstreamUrl = QStringLiteral("https://api.example.com/v1/chat/completions#%1").arg(i);
    r.attempts = 1 + i % 3;
    r.status = kStatuses[i % 7];
    r.stream = i % 2 == 1;
    if (r.status >= 400 || r.status == 0) {
        r.errorType = QStringLiteral("upstream_error");
        r.errorMessage = QStringLiteral("Upstream said no to %1 — «%2»").arg(i).arg(QStringLiteral("ünïcödé"));
    }
    r.spanId = i % 4 == 0 ? QString() : QStringLiteral("span-%1").arg(i);
    r.parentSpanId = i % 4 < 2 ? QString() : QStringLiteral("span-%1").arg(i - 1);
    r.spanName = i % 4 == 3 ? QStringLiteral("agent step %1").arg(i) : QString();
    r.traceparent = i % 9 == 0 ? QStringLiteral("00-%1-00f067aa0ba902b7-01").arg(i, 32, 10, QLatin1Char('0')) : QString();
    r.upstreamStartMs = r.upstreamMs < 0 ? -1 : 0.05 + i * 0.0001;
    r.firstTokenMs = r.stream ? 0.7 + i : -1;
    r.retries = i % 6 == 5 ? -1 : i % 3;
    r.fallbackUsed = i % 8 == 1;
    r.targetPath = i % 8 == 1 ? QStringLiteral("config.targets[1]") : QStringLiteral("config");
    r.configId = i % 3 == 0 ? QStringLiteral("pc-team") : QString();
    r.configVersion = i % 3 == 0 ? 1 + i % 7 : 0;
    r.cacheStatus = i % 4 == 0 ? QStringLiteral("HIT") : i % 4 == 1 ? QStringLiteral("MISS") : QString();
    r.cacheKey = r.cacheStatus.isEmpty() ? QString() : QStringLiteral("%1").arg(i, 64, 16, QLatin1Char('0'));
    r.cacheSimilarity = i % 8 == 4 ? 0.875 + i * 1e-7 : -1;
    r.cacheSavedUsd = i % 4 == 0 && i % 5 != 0 ? double(i) * 1e-6 + 1.0 / 3.0 : -1;
    for (int a = 1; a < r.attempts; ++a)
        r.attemptLog.push_back({QStringLiteral("config.targets[%1]").arg(a - 1), 0.1 * a, QStringLiteral("openai"), 503, 1.5 * a,
                                QStringLiteral("Service Unavailable")});
    r.attemptLog.push_back({r.targetPath, i % 2 ? -1.0 : 0.5, r.provider, r.status, 2.25, QString()});
    r.temperature = i % 5 == 1 ? -1 : (i % 20) / 10.0;
    r.topP = i % 5 == 2 ? 0.9 : -1;
    r.maxTokens = i % 3 == 1 ? 256 : -1;
    r.toolsCount = i % 6 == 0 ? 2 : -1;
    r.messagesCount = 1 + i % 5;
    if (i % 3 != 0) {   // others: summarized from the body by the writer (see expectedRow)
        r.modelServed = QStringLiteral("served-%1").arg(i % 4);
        r.finishReason = i % 2 ? QStringLiteral("tool_calls") : QStringLiteral("length");
        r.toolCalls = i % 4;
    }
    r.cachedTokens = i % 5 == 0 ? -1 : i / 2;
    r.promptTokens = i % 5 == 0 ? -1 : i;
    r.completionTokens = i % 5 == 0 ? -1 : 2 * qint64(i);
    r.totalTokens = i % 5 == 0 ? -1 : 3 * qint64(i);
    r.virtualKey = i % 4 == 1 ? QStringLiteral("team-openai") : QString();
    r.priceKnown = i % 5 != 0 && i % 3 != 0;
    r.costUsd = r.priceKnown ? double(i) * 2.5e-6 + 1.0 / 7.0 : -1;   // REAL must come back exact
    r.clientAddress = QStringLiteral("127.0.0.%1").arg(1 + i % 200);
    r.userAgent = QStringLiteral("OpenAI/Python 1.40.0 (日本語)");
    if (i % 11 != 0) {
        r.metadata["_user"] = "user-" + std::to_string(i % 10);
        r.metadata["env"] = i % 2 ? "dev" : "prod";
        r.metadata["n"] = std::to_string(i);
    }
    // ~1.2 KB prompt, ~0.5 KB answer: the row size the platform notes measured.
    const QByteArray filler(900, 'x');
    r.requestBody = QByteArray(R"({"model":")") + r.model.toUtf8() + R"(","messages":[{"role":"system","content":")"
        + filler + R"("},{"role":"user","content":"Tell me about the )" + animalOf(i).toUtf8() + " number "
        + QByteArray::number(i) + R"("}]})";
    r.responseBody = QByteArray(R"({"model":"mock-2024","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"The )")
        + animalOf(i + 2).toUtf8() + " says hello to request " + QByteArray::number(i) + " "
        + QByteArray(400, 'y') + R"("}}],"usage":{"prompt_tokens":1}})";
    if (i % 13 == 0)
        r.responseBody += QByteArray("\xff\xfe\x00\x01 binary tail", 16);   // not UTF-8: BLOBs keep bytes
    r.requestBytes = r.requestBody.size() + i;
    r.responseBytes = r.responseBody.size() + 2 * qint64(i);
    r.requestBodyTruncated = i % 17 == 0;
    r.responseBodyTruncated = i % 19 == 0;
    return r;
}

inline RecordBatch batchOf(std::vector<RequestRecord> records)
{
    return std::make_shared<const std::vector<RequestRecord>>(std::move(records));
}

// What reading a written record back gives: records without an answer summary get the one in their
// (JSON) body, written out here by hand.
inline RequestRecord expectedRow(RequestRecord r)
{
    // (stream records carry a JSON body here, not SSE events: nothing can be read from them)
    if (r.modelServed.isEmpty() && r.toolCalls < 0 && !r.stream && !r.responseBody.endsWith("binary tail")) {
        r.modelServed = QStringLiteral("mock-2024");
        r.finishReason = QStringLiteral("stop");
        r.toolCalls = 0;
    }
    return r;
}

// The first differing field, or empty when a and b are equal field for field.
inline QString recordDiff(const RequestRecord& a, const RequestRecord& b)
{
#define LOGTEST_FIELD(f) \
    if (!(a.f == b.f)) \
        return QStringLiteral(#f);
    LOGTEST_FIELD(requestId) LOGTEST_FIELD(traceId)
    if (a.receivedAt.toMSecsSinceEpoch() != b.receivedAt.toMSecsSinceEpoch())
        return QStringLiteral("receivedAt");
    LOGTEST_FIELD(totalMs) LOGTEST_FIELD(upstreamMs) LOGTEST_FIELD(firstByteMs)
    LOGTEST_FIELD(method) LOGTEST_FIELD(path) LOGTEST_FIELD(provider) LOGTEST_FIELD(model)
    LOGTEST_FIELD(upstreamUrl) LOGTEST_FIELD(attempts) LOGTEST_FIELD(status) LOGTEST_FIELD(stream)
    LOGTEST_FIELD(errorType) LOGTEST_FIELD(errorMessage)
    LOGTEST_FIELD(promptTokens) LOGTEST_FIELD(completionTokens) LOGTEST_FIELD(totalTokens)
    LOGTEST_FIELD(costUsd) LOGTEST_FIELD(priceKnown) LOGTEST_FIELD(virtualKey)
    LOGTEST_FIELD(clientAddress) LOGTEST_FIELD(userAgent) LOGTEST_FIELD(metadata)
    LOGTEST_FIELD(requestBytes) LOGTEST_FIELD(responseBytes) LOGTEST_FIELD(requestBody) LOGTEST_FIELD(responseBody)
    LOGTEST_FIELD(requestBodyTruncated) LOGTEST_FIELD(responseBodyTruncated)
    LOGTEST_FIELD(spanId) LOGTEST_FIELD(parentSpanId) LOGTEST_FIELD(spanName) LOGTEST_FIELD(traceparent)
    LOGTEST_FIELD(upstreamStartMs) LOGTEST_FIELD(firstTokenMs) LOGTEST_FIELD(retries) LOGTEST_FIELD(fallbackUsed)
    LOGTEST_FIELD(targetPath) LOGTEST_FIELD(configId) LOGTEST_FIELD(temperature) LOGTEST_FIELD(topP)
    LOGTEST_FIELD(maxTokens) LOGTEST_FIELD(toolsCount) LOGTEST_FIELD(messagesCount) LOGTEST_FIELD(modelServed)
    LOGTEST_FIELD(finishReason) LOGTEST_FIELD(toolCalls) LOGTEST_FIELD(cachedTokens)
    LOGTEST_FIELD(configVersion) LOGTEST_FIELD(cacheStatus) LOGTEST_FIELD(cacheKey) LOGTEST_FIELD(cacheSimilarity)
    LOGTEST_FIELD(cacheSavedUsd)
    if (a.attemptLog.size() != b.attemptLog.size())
        return QStringLiteral("attemptLog.size");
    for (std::size_t k = 0; k < a.attemptLog.size(); ++k) {
        const auto &x = a.attemptLog[k], &y = b.attemptLog[k];
        if (x.path != y.path || x.provider != y.provider || x.status != y.status || x.latencyMs != y.latencyMs || x.error != y.error || x.startMs != y.startMs)
            return QStringLiteral("attemptLog[%1]").arg(k);
    }
#undef LOGTEST_FIELD
    return {};
}

} // namespace logtest
