#include "providers/anthropic_stream_mapper.h"

#include "providers/anthropic_response.h"
#include "providers/json_fields.h"
#include "providers/openai_wire.h"

#include <nlohmann/json.hpp>

namespace gatehouse {

using nlohmann::json;

AnthropicStreamMapper::AnthropicStreamMapper(bool strict)
    : id_(openai::newCompletionId())
    , created_(openai::nowSeconds())
    , strict_(strict)
{
}

QByteArray AnthropicStreamMapper::map(QByteArrayView upstream)
{
    QByteArray out;
    for (const auto& event : reader_.feed(upstream))
        onEvent(event.data, out);
    return out;
}

QByteArray AnthropicStreamMapper::finish()
{
    QByteArray out;
    for (const auto& event : reader_.finish())
        onEvent(event.data, out);
    if (!ended_) {
        // The provider closed without message_stop: still end the stream the way clients expect.
        ended_ = true;
        out += openai::sseDone();
    }
    return out;
}

QByteArray AnthropicStreamMapper::chunk(json delta, const json& finishReason) const
{
    return openai::sseData(openai::chunk(id_, model_, created_, 0, std::move(delta), finishReason));
}

void AnthropicStreamMapper::onEvent(const QByteArray& data, QByteArray& out)
{
    if (ended_)
        return;
    const json e = json::parse(data.constBegin(), data.constEnd(), nullptr, false);
    if (!e.is_object() || json_fields::nestedDeeperThan(e, openai::kMaxAnswerDepth))
        return;   // not JSON (or absurd JSON): nothing a client could use
    const std::string type = json_fields::str(e, "type");

    if (type == "message_start") {
        const auto msg = e.find("message");
        if (msg != e.end() && msg->is_object()) {
            id_ = json_fields::str(*msg, "id", id_);
            model_ = json_fields::str(*msg, "model", model_);
            if (const auto u = msg->find("usage"); u != msg->end()) {
                inputTokens_ = json_fields::integer(*u, "input_tokens");
                outputTokens_ = json_fields::integer(*u, "output_tokens");
                cacheCreationTokens_ = json_fields::integer(*u, "cache_creation_input_tokens");
                cacheReadTokens_ = json_fields::integer(*u, "cache_read_input_tokens");
            }
        }
        out += chunk({{"role", "assistant"}, {"content", ""}}, nullptr);
    } else if (type == "content_block_start") {
        const auto block = e.find("content_block");
        if (block == e.end() || !block->is_object())
            return;
        if (json_fields::str(*block, "type") != "tool_use") {
            if (!strict_) {   // the block opens: its first (empty) delta, as Portkey sends it
                json start = *block;
                start.erase("type");
                out += chunk({{"content_blocks", json::array({{{"index", json_fields::integer(e, "index")}, {"delta", std::move(start)}}})}}, nullptr);
            }
            return;
        }
        const int index = int(toolIndexByBlock_.size());
        toolIndexByBlock_[json_fields::integer(e, "index", -1)] = index;
        json call = {{"index", index}, {"id", json_fields::str(*block, "id")}, {"type", "function"},
                     {"function", {{"name", json_fields::str(*block, "name")}, {"arguments", ""}}}};
        out += chunk({{"tool_calls", json::array({std::move(call)})}}, nullptr);
    } else if (type == "content_block_delta") {
        const auto delta = e.find("delta");
        if (delta == e.end())
            return;
        const std::string kind = json_fields::str(*delta, "type");
        const auto blockDelta = [&e](const char* key, const std::string& value) {
            return json{{"content_blocks", json::array({{{"index", json_fields::integer(e, "index")}, {"delta", {{key, value}}}}})}};
        };
        if (kind == "text_delta") {
            const std::string text = json_fields::str(*delta, "text");
            if (!text.empty()) {
                json d = strict_ ? json::object() : blockDelta("text", text);
                d["content"] = text;
                out += chunk(std::move(d), nullptr);
            }
        } else if (!strict_ && (kind == "thinking_delta" || kind == "signature_delta")) {
            const char* key = kind == "thinking_delta" ? "thinking" : "signature";
            out += chunk(blockDelta(key, json_fields::str(*delta, key)), nullptr);
        } else if (kind == "input_json_delta") {
            const std::string part = json_fields::str(*delta, "partial_json");
            const auto tool = toolIndexByBlock_.find(json_fields::integer(e, "index", -1));
            if (part.empty() || tool == toolIndexByBlock_.end())
                return;
            json call = {{"index", tool->second}, {"function", {{"arguments", part}}}};
            out += chunk({{"tool_calls", json::array({std::move(call)})}}, nullptr);
        }
        // thinking_delta / signature_delta / citations_delta: no OpenAI counterpart.
    } else if (type == "message_delta") {
        if (const auto u = e.find("usage"); u != e.end() && u->is_object()) {
            // Counts here are cumulative; input counts appear only in newer API versions.
            outputTokens_ = json_fields::integer(*u, "output_tokens", outputTokens_);
            inputTokens_ = json_fields::integer(*u, "input_tokens", inputTokens_);
            cacheCreationTokens_ = json_fields::integer(*u, "cache_creation_input_tokens", cacheCreationTokens_);
            cacheReadTokens_ = json_fields::integer(*u, "cache_read_input_tokens", cacheReadTokens_);
        }
        const auto delta = e.find("delta");
        const std::string stop = delta != e.end() ? json_fields::str(*delta, "stop_reason") : std::string();
        json c = openai::chunk(id_, model_, created_, 0, json::object(), strict_ || stop.empty() ? anthropic::finishReason(stop) : stop);
        c["usage"] = anthropic::usage(inputTokens_, outputTokens_, cacheCreationTokens_, cacheReadTokens_);
        out += openai::sseData(c);
    } else if (type == "message_stop") {
        ended_ = true;
        out += openai::sseDone();
    } else if (type == "error") {
        ended_ = true;
        const auto err = anthropic::openAiError(e);
        out += openai::sseData(err ? *err : openai::error("anthropic reported an error in the stream.", "api_error"));
    }
}

} // namespace gatehouse
