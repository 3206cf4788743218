#pragma once
// Request records that look like real gateway traffic, for the UI tests.

#include "observability/request_record.h"

#include <QDateTime>
#include <QString>

#include <memory>
#include <vector>

namespace gatehouse::test {

inline QDateTime sampleBaseTime()
{
    return QDateTime(QDate(2024, 11, 25), QTime(14, 3, 7, 250), Qt::LocalTime);
}

// A finished, successful, non-streamed chat completion numbered `i`.
inline RequestRecord sampleRecord(int i)
{
    RequestRecord r;
    r.requestId = QStringLiteral("req_%1").arg(i, 6, 10, QLatin1Char('0'));
    r.traceId = QStringLiteral("trace-%1").arg(i);
    r.receivedAt = sampleBaseTime().addMSecs(qint64(i) * 137);
    r.totalMs = 200 + i;
    r.upstreamMs = 180 + i;
    r.firstByteMs = 90 + i;
    r.method = QStringLiteral("POST");
    r.path = QStringLiteral("/v1/chat/completions");
    r.provider = QStringLiteral("openai");
    r.model = QStringLiteral("gpt-4o-mini");
    r.upstreamUrl = QStringLiteral("https://api.openai.com/v1/chat/completions");
    r.attempts = 1;
    r.status = 200;
    r.promptTokens = 12;
    r.completionTokens = 30 + i;
    r.totalTokens = 42 + i;
    r.clientAddress = QStringLiteral("127.0.0.1:51234");
    r.userAgent = QStringLiteral("OpenAI/JS 4.67.3");
    r.metadata = {{"_user", "alice"}, {"env", "dev"}};
    r.requestBody = QByteArrayLiteral(R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hi"}]})");
    r.responseBody = QByteArrayLiteral(
        R"({"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Hi!"},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}})");
    r.requestBytes = r.requestBody.size();
    r.responseBytes = r.responseBody.size();
    return r;
}

// A 503 the gateway answered itself after every target failed.
inline RequestRecord sampleErrorRecord(int i)
{
    RequestRecord r = sampleRecord(i);
    r.provider = QStringLiteral("anthropic");
    r.model = QStringLiteral("claude-3-5-sonnet-20241022");
    r.upstreamUrl = QStringLiteral("https://api.anthropic.com/v1/messages");
    r.attempts = 3;
    r.status = 503;
    r.firstByteMs = -1;
    r.promptTokens = r.completionTokens = r.totalTokens = -1;
    r.errorType = QStringLiteral("api_error");
    r.errorMessage = QStringLiteral("All targets failed: upstream returned 529 overloaded_error");
    r.responseBody = QByteArrayLiteral(
        R"({"error":{"message":"All targets failed: upstream returned 529 overloaded_error","type":"api_error","param":null,"code":"upstream_unavailable"}})");
    r.responseBytes = r.responseBody.size();
    return r;
}

// A streamed completion: the response body is the SSE stream, not JSON.
inline RequestRecord sampleStreamRecord(int i)
{
    RequestRecord r = sampleRecord(i);
    r.stream = true;
    r.requestBody = QByteArrayLiteral(
        R"({"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Count to 3"}]})");
    r.responseBody = QByteArrayLiteral(
        "data: {\"id\":\"chatcmpl-2\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"1\"}}]}\n\n"
        "data: {\"id\":\"chatcmpl-2\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\", 2, 3\"}}]}\n\n"
        "data: [DONE]\n\n");
    r.requestBytes = r.requestBody.size();
    r.responseBytes = r.responseBody.size();
    return r;
}

inline RecordBatch makeBatch(std::vector<RequestRecord> records)
{
    return std::make_shared<const std::vector<RequestRecord>>(std::move(records));
}

inline RecordBatch sampleBatch(int first, int count)
{
    std::vector<RequestRecord> v;
    v.reserve(static_cast<size_t>(count));
    for (int i = first; i < first + count; ++i)
        v.push_back(sampleRecord(i));
    return makeBatch(std::move(v));
}

} // namespace gatehouse::test
