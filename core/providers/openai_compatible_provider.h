#pragma once
// The OpenAI-compatible family (OpenAI, Groq, Mistral, Together, Ollama, ...): the request body and
// the answer pass through unchanged; only URL and auth differ, and those come from the provider table.
// Unlike Portkey's gateway, unknown body fields are not dropped: providers add parameters faster than
// any whitelist follows.

#include "providers/provider.h"

namespace gatehouse {

class OpenAICompatibleProvider : public Provider {
public:
    using Provider::Provider;
    std::variant<UpstreamRequest, ApiError> buildRequest(const ProviderCall& call) const override;
};

} // namespace gatehouse
