#include "pipeline/anthropic_inbound_stream.h"

#include "pipeline/anthropic_inbound_response.h"
#include "providers/json_fields.h"
#include "providers/openai_wire.h"

namespace gatehouse {

using nlohmann::json;

namespace {

QByteArray event(const char* type, const json& data)
{
    return QByteArray("event: ") + type + "\ndata: " + openai::dump(data) + "\n\n";
}

} // namespace

QByteArray AnthropicInboundStream::map(QByteArrayView openAiSse)
{
    QByteArray out;
    for (const auto& e : reader_.feed(openAiSse))
        onData(e.data, out);
    return out;
}

QByteArray AnthropicInboundStream::finish()
{
    QByteArray out;
    for (const auto& e : reader_.finish())
        onData(e.data, out);
    if (!ended_)
        end(out);   // the stream closed without [DONE]: still end it the way clients expect
    return out;
}

QByteArray AnthropicInboundStream::fail(QByteArrayView openAiErrorEvent)
{
    reader_ = SseReader();   // an event cut in half would join the error's data lines
    if (ended_)
        return {};
    ended_ = true;
    return anthropic_inbound::streamErrorEvent(openAiErrorEvent);
}

void AnthropicInboundStream::start(const json& chunk, QByteArray& out)
{
    started_ = true;
    const json message = {{"id", anthropic_inbound::messageId(json_fields::str(chunk, "id"))},
                          {"type", "message"},
                          {"role", "assistant"},
                          {"model", json_fields::str(chunk, "model")},
                          {"content", json::array()},
                          {"stop_reason", nullptr},
                          {"stop_sequence", nullptr},
                          {"usage", {{"input_tokens", 0}, {"output_tokens", 0}}}};
    out += event("message_start", {{"type", "message_start"}, {"message", message}});
}

void AnthropicInboundStream::openBlock(json block, QByteArray& out)
{
    closeBlock(out);
    openBlock_ = nextBlock_++;
    openIsText_ = block["type"] == "text";
    out += event("content_block_start", {{"type", "content_block_start"}, {"index", openBlock_}, {"content_block", std::move(block)}});
}

void AnthropicInboundStream::closeBlock(QByteArray& out)
{
    if (openBlock_ < 0)
        return;
    out += event("content_block_stop", {{"type", "content_block_stop"}, {"index", openBlock_}});
    openBlock_ = -1;
}

void AnthropicInboundStream::end(QByteArray& out)
{
    ended_ = true;
    if (!started_)
        start(json::object(), out);
    closeBlock(out);
    out += event("message_delta", {{"type", "message_delta"},
                                   {"delta", {{"stop_reason", stopReason_}, {"stop_sequence", nullptr}}},
                                   {"usage", anthropic_inbound::usage(usage_)}});
    out += event("message_stop", {{"type", "message_stop"}});
}

void AnthropicInboundStream::onToolCall(const json& call, QByteArray& out)
{
    if (!call.is_object())
        return;
    const long long index = json_fields::integer(call, "index", 0);
    const json fn = call.contains("function") && call["function"].is_object() ? call["function"] : json::object();
    auto block = toolBlocks_.find(index);
    if (block == toolBlocks_.end()) {
        std::string id = json_fields::str(call, "id");
        if (id.empty())
            id = openai::newToolCallId();
        openBlock({{"type", "tool_use"}, {"id", id}, {"name", json_fields::str(fn, "name")}, {"input", json::object()}}, out);
        block = toolBlocks_.emplace(index, openBlock_).first;
    }
    const std::string args = json_fields::str(fn, "arguments");
    if (!args.empty()) {
        // An interleaved delta for an earlier call keeps that call's block index.
        out += event("content_block_delta", {{"type", "content_block_delta"}, {"index", block->second},
                                             {"delta", {{"type", "input_json_delta"}, {"partial_json", args}}}});
    }
}

void AnthropicInboundStream::onData(const QByteArray& data, QByteArray& out)
{
    if (ended_)
        return;
    if (data.trimmed() == "[DONE]")
        return end(out);
    const json chunk = json::parse(data.constBegin(), data.constEnd(), nullptr, false);
    if (!chunk.is_object() || json_fields::nestedDeeperThan(chunk, openai::kMaxAnswerDepth))
        return;
    if (chunk.contains("error")) {
        // The gateway's (or provider's) error after the stream began: Anthropic's error event ends it.
        ended_ = true;
        const int status = chunk["error"].is_object() && chunk["error"].contains("type") && chunk["error"]["type"] == "timeout_error" ? 504 : 500;
        out += event("error", anthropic_inbound::error(status, openai::dump(chunk)));
        return;
    }
    if (!started_)
        start(chunk, out);
    if (const auto u = chunk.find("usage"); u != chunk.end() && u->is_object())
        usage_ = *u;
    const auto choices = chunk.find("choices");
    if (choices == chunk.end() || !choices->is_array())
        return;
    for (const auto& choice : *choices) {
        if (!choice.is_object() || json_fields::integer(choice, "index", 0) != 0)
            continue;   // /v1/messages has one answer
        const json delta = choice.contains("delta") && choice["delta"].is_object() ? choice["delta"] : json::object();
        std::string text = json_fields::str(delta, "content");
        if (text.empty())
            text = json_fields::str(delta, "refusal");
        if (!text.empty()) {
            if (openBlock_ < 0 || !openIsText_)
                openBlock({{"type", "text"}, {"text", ""}}, out);
            out += event("content_block_delta", {{"type", "content_block_delta"}, {"index", openBlock_},
                                                 {"delta", {{"type", "text_delta"}, {"text", text}}}});
        }
        if (const auto calls = delta.find("tool_calls"); calls != delta.end() && calls->is_array()) {
            for (const auto& call : *calls)
                onToolCall(call, out);
        }
        if (const std::string finish = json_fields::str(choice, "finish_reason"); !finish.empty())
            stopReason_ = anthropic_inbound::stopReason(finish);
    }
}

} // namespace gatehouse
