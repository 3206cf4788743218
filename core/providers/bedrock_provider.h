#pragma once
// AWS Bedrock through its model-independent Converse / ConverseStream API.
//   POST https://bedrock-runtime.{region}.amazonaws.com/model/{modelId}/converse[-stream]
// Credentials: x-portkey-aws-access-key-id, -secret-access-key, -session-token, -region, or the
// config target's aws_access_key_id / aws_secret_access_key / aws_session_token / aws_region.
// Requests are signed with SigV4 by libcurl (CURLOPT_AWS_SIGV4); no credential is ever put in a
// header the gateway writes itself except the session token (x-amz-security-token, as AWS wants).

#include "providers/provider.h"

namespace gatehouse {

class BedrockProvider : public Provider {
public:
    using Provider::Provider;
    std::variant<UpstreamRequest, ApiError> buildRequest(const ProviderCall& call) const override;
    void mapResponse(const ResponseContext& ctx, int& status, QByteArray& body) const override;
    std::unique_ptr<StreamMapper> makeStreamMapper(const ResponseContext& ctx) const override;
};

} // namespace gatehouse
