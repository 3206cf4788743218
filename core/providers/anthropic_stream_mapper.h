#pragma once
// Anthropic's Messages event stream -> OpenAI chat.completion.chunk SSE.
//   message_start                      -> role chunk; remembers id, model and input usage
//   content_block_start (tool_use)     -> tool_calls delta {index, id, type, function{name, arguments:""}}
//   content_block_delta text_delta     -> content delta
//   content_block_delta input_json_delta -> arguments fragment under the same tool-call index
//   message_delta                      -> finish_reason chunk carrying the usage
//   message_stop                       -> data: [DONE]
//   error                              -> data: {"error":{...}} and the stream ends there
//   ping, content_block_stop, thinking -> nothing (non-strict: thinking and text as content_blocks)
// Tool-call indexes follow Anthropic's content-block indexes, so fragments of interleaved blocks
// land on the right call. Chunk ids are the message id.

#include "providers/provider.h"
#include "providers/sse_reader.h"

#include <nlohmann/json_fwd.hpp>

#include <map>
#include <string>

namespace gatehouse {

class AnthropicStreamMapper : public StreamMapper {
public:
    // strict false adds Portkey's extras: content_blocks deltas (text and thinking, by block
    // index) and the raw stop_reason as finish_reason.
    explicit AnthropicStreamMapper(bool strict = true);
    QByteArray map(QByteArrayView upstream) override;
    QByteArray finish() override;

private:
    void onEvent(const QByteArray& data, QByteArray& out);
    QByteArray chunk(nlohmann::json delta, const nlohmann::json& finishReason) const;

    SseReader reader_;
    std::string id_;
    std::string model_;
    qint64 created_ = 0;
    long long inputTokens_ = 0, outputTokens_ = 0, cacheCreationTokens_ = 0, cacheReadTokens_ = 0;
    std::map<long long, int> toolIndexByBlock_;   // Anthropic content-block index -> OpenAI tool-call index
    bool ended_ = false;                          // message_stop or error seen: nothing follows
    bool strict_ = true;
};

} // namespace gatehouse
