#pragma once
// Cohere's v2 chat stream (SSE, one JSON event per data line, named by "type") -> OpenAI chunks.
//   message-start                -> role chunk (id kept)
//   content-delta                -> content delta (delta.message.content.text)
//   tool-call-start              -> tool_calls delta {index, id, type, function{name, arguments}}
//   tool-call-delta              -> arguments fragment under the same index
//   message-end                  -> finish_reason chunk carrying the usage, then data: [DONE]
//   tool-plan-delta, content-start/-end, tool-call-end, citations -> nothing
//   an event with a "message" and no "type" (an error mid-stream) -> data: {"error":{...}}, stream ends
// Tool-call indexes follow Cohere's "index" field.

#include "providers/provider.h"
#include "providers/sse_reader.h"

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace gatehouse::cohere {

class CohereStreamMapper : public StreamMapper {
public:
    explicit CohereStreamMapper(std::string model);
    QByteArray map(QByteArrayView upstream) override;
    QByteArray finish() override;

private:
    void onEvent(const QByteArray& data, QByteArray& out);
    QByteArray chunk(nlohmann::json delta, const nlohmann::json& finishReason) const;

    SseReader reader_;
    std::string id_;
    std::string model_;
    qint64 created_ = 0;
    bool ended_ = false;
};

} // namespace gatehouse::cohere
