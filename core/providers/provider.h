#pragma once
// A provider adapter: turns a unified (OpenAI-format) call into the provider's HTTP request and the
// provider's answer back into OpenAI format. The OpenAI-compatible family passes bodies through;
// native adapters (Anthropic, Gemini, Bedrock, ...) override the mapping hooks.

#include "observability/usage.h"
#include "pipeline/api_error.h"
#include "providers/endpoint.h"
#include "upstream/upstream_request.h"

#include <nlohmann/json_fwd.hpp>

#include <QString>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace gatehouse {

enum class AuthStyle { Bearer, XApiKey, ApiKey, XGoogApiKey, None };
enum class TransportKind { Http, Mock };

struct ProviderInfo {
    QString id;
    QString name;
    std::vector<QString> aliases;
    QByteArray baseUrl;
    AuthStyle auth = AuthStyle::Bearer;
    bool keyRequired = true;
    TransportKind transport = TransportKind::Http;
    std::vector<Endpoint> endpoints;
};

void from_json(const nlohmann::json& j, ProviderInfo& p);

// Everything a provider needs to build one upstream request.
struct ProviderCall {
    Endpoint endpoint = Endpoint::ChatCompletions;
    QByteArray method = QByteArrayLiteral("POST");
    const QByteArray* body = nullptr;               // the client's body, as received
    const nlohmann::json* bodyJson = nullptr;       // parsed body (null for GET)
    QString apiKey;
    QByteArray customHost;                          // replaces the base URL when set
    QByteArray query;                               // client's query string, kept
    HeaderList extraHeaders;                        // forwarded client headers, provider extras
    // All of the client's request headers (lower-case names), for provider-family headers such as
    // anthropic-version / x-portkey-anthropic-version. Null when the caller does not pass them.
    const HeaderList* clientHeaders = nullptr;
    const std::map<std::string, std::string>* metadata = nullptr;
    // The routing target's provider keys (azure_*, aws_*, ...) from the config; null when none.
    const nlohmann::json* providerOptions = nullptr;
    // The virtual key's own provider fields (azure_resource_name, aws_region, ...): they decide where
    // the key's secret goes, so they win over headers and config; null when the key has none.
    const nlohmann::json* keyOptions = nullptr;
    // x-portkey-strict-open-ai-compliance (or the config's): false lets adapters add provider extras.
    bool strictOpenAiCompliance = true;
    int timeoutMs = 0;
};

// What an adapter may need to know when it maps an answer back. Implicit from an Endpoint, so a
// caller that knows nothing more can pass just that.
struct ResponseContext {
    ResponseContext(Endpoint e) : endpoint(e) {}   // NOLINT(google-explicit-constructor)
    Endpoint endpoint;
    std::string model;                   // the model the client asked for (answers may not name it)
    bool strictOpenAiCompliance = true;
    bool base64Embeddings = false;       // the client asked for encoding_format "base64"
};

// Rewrites a provider's stream into OpenAI SSE bytes, piece by piece.
class StreamMapper {
public:
    virtual ~StreamMapper() = default;
    virtual QByteArray map(QByteArrayView upstream) = 0;
    virtual QByteArray finish() = 0;
    // Token usage the mapper saw, for streams whose output carries none in OpenAI's shape
    // (relayed untouched); nullopt: read it from the output.
    virtual std::optional<Usage> observedUsage() const { return std::nullopt; }
};

class Provider {
public:
    explicit Provider(ProviderInfo info) : info_(std::move(info)) {}
    virtual ~Provider() = default;

    const ProviderInfo& info() const { return info_; }
    const QString& id() const { return info_.id; }
    bool supports(Endpoint e) const;

    virtual std::variant<UpstreamRequest, ApiError> buildRequest(const ProviderCall& call) const = 0;
    // Non-streamed answers: may rewrite status and body into OpenAI format. Default: unchanged.
    virtual void mapResponse(const ResponseContext&, int& status, QByteArray& body) const { (void)status; (void)body; }
    // Streamed answers: null means the provider already speaks OpenAI SSE (passed through unchanged).
    virtual std::unique_ptr<StreamMapper> makeStreamMapper(const ResponseContext&) const { return nullptr; }

protected:
    // base URL (or custom host) + endpoint path + client query
    QByteArray upstreamUrl(const ProviderCall& call) const;
    // auth header for the provider's style; nothing when there is no key
    void addAuth(HeaderList& headers, const QString& apiKey) const;

private:
    ProviderInfo info_;
};

} // namespace gatehouse
