#include "pipeline/anthropic_inbound_filter.h"

#include "pipeline/anthropic_inbound_response.h"
#include "pipeline/anthropic_passthrough.h"
#include "providers/openai_wire.h"

#include <algorithm>
#include <utility>

namespace gatehouse {

namespace {

// Anthropic's own error body: {"type":"error","error":{...}}.
bool isAnthropicError(QByteArrayView body)
{
    const auto j = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
    return j.is_object() && j.value("type", nlohmann::json()) == "error" && j.contains("error");
}

// Where the last complete SSE event in bytes ends (after its blank line); 0 when none does.
qsizetype completeEventsEnd(const QByteArray& bytes)
{
    qsizetype end = 0;
    for (const QByteArray& blank : {QByteArrayLiteral("\n\n"), QByteArrayLiteral("\r\r"), QByteArrayLiteral("\n\r\n")}) {
        if (const qsizetype at = bytes.lastIndexOf(blank); at >= 0)
            end = std::max(end, at + blank.size());
    }
    return end;
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
    if (relaying() && (ok || chunked)) {
        relayStream_ = chunked;
        return;
    }
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
    if (stream_)
        return stream_->map(piece);
    if (!relayStream_)
        return piece.toByteArray();
    relayTail_ += piece;
    // An upstream that never ends an event is not held back without bound.
    constexpr qsizetype kMaxHeldBytes = 1024 * 1024;
    const qsizetype end = relayTail_.size() > kMaxHeldBytes ? relayTail_.size() : completeEventsEnd(relayTail_);
    QByteArray out = relayTail_.left(end);
    relayTail_.remove(0, end);
    return out;
}

QByteArray AnthropicInboundFilter::finish()
{
    if (stream_)
        return stream_->finish();
    return std::exchange(relayTail_, QByteArray());
}

QByteArray AnthropicInboundFilter::streamError(QByteArrayView openAiEvent)
{
    if (stream_)
        return stream_->fail(openAiEvent);
    if (relayStream_) {
        relayTail_.clear();   // the cut-off event: a client could not parse it
        return anthropic_inbound::streamErrorEvent(openAiEvent);
    }
    return body(openAiEvent);
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
