#include "providers/bedrock_stream_mapper.h"

#include "providers/bedrock_converse.h"
#include "providers/json_fields.h"
#include "providers/openai_wire.h"

namespace gatehouse::bedrock {

using nlohmann::json;

BedrockStreamMapper::BedrockStreamMapper(std::string model)
    : id_(openai::newCompletionId())
    , model_(std::move(model))
    , created_(openai::nowSeconds())
{
}

QByteArray BedrockStreamMapper::chunk(json delta, const json& finishReason) const
{
    return openai::sseData(openai::chunk(id_, model_, created_, 0, std::move(delta), finishReason));
}

QByteArray BedrockStreamMapper::map(QByteArrayView upstream)
{
    QByteArray out;
    if (ended_)
        return out;
    for (const auto& m : decoder_.feed(upstream))
        onMessage(m, out);
    if (decoder_.failed() && !ended_) {
        out += openai::sseData(openai::error("bedrock stream: " + decoder_.error().toStdString(), "upstream_error", "invalid_upstream_response"));
        ended_ = true;
    }
    return out;
}

QByteArray BedrockStreamMapper::end(const json* usage)
{
    json c = openai::chunk(id_, model_, created_, 0, json::object(), finishReason(finishReason_.empty() ? "end_turn" : finishReason_));
    if (usage)
        c["usage"] = *usage;
    ended_ = true;
    return openai::sseData(c) + openai::sseDone();
}

QByteArray BedrockStreamMapper::finish()
{
    if (ended_)
        return {};
    if (decoder_.hasPartialFrame()) {
        ended_ = true;
        return openai::sseData(openai::error("bedrock stream ended inside an event frame.", "upstream_error", "invalid_upstream_response"));
    }
    return end(nullptr);   // closed without a metadata event: still end the way clients expect
}

void BedrockStreamMapper::onMessage(const aws::EventMessage& m, QByteArray& out)
{
    if (ended_)
        return;
    const json e = json::parse(m.payload.constBegin(), m.payload.constEnd(), nullptr, false);
    if (m.header(":message-type") == "exception") {
        std::string message = json_fields::str(e, "message", json_fields::str(e, "Message", m.header(":exception-type")));
        json err = openai::error(message, "upstream_error", m.header(":exception-type"));
        out += openai::sseData(err);
        ended_ = true;
        return;
    }
    if (!e.is_object() || json_fields::nestedDeeperThan(e, openai::kMaxAnswerDepth))
        return;
    const std::string type = m.header(":event-type");
    if (type == "messageStart") {
        out += chunk({{"role", "assistant"}, {"content", ""}});
    } else if (type == "contentBlockStart") {
        const json start = e.value("start", json::object());
        if (start.is_object() && start.contains("toolUse") && start["toolUse"].is_object()) {
            const int index = int(toolIndexByBlock_.size());
            toolIndexByBlock_[json_fields::integer(e, "contentBlockIndex")] = index;
            const json& t = start["toolUse"];
            out += chunk({{"tool_calls", json::array({{{"index", index}, {"id", json_fields::str(t, "toolUseId", openai::newToolCallId())},
                                                       {"type", "function"},
                                                       {"function", {{"name", json_fields::str(t, "name")}, {"arguments", ""}}}}})}});
        }
    } else if (type == "contentBlockDelta") {
        const json delta = e.value("delta", json::object());
        if (!delta.is_object())
            return;
        if (const std::string text = json_fields::str(delta, "text"); !text.empty()) {
            out += chunk({{"content", text}});
        } else if (delta.contains("toolUse") && delta["toolUse"].is_object()) {
            const auto it = toolIndexByBlock_.find(json_fields::integer(e, "contentBlockIndex"));
            if (it == toolIndexByBlock_.end())
                return;
            out += chunk({{"tool_calls", json::array({{{"index", it->second}, {"function", {{"arguments", json_fields::str(delta["toolUse"], "input")}}}}})}});
        }
    } else if (type == "messageStop") {
        finishReason_ = json_fields::str(e, "stopReason", "end_turn");
    } else if (type == "metadata") {
        const json u = usage(e.value("usage", json::object()));
        out += end(&u);
    }
}

} // namespace gatehouse::bedrock
