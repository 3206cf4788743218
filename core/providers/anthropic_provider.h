#pragma once
// Anthropic's Messages API behind the OpenAI chat interface (provider "anthropic"):
// POST {base}/messages with x-api-key and anthropic-version. Request, answer and stream mappings
// live in anthropic_request / anthropic_response / anthropic_stream_mapper.
//
// Headers: anthropic-version defaults to 2023-06-01; the client's x-portkey-anthropic-version or
// anthropic-version header (or an anthropic_version body field, as Portkey accepts) overrides it.
// anthropic-beta is sent only when the client gives one, the same ways.

#include "providers/provider.h"

#include <optional>

namespace gatehouse {

class AnthropicProvider : public Provider {
public:
    using Provider::Provider;

    static constexpr const char* kDefaultVersion = "2023-06-01";

    std::variant<UpstreamRequest, ApiError> buildRequest(const ProviderCall& call) const override;
    void mapResponse(const ResponseContext& ctx, int& status, QByteArray& body) const override;
    std::unique_ptr<StreamMapper> makeStreamMapper(const ResponseContext& ctx) const override;

    // A body already in Anthropic's format (POST /v1/messages passed through): *call.body is sent as
    // is to {base}{path} ("/messages" or "/messages/count_tokens") with the same key and headers.
    std::variant<UpstreamRequest, ApiError> buildNativeRequest(const ProviderCall& call, const char* path) const;

private:
    static QString apiKeyOf(const ProviderCall& call);
    std::optional<ApiError> missingKey(const ProviderCall& call) const;
    std::variant<UpstreamRequest, ApiError> request(const ProviderCall& call, QByteArray body, const char* path) const;
};

} // namespace gatehouse
