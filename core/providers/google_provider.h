#pragma once
// Google's Gemini API (generativelanguage.googleapis.com) behind the OpenAI interface (provider
// "google"): chat -> POST {base}/v1beta/models/{model}:generateContent, or
// :streamGenerateContent?alt=sse when the client streams; embeddings -> :batchEmbedContents.
// The key travels in the x-goog-api-key header, never in the URL, so logged URLs hold no secret.
// Mappings live in google_request / google_response / google_stream_mapper.

#include "providers/provider.h"

#include <memory>

namespace gatehouse {

namespace google { class ThoughtSignatureStore; }

class GoogleProvider : public Provider {
public:
    explicit GoogleProvider(ProviderInfo info);
    ~GoogleProvider() override;

    std::variant<UpstreamRequest, ApiError> buildRequest(const ProviderCall& call) const override;
    void mapResponse(const ResponseContext& ctx, int& status, QByteArray& body) const override;
    std::unique_ptr<StreamMapper> makeStreamMapper(const ResponseContext& ctx) const override;

    google::ThoughtSignatureStore& thoughtSignatures() const { return *signatures_; }

private:
    // Shared with stream mappers, which may outlive a request but not the provider table.
    std::shared_ptr<google::ThoughtSignatureStore> signatures_;
};

} // namespace gatehouse
