#pragma once
// Bedrock ConverseStream (AWS event-stream frames) -> OpenAI chat.completion.chunk SSE.
//   messageStart                          -> role chunk
//   contentBlockDelta {text}              -> content delta
//   contentBlockStart {start.toolUse}     -> tool_calls delta {index, id, type, function{name, arguments:""}}
//   contentBlockDelta {toolUse.input}     -> arguments fragment under the same index
//   messageStop {stopReason}              -> finish reason, sent with the usage of the metadata event
//   metadata {usage}                      -> finish chunk carrying the usage, then data: [DONE]
//   :message-type exception               -> data: {"error":{...}} and the stream ends there
// A frame failing its CRC ends the stream with an error event (the rest cannot be trusted).

#include "providers/aws_event_stream.h"
#include "providers/provider.h"

#include <nlohmann/json.hpp>

#include <map>
#include <string>

namespace gatehouse::bedrock {

class BedrockStreamMapper : public StreamMapper {
public:
    explicit BedrockStreamMapper(std::string model);
    QByteArray map(QByteArrayView upstream) override;
    QByteArray finish() override;

private:
    void onMessage(const aws::EventMessage& m, QByteArray& out);
    QByteArray chunk(nlohmann::json delta, const nlohmann::json& finishReason = nullptr) const;
    QByteArray end(const nlohmann::json* usage);

    aws::EventStreamDecoder decoder_;
    std::string id_;
    std::string model_;
    qint64 created_ = 0;
    std::map<long long, int> toolIndexByBlock_;
    std::string finishReason_;
    bool ended_ = false;
};

} // namespace gatehouse::bedrock
