#include "pipeline/anthropic_inbound_filter.h"

#include "pipeline/anthropic_inbound_response.h"
#include "providers/openai_wire.h"

namespace gatehouse {

void AnthropicInboundFilter::head(int& status, HeaderList& headers, bool chunked)
{
    const bool ok = status >= 200 && status < 300;
    if (chunked && ok && findHeader(headers, "content-type").startsWith("text/event-stream"))
        stream_ = std::make_unique<AnthropicInboundStream>();
    if (!chunked && !ok) {
        // Error bodies are always rewritten to JSON, whatever the provider labelled them.
        for (auto& h : headers) {
            if (h.first == "content-type")
                h.second = QByteArrayLiteral("application/json");
        }
    }
}

QByteArray AnthropicInboundFilter::body(QByteArrayView piece)
{
    return stream_ ? stream_->map(piece) : piece.toByteArray();
}

QByteArray AnthropicInboundFilter::finish()
{
    return stream_ ? stream_->finish() : QByteArray();
}

QByteArray AnthropicInboundFilter::whole(int status, QByteArrayView body)
{
    if (status >= 200 && status < 300)
        return anthropic_inbound::toMessage(body);
    return openai::dump(anthropic_inbound::error(status, body));
}

} // namespace gatehouse
