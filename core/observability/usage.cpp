#include "observability/usage.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace gatehouse {

namespace {

// Index one past the '}' closing the object that opens at `open`, or -1.
qsizetype matchBrace(QByteArrayView s, qsizetype open)
{
    int depth = 0;
    bool inString = false;
    for (qsizetype i = open; i < s.size(); ++i) {
        const char c = s[i];
        if (inString) {
            if (c == '\\') ++i;
            else if (c == '"') inString = false;
            continue;
        }
        if (c == '"') inString = true;
        else if (c == '{') ++depth;
        else if (c == '}' && --depth == 0) return i + 1;
    }
    return -1;
}

qint64 intField(const nlohmann::json& j, const char* key)
{
    const auto it = j.find(key);
    return it != j.end() && it->is_number_integer() ? it->get<qint64>() : -1;
}

} // namespace

std::optional<Usage> findUsage(QByteArrayView body)
{
    qsizetype from = body.size();
    while (from > 0) {
        const qsizetype at = body.lastIndexOf(QByteArrayView("\"usage\""), from - 1);
        if (at < 0)
            return std::nullopt;
        from = at;
        qsizetype i = at + 7;
        while (i < body.size() && (body[i] == ' ' || body[i] == ':' || body[i] == '\n' || body[i] == '\t' || body[i] == '\r'))
            ++i;
        if (i >= body.size() || body[i] != '{')
            continue;   // "usage": null in stream chunks
        const qsizetype end = matchBrace(body, i);
        if (end < 0)
            continue;
        const auto j = nlohmann::json::parse(body.begin() + i, body.begin() + end, nullptr, false);
        if (j.is_discarded() || !j.is_object())
            continue;
        Usage u;
        u.promptTokens = intField(j, "prompt_tokens");
        u.completionTokens = intField(j, "completion_tokens");
        u.totalTokens = intField(j, "total_tokens");
        if (const auto d = j.find("prompt_tokens_details"); d != j.end() && d->is_object())
            u.cachedTokens = intField(*d, "cached_tokens");
        u.cacheWriteTokens = std::max<qint64>(0, intField(j, "cache_creation_input_tokens"));
        if (u.promptTokens < 0 && (j.contains("input_tokens") || j.contains("output_tokens"))) {
            // Anthropic's own shape (answers relayed untouched on /v1/messages): input_tokens leave out
            // cache reads and writes, which OpenAI's prompt_tokens include.
            const qint64 read = std::max<qint64>(0, intField(j, "cache_read_input_tokens"));
            u.promptTokens = std::max<qint64>(0, intField(j, "input_tokens")) + read + u.cacheWriteTokens;
            u.completionTokens = intField(j, "output_tokens");
            u.cachedTokens = read;
        }
        if (u.totalTokens < 0 && u.promptTokens >= 0)
            u.totalTokens = u.promptTokens + std::max<qint64>(0, u.completionTokens);
        return u;
    }
    return std::nullopt;
}

} // namespace gatehouse
