#pragma once
// POST /v1/messages with stream: the pipeline's OpenAI chat.completion.chunk stream, translated as it
// arrives into Anthropic's events: message_start, content_block_start / content_block_delta
// (text_delta, input_json_delta) / content_block_stop, message_delta (stop_reason, usage),
// message_stop; an error chunk becomes an error event. Only the end waits: message_delta goes out
// at [DONE] (or the end of the bytes), because OpenAI's usage chunk follows the finish_reason.

#include "providers/provider.h"
#include "providers/sse_reader.h"

#include <nlohmann/json.hpp>

#include <map>
#include <string>

namespace gatehouse {

class AnthropicInboundStream : public StreamMapper {
public:
    QByteArray map(QByteArrayView openAiSse) override;
    QByteArray finish() override;
    // The stream broke off: a partly received chunk is dropped and the gateway's OpenAI error event
    // becomes Anthropic's error event, which ends the stream.
    QByteArray fail(QByteArrayView openAiErrorEvent);

private:
    void onData(const QByteArray& data, QByteArray& out);
    void start(const nlohmann::json& chunk, QByteArray& out);
    void openBlock(nlohmann::json block, QByteArray& out);
    void closeBlock(QByteArray& out);
    void end(QByteArray& out);
    void onToolCall(const nlohmann::json& call, QByteArray& out);

    SseReader reader_;
    bool started_ = false;
    bool ended_ = false;
    int nextBlock_ = 0;
    int openBlock_ = -1;                 // index of the block now open, -1 none
    bool openIsText_ = false;
    std::map<long long, int> toolBlocks_;   // OpenAI tool_call index -> content block index
    std::string stopReason_ = "end_turn";
    nlohmann::json usage_;               // last OpenAI usage seen
};

} // namespace gatehouse
