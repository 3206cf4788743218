#include "providers/cohere_stream_mapper.h"

#include "providers/cohere_response.h"
#include "providers/json_fields.h"
#include "providers/openai_wire.h"

#include <nlohmann/json.hpp>

namespace gatehouse::cohere {

using nlohmann::json;

CohereStreamMapper::CohereStreamMapper(std::string model)
    : id_(openai::newCompletionId())
    , model_(std::move(model))
    , created_(openai::nowSeconds())
{
}

QByteArray CohereStreamMapper::map(QByteArrayView upstream)
{
    QByteArray out;
    for (const auto& event : reader_.feed(upstream))
        onEvent(event.data, out);
    return out;
}

QByteArray CohereStreamMapper::finish()
{
    QByteArray out;
    for (const auto& event : reader_.finish())
        onEvent(event.data, out);
    if (!ended_) {
        ended_ = true;   // closed without message-end: end the stream the way clients expect
        out += openai::sseDone();
    }
    return out;
}

QByteArray CohereStreamMapper::chunk(json delta, const json& finishReason) const
{
    return openai::sseData(openai::chunk(id_, model_, created_, 0, std::move(delta), finishReason));
}

void CohereStreamMapper::onEvent(const QByteArray& data, QByteArray& out)
{
    if (ended_)
        return;
    const json e = json::parse(data.constBegin(), data.constEnd(), nullptr, false);
    if (!e.is_object() || json_fields::nestedDeeperThan(e, openai::kMaxAnswerDepth))
        return;
    const std::string type = json_fields::str(e, "type");
    const json delta = e.contains("delta") && e["delta"].is_object() ? e["delta"] : json::object();
    const json message = delta.contains("message") && delta["message"].is_object() ? delta["message"] : json::object();

    if (type.empty()) {
        if (const auto err = openAiError(e, 500)) {
            out += openai::sseData(*err);
            ended_ = true;
        }
        return;
    }
    if (type == "message-start") {
        id_ = json_fields::str(e, "id", id_);
        out += chunk({{"role", "assistant"}, {"content", ""}}, nullptr);
    } else if (type == "content-delta") {
        const json c = message.contains("content") ? message["content"] : json::object();
        const std::string text = json_fields::str(c, "text");
        if (!text.empty())
            out += chunk({{"content", text}}, nullptr);
    } else if (type == "tool-call-start" || type == "tool-call-delta") {
        const json tc = message.contains("tool_calls") && message["tool_calls"].is_object() ? message["tool_calls"] : json::object();
        const json fn = tc.contains("function") && tc["function"].is_object() ? tc["function"] : json::object();
        json call = {{"index", json_fields::integer(e, "index")}};
        if (type == "tool-call-start") {
            call["id"] = json_fields::str(tc, "id", openai::newToolCallId());
            call["type"] = "function";
            call["function"] = {{"name", json_fields::str(fn, "name")}, {"arguments", json_fields::str(fn, "arguments")}};
        } else {
            call["function"] = {{"arguments", json_fields::str(fn, "arguments")}};
        }
        out += chunk({{"tool_calls", json::array({std::move(call)})}}, nullptr);
    } else if (type == "message-end") {
        json c = openai::chunk(id_, model_, created_, 0, json::object(), finishReason(json_fields::str(delta, "finish_reason")));
        c["usage"] = usage(delta.value("usage", json::object()));
        out += openai::sseData(c);
        out += openai::sseDone();
        ended_ = true;
    }
}

} // namespace gatehouse::cohere
