#include "providers/google_response.h"

#include "providers/google_thought_signatures.h"
#include "providers/json_fields.h"
#include "providers/openai_wire.h"

namespace gatehouse::google {

using nlohmann::json;

std::string finishReason(const std::string& r, bool calledFunctions)
{
    if (r == "MAX_TOKENS")
        return "length";
    if (r == "SAFETY" || r == "RECITATION" || r == "BLOCKLIST" || r == "PROHIBITED_CONTENT" || r == "SPII" ||
        r == "LANGUAGE" || r == "IMAGE_SAFETY")
        return "content_filter";
    return calledFunctions ? "tool_calls" : "stop";
}

json usage(const json& m)
{
    const long long prompt = json_fields::integer(m, "promptTokenCount");
    const long long candidates = json_fields::integer(m, "candidatesTokenCount");
    const long long thoughts = json_fields::integer(m, "thoughtsTokenCount");
    const long long completion = candidates + thoughts;
    json u = {{"prompt_tokens", prompt}, {"completion_tokens", completion},
              {"total_tokens", json_fields::integer(m, "totalTokenCount", prompt + completion)}};
    if (const long long cached = json_fields::integer(m, "cachedContentTokenCount"); cached > 0)
        u["prompt_tokens_details"] = {{"cached_tokens", cached}};
    if (thoughts > 0)
        u["completion_tokens_details"] = {{"reasoning_tokens", thoughts}};
    return u;
}

CandidateOutput readCandidate(const json& candidate, ThoughtSignatureStore* signatures)
{
    CandidateOutput out;
    const auto content = candidate.is_object() ? candidate.find("content") : json::const_iterator();
    if (!candidate.is_object() || content == candidate.end() || !content->is_object())
        return out;
    const auto parts = content->find("parts");
    if (parts == content->end() || !parts->is_array())
        return out;
    for (const auto& part : *parts) {
        if (!part.is_object())
            continue;
        if (const auto call = part.find("functionCall"); call != part.end() && call->is_object()) {
            const auto args = call->find("args");
            std::string id = json_fields::str(*call, "id");
            if (id.empty())
                id = openai::newToolCallId();
            if (signatures) {
                if (const std::string sig = json_fields::str(part, "thoughtSignature"); !sig.empty())
                    signatures->remember(id, sig);
            }
            out.toolCalls.push_back({{"id", id}, {"type", "function"},
                                     {"function", {{"name", json_fields::str(*call, "name")},
                                                   {"arguments", args != call->end() && args->is_object()
                                                                     ? openai::dump(*args).toStdString() : "{}"}}}});
        } else if (!json_fields::boolean(part, "thought")) {
            out.text += json_fields::str(part, "text");
        }
    }
    return out;
}

std::optional<json> openAiError(const json& j, int status)
{
    const json* obj = &j;
    if (j.is_array() && !j.empty())
        obj = &j[0];
    if (!obj->is_object())
        return std::nullopt;
    const auto e = obj->find("error");
    if (e == obj->end() || !e->is_object())
        return std::nullopt;
    const int code = int(json_fields::integer(*e, "code", status));
    const std::string message = json_fields::str(*e, "message");
    const std::string st = json_fields::str(*e, "status");
    return openai::error(message.empty() ? (st.empty() ? "google error" : st) : message,
                         openai::errorTypeForStatus(code), st);
}

namespace {

// Non-strict extra: a candidate's thought and text parts as blocks, in order.
json contentBlocks(const json& candidate)
{
    json blocks = json::array();
    const auto content = candidate.find("content");
    if (content == candidate.end() || !content->is_object() || !content->contains("parts") || !(*content)["parts"].is_array())
        return blocks;
    for (const auto& part : (*content)["parts"]) {
        if (!part.is_object() || !part.contains("text") || !part["text"].is_string())
            continue;
        if (json_fields::boolean(part, "thought"))
            blocks.push_back({{"type", "thinking"}, {"thinking", part["text"]}});
        else
            blocks.push_back({{"type", "text"}, {"text", part["text"]}});
    }
    return blocks;
}

} // namespace

void mapGenerateContentResponse(int& status, QByteArray& body, ThoughtSignatureStore* signatures, bool strict)
{
    json parsed = json::parse(body.constBegin(), body.constEnd(), nullptr, false);
    // Absurdly deep answers are treated as unusable (dump() would recurse through them).
    const json j = json_fields::nestedDeeperThan(parsed, openai::kMaxAnswerDepth) ? json() : std::move(parsed);
    if (status < 200 || status >= 300) {
        if (const auto e = openAiError(j, status))
            body = openai::dump(*e);
        return;
    }
    if (!j.is_object()) {
        status = 502;
        body = openai::dump(openai::error("google answered with something that is not a generateContent response.",
                                          "upstream_error", "invalid_upstream_response"));
        return;
    }
    json choices = json::array();
    if (const auto cands = j.find("candidates"); cands != j.end() && cands->is_array()) {
        for (std::size_t i = 0; i < cands->size(); ++i) {
            const json& c = (*cands)[i];
            CandidateOutput o = readCandidate(c, signatures);
            const bool called = !o.toolCalls.empty();
            json message = {{"role", "assistant"}, {"content", o.text}};
            if (called) {
                if (o.text.empty())
                    message["content"] = nullptr;
                message["tool_calls"] = std::move(o.toolCalls);
            }
            if (!strict)
                message["content_blocks"] = contentBlocks(c);
            json choice = {{"index", json_fields::integer(c, "index", (long long)i)}, {"message", std::move(message)},
                           {"logprobs", nullptr},
                           {"finish_reason", finishReason(json_fields::str(c, "finishReason"), called)}};
            if (const auto g = c.find("groundingMetadata"); !strict && g != c.end() && g->is_object())
                choice["groundingMetadata"] = *g;
            choices.push_back(std::move(choice));
        }
    }
    if (choices.empty()) {
        // Blocked prompt (promptFeedback.blockReason) or nothing generated: one empty choice.
        const auto fb = j.find("promptFeedback");
        const bool blocked = fb != j.end() && !json_fields::str(*fb, "blockReason").empty();
        choices.push_back({{"index", 0}, {"message", {{"role", "assistant"}, {"content", ""}}}, {"logprobs", nullptr},
                           {"finish_reason", blocked ? "content_filter" : "stop"}});
    }
    const auto um = j.find("usageMetadata");
    json out = {{"id", json_fields::str(j, "responseId", openai::newCompletionId())},
                {"object", "chat.completion"},
                {"created", openai::nowSeconds()},
                {"model", json_fields::str(j, "modelVersion")},
                {"choices", std::move(choices)},
                {"usage", usage(um != j.end() ? *um : json::object())}};
    body = openai::dump(out);
}

void mapBatchEmbedResponse(int& status, QByteArray& body, const std::string& model)
{
    json parsed = json::parse(body.constBegin(), body.constEnd(), nullptr, false);
    // Absurdly deep answers are treated as unusable (dump() would recurse through them).
    const json j = json_fields::nestedDeeperThan(parsed, openai::kMaxAnswerDepth) ? json() : std::move(parsed);
    if (status < 200 || status >= 300) {
        if (const auto e = openAiError(j, status))
            body = openai::dump(*e);
        return;
    }
    const auto embeddings = j.is_object() ? j.find("embeddings") : json::const_iterator();
    if (!j.is_object() || embeddings == j.end() || !embeddings->is_array()) {
        status = 502;
        body = openai::dump(openai::error("google answered with something that is not a batchEmbedContents response.",
                                          "upstream_error", "invalid_upstream_response"));
        return;
    }
    json data = json::array();
    for (std::size_t i = 0; i < embeddings->size(); ++i) {
        const json& e = (*embeddings)[i];
        const auto values = e.is_object() ? e.find("values") : json::const_iterator();
        data.push_back({{"object", "embedding"}, {"index", i},
                        {"embedding", e.is_object() && values != e.end() && values->is_array() ? *values : json::array()}});
    }
    // Gemini reports no token counts for embeddings, and the answer does not name the model.
    json out = {{"object", "list"}, {"data", std::move(data)}, {"model", model},
                {"usage", {{"prompt_tokens", 0}, {"total_tokens", 0}}}};
    body = openai::dump(out);
}

} // namespace gatehouse::google
