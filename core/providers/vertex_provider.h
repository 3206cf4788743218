#pragma once
// Google Cloud Vertex AI behind the OpenAI chat interface (provider "vertex-ai"). The model names
// the publisher, as in Portkey: "gemini-2.5-flash" or "google.gemini-2.5-flash" -> Gemini,
// "anthropic.claude-sonnet-4@20250514" (or any "claude-..." id) -> Claude, "meta.llama-3.3-70b-instruct-maas"
// -> Llama, "mistralai.mistral-small-2503" -> Mistral:
//   https://{region}-aiplatform.googleapis.com/v1/projects/{project}/locations/{region}/publishers/
//     google/models/{model}:generateContent | :streamGenerateContent?alt=sse     (Gemini mapping)
//     anthropic/models/{model}:rawPredict | :streamRawPredict                     (Anthropic mapping,
//        body without "model", with anthropic_version "vertex-2023-10-16")
//     mistralai/models/{model}:rawPredict | :streamRawPredict                     (OpenAI-like body)
//   .../locations/{region}/endpoints/openapi/chat/completions                      (Llama: OpenAI body,
//        model "meta/{model}")
//     google/models/{model}:predict   (POST /v1/embeddings with a Google embedding model, VertexEmbeddings)
// Region "global" uses https://aiplatform.googleapis.com. Settings, first found wins: the virtual
// key's fields, x-portkey-vertex-project-id / -region / -service-account-json headers, the config
// target's vertex_project_id / vertex_region / vertex_service_account_json. The project defaults to
// the service account's project_id.
// Auth: a service account (header, config, or a virtual key whose secret is the key file's JSON)
// is turned into a bearer token by GoogleTokenTransport; otherwise the client's key (Authorization,
// api_key, virtual key) is sent as the OAuth bearer token, e.g. from `gcloud auth print-access-token`.

#include "providers/provider.h"

#include <memory>

namespace gatehouse {

namespace google { class ThoughtSignatureStore; }

class VertexProvider : public Provider {
public:
    explicit VertexProvider(ProviderInfo info);
    ~VertexProvider() override;

    static constexpr const char* kAnthropicVersion = "vertex-2023-10-16";

    struct Model {
        std::string publisher;   // "google", "anthropic", "meta" or "mistralai"
        std::string id;          // the model id in the URL
    };
    // Publisher and id from the client's model string; a 400 for publishers not translated here and
    // for ids that could alter the URL.
    static std::variant<Model, ApiError> parseModel(const std::string& model);

    std::variant<UpstreamRequest, ApiError> buildRequest(const ProviderCall& call) const override;
    void mapResponse(const ResponseContext& ctx, int& status, QByteArray& body) const override;
    std::unique_ptr<StreamMapper> makeStreamMapper(const ResponseContext& ctx) const override;

private:
    std::shared_ptr<google::ThoughtSignatureStore> signatures_;
};

} // namespace gatehouse
