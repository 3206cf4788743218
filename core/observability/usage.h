#pragma once
// Token usage read from a provider's OpenAI-format answer without parsing the whole body: the usage
// object is found from the end (it is last in JSON answers and in the final SSE chunks) and only it
// is parsed. Embeddings answers of many kilobytes cost a scan, not a parse.

#include <QByteArrayView>
#include <optional>

namespace gatehouse {

struct Usage {
    qint64 promptTokens = -1;
    qint64 completionTokens = -1;
    qint64 totalTokens = -1;
    qint64 cachedTokens = -1;   // prompt_tokens_details.cached_tokens
    qint64 cacheWriteTokens = 0;   // cache_creation_input_tokens (Anthropic; part of promptTokens)
};

// Also reads Anthropic's usage object (input_tokens, output_tokens, cache_*_input_tokens).
std::optional<Usage> findUsage(QByteArrayView body);

} // namespace gatehouse
