#pragma once
// The ResponseFilter of a /v1/messages answer: whatever the pipeline writes in OpenAI shapes reaches
// the client in Anthropic's (a message, a stream of events, or an error). Usage, cost, cache and the
// record all stay on the OpenAI side, so they work as for /v1/chat/completions.

#include "http/response_writer.h"
#include "pipeline/anthropic_inbound_stream.h"

#include <memory>

namespace gatehouse {

class AnthropicInboundFilter : public ResponseFilter {
public:
    void head(int& status, HeaderList& headers, bool chunked) override;
    QByteArray body(QByteArrayView piece) override;
    QByteArray finish() override;
    QByteArray whole(int status, QByteArrayView body) override;

private:
    std::unique_ptr<AnthropicInboundStream> stream_;   // set when the answer is an SSE stream
};

} // namespace gatehouse
