#include "providers/google_stream_mapper.h"

#include "providers/google_response.h"
#include "providers/google_thought_signatures.h"
#include "providers/json_fields.h"
#include "providers/openai_wire.h"

namespace gatehouse::google {

using nlohmann::json;

GoogleStreamMapper::GoogleStreamMapper(std::shared_ptr<ThoughtSignatureStore> signatures, bool strict)
    : signatures_(std::move(signatures))
    , id_(openai::newCompletionId())
    , created_(openai::nowSeconds())
    , strict_(strict)
{
}

QByteArray GoogleStreamMapper::map(QByteArrayView upstream)
{
    QByteArray out;
    for (const auto& event : reader_.feed(upstream))
        onEvent(event.data, out);
    return out;
}

QByteArray GoogleStreamMapper::finish()
{
    QByteArray out;
    for (const auto& event : reader_.finish())
        onEvent(event.data, out);
    if (ended_)
        return out;
    ended_ = true;
    if (!usageSent_ && usage_.is_object()) {
        json c = {{"id", id_}, {"object", "chat.completion.chunk"}, {"created", created_}, {"model", model_},
                  {"choices", json::array()}, {"usage", usage_}};
        out += openai::sseData(c);
    }
    return out + openai::sseDone();
}

QByteArray GoogleStreamMapper::chunk(int index, json delta, const json& finishReason, const json* usage) const
{
    json c = openai::chunk(id_, model_, created_, index, std::move(delta), finishReason);
    if (usage)
        c["usage"] = *usage;
    return openai::sseData(c);
}

bool GoogleStreamMapper::allFinished() const
{
    for (const auto& [index, c] : candidates_) {
        if (!c.finished)
            return false;
    }
    return true;
}

json GoogleStreamMapper::contentBlockDeltas(const json& candidate, Candidate& state) const
{
    json deltas = json::array();
    const auto content = candidate.find("content");
    if (content == candidate.end() || !content->is_object() || !content->contains("parts") || !(*content)["parts"].is_array())
        return deltas;
    for (const auto& part : (*content)["parts"]) {
        if (!part.is_object() || !part.contains("text") || !part["text"].is_string())
            continue;
        const bool thinking = json_fields::boolean(part, "thought");
        if (state.block < 0 || state.blockIsThinking != thinking) {
            ++state.block;
            state.blockIsThinking = thinking;
        }
        deltas.push_back({{"index", state.block}, {"delta", {{thinking ? "thinking" : "text", part["text"]}}}});
    }
    return deltas;
}

void GoogleStreamMapper::onEvent(const QByteArray& data, QByteArray& out)
{
    if (ended_)
        return;
    const json e = json::parse(data.constBegin(), data.constEnd(), nullptr, false);
    if (json_fields::nestedDeeperThan(e, openai::kMaxAnswerDepth))
        return;
    if (const auto err = openAiError(e, 500)) {
        ended_ = true;
        out += openai::sseData(*err);
        return;
    }
    if (!e.is_object())
        return;
    if (candidates_.empty()) {   // the first event names the response and the model
        id_ = json_fields::str(e, "responseId", id_);
    }
    model_ = json_fields::str(e, "modelVersion", model_);
    if (const auto um = e.find("usageMetadata"); um != e.end() && um->is_object())
        usage_ = usage(*um);

    // Finish chunks wait until this event's deltas are out; the last one carries the usage.
    std::vector<std::pair<int, std::string>> finishing;
    const auto cands = e.find("candidates");
    if (cands != e.end() && cands->is_array()) {
        for (std::size_t i = 0; i < cands->size(); ++i) {
            const json& cand = (*cands)[i];
            const int index = int(json_fields::integer(cand, "index", (long long)i));
            Candidate& state = candidates_[index];
            if (state.finished)
                continue;
            if (const auto g = cand.find("groundingMetadata"); !strict_ && g != cand.end() && g->is_object())
                state.grounding = *g;
            CandidateOutput o = readCandidate(cand, signatures_.get());
            json delta = json::object();
            if (!state.roleSent)
                delta["role"] = "assistant";
            if (!o.text.empty())
                delta["content"] = o.text;
            if (!o.toolCalls.empty()) {
                for (auto& call : o.toolCalls)
                    call["index"] = state.toolCalls++;
                delta["tool_calls"] = std::move(o.toolCalls);
            }
            if (!strict_) {
                if (json blocks = contentBlockDeltas(cand, state); !blocks.empty())
                    delta["content_blocks"] = std::move(blocks);
            }
            if (!state.roleSent && !delta.contains("content") && !delta.contains("tool_calls"))
                delta["content"] = "";
            if (delta.contains("content") || delta.contains("tool_calls") || delta.contains("content_blocks")) {
                out += chunk(index, std::move(delta), nullptr);
                state.roleSent = true;
            }
            if (const std::string reason = json_fields::str(cand, "finishReason");
                !reason.empty() && reason != "FINISH_REASON_UNSPECIFIED") {
                state.finished = true;
                finishing.emplace_back(index, finishReason(reason, state.toolCalls > 0));
            }
        }
    } else if (const auto fb = e.find("promptFeedback"); fb != e.end() && !json_fields::str(*fb, "blockReason").empty()) {
        Candidate& state = candidates_[0];
        if (!state.finished) {
            if (!state.roleSent)
                out += chunk(0, {{"role", "assistant"}, {"content", ""}}, nullptr);
            state.roleSent = true;
            state.finished = true;
            finishing.emplace_back(0, "content_filter");
        }
    }
    for (std::size_t i = 0; i < finishing.size(); ++i) {
        const bool last = i + 1 == finishing.size() && allFinished() && usage_.is_object();
        json c = openai::chunk(id_, model_, created_, finishing[i].first, json::object(), finishing[i].second);
        if (last)
            c["usage"] = usage_;
        if (const json& g = candidates_[finishing[i].first].grounding; !g.is_null())
            c["choices"][0]["groundingMetadata"] = g;
        out += openai::sseData(c);
        usageSent_ = usageSent_ || last;
    }
}

} // namespace gatehouse::google
