#pragma once
// The built-in `mock` provider: deterministic OpenAI-format answers produced in process, so everything
// can be tried with no key and no network. Answers are steered by MockDirectives.

#include "providers/provider.h"

namespace gatehouse {

class MockProvider : public Provider {
public:
    using Provider::Provider;
    std::variant<UpstreamRequest, ApiError> buildRequest(const ProviderCall& call) const override;
};

} // namespace gatehouse
