#include "pipeline/anthropic_inbound_filter.h"

#include "pipeline/anthropic_inbound_response.h"
#include "pipeline/anthropic_passthrough.h"
#include "providers/openai_wire.h"

namespace gatehouse {

namespace {

// Anthropic's own error body: {"type":"error","error":{...}}.
bool isAnthropicError(QByteArrayView body)
{
    const auto j = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
    return j.is_object() && j.value("type", nlohmann::json()) == "error" && j.contains("error");
}

} // namespace

AnthropicInboundFilter::AnthropicInboundFilter(std::shared_ptr<const AnthropicPassthrough> passthrough)
    : passthrough_(std::move(passthrough))
{
}

AnthropicInboundFilter::~AnthropicInboundFilter() = default;

bool AnthropicInboundFilter::relaying() const
{
    return passthrough_ && passthrough_->active();
}

void AnthropicInboundFilter::head(int& status, HeaderList& headers, bool chunked)
{
    const bool ok = status >= 200 && status < 300;
    if (relaying() && (ok || chunked))
        return;
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
    if (relaying() && ((status >= 200 && status < 300) || isAnthropicError(body)))
        return body.toByteArray();
    if (status >= 200 && status < 300)
        return anthropic_inbound::toMessage(body);
    return openai::dump(anthropic_inbound::error(status, body));
}

} // namespace gatehouse
