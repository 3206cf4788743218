#pragma once
// The ResponseFilter of a /v1/messages answer: whatever the pipeline writes in OpenAI shapes reaches
// the client in Anthropic's (a message, a stream of events, or an error). Usage, cost, cache and the
// record all stay on the OpenAI side, so they work as for /v1/chat/completions. When the attempt
// passed the client's body through to Anthropic (AnthropicPassthrough::active), the answer already
// is Anthropic's and goes out untouched; only errors the gateway itself wrote are translated.

#include "http/response_writer.h"
#include "pipeline/anthropic_inbound_stream.h"

#include <memory>

namespace gatehouse {

class AnthropicPassthrough;

class AnthropicInboundFilter : public ResponseFilter {
public:
    explicit AnthropicInboundFilter(std::shared_ptr<const AnthropicPassthrough> passthrough = nullptr);
    ~AnthropicInboundFilter() override;
    void head(int& status, HeaderList& headers, bool chunked) override;
    QByteArray body(QByteArrayView piece) override;
    QByteArray finish() override;
    QByteArray whole(int status, QByteArrayView body) override;
    QByteArray streamError(QByteArrayView openAiEvent) override;

private:
    bool relaying() const;

    std::shared_ptr<const AnthropicPassthrough> passthrough_;
    std::unique_ptr<AnthropicInboundStream> stream_;   // set when the answer is an SSE stream
    // A relayed stream goes out event by event: an event cut off by a broken upstream is never
    // half-sent, so the error event that follows stays readable.
    bool relayStream_ = false;
    QByteArray relayTail_;   // bytes after the last complete relayed event
};

} // namespace gatehouse
