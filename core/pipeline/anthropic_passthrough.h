#pragma once
// POST /v1/messages (and /v1/messages/count_tokens) whose attempt lands on an anthropic provider:
// the client's own Anthropic body is sent as it is (with the target's override_params), and the
// answer is relayed untouched -- no translation to OpenAI shapes and back. Other providers keep the
// translated path. Decided per attempt, so a fallback from anthropic to another provider (or back)
// works; the AnthropicInboundFilter asks active() whether the answer it writes is Anthropic's own.
//
// count_tokens has no OpenAI counterpart: an anthropic target forwards it to
// {base}/messages/count_tokens; any other target answers 400 naming the provider. The same holds
// for a request the translation cannot express (server tools, unknown block types): anthropic
// targets take it as it is, others answer the translation's 400.
//
// Usage and cost come from Anthropic's own usage fields (findUsage reads them; streams through a
// relaying mapper that watches message_start / message_delta).

#include "providers/provider.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>

namespace gatehouse {

class AnthropicPassthrough {
public:
    AnthropicPassthrough(nlohmann::json body, QByteArray rawBody, bool countTokens);
    ~AnthropicPassthrough();

    // The provider an attempt uses: a relaying adapter in front of an anthropic provider, a refusal
    // for count_tokens on any other, or the provider itself. Valid until the next call.
    const Provider* route(const Provider* provider);
    bool active() const { return active_; }          // the current attempt passes the body through
    bool countTokens() const { return countTokens_; }
    const nlohmann::json& body() const { return body_; }
    const QByteArray& rawBody() const { return rawBody_; }
    void setUntranslatable(ApiError why) { untranslatable_ = std::move(why); }

private:
    nlohmann::json body_;
    QByteArray rawBody_;
    bool countTokens_ = false;
    bool active_ = false;
    std::optional<ApiError> untranslatable_;
    std::unique_ptr<Provider> adapter_;
};

} // namespace gatehouse
