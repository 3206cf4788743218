#pragma once
// Azure OpenAI: OpenAI's wire format on Azure's URLs and auth.
//   https://{resource}.openai.azure.com/openai/deployments/{deployment}/chat/completions?api-version={v}
//   api_version "v1" (Azure's version-less API): .../openai/v1/chat/completions, model in the body
// Settings come from x-portkey-azure-resource-name / -deployment-id / -api-version / -ad-token, or
// the config target's resource_name / deployment_id / api_version / azure_ad_token (azure_-prefixed
// spellings too). Auth: "api-key: <key>" from Authorization, or "Authorization: Bearer <Entra token>"
// when an ad token is given. Tokens are never fetched here (no client-secret or managed-identity
// flows): a config asking for those gets a 400 saying how to pass a token instead.

#include "providers/provider.h"

namespace gatehouse {

class AzureOpenAIProvider : public Provider {
public:
    using Provider::Provider;
    std::variant<UpstreamRequest, ApiError> buildRequest(const ProviderCall& call) const override;
};

} // namespace gatehouse
