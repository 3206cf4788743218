#pragma once
// Cohere's v2 API: chat (/v2/chat, plain and streamed) and embeddings (/v2/embed), translated both
// ways (cohere_request, cohere_response, cohere_stream_mapper). Auth: Authorization: Bearer <key>.

#include "providers/provider.h"

namespace gatehouse {

class CohereProvider : public Provider {
public:
    using Provider::Provider;
    std::variant<UpstreamRequest, ApiError> buildRequest(const ProviderCall& call) const override;
    void mapResponse(const ResponseContext& ctx, int& status, QByteArray& body) const override;
    std::unique_ptr<StreamMapper> makeStreamMapper(const ResponseContext& ctx) const override;
};

} // namespace gatehouse
