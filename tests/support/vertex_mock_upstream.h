#pragma once
// Impersonates Vertex AI and Google's OAuth token service in their real wire formats. Point the
// provider at baseUrl() (as custom host) and a service account's token_uri at tokenUri().
//   POST /token   form grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer & assertion=<JWT>:
//                 the JWT must be RS256 and verify with setPublicKey(); claims iss, scope (cloud-platform),
//                 aud = tokenUri(), exp = iat + 3600. Answers {"access_token":"ya29.mock-<n>",
//                 "expires_in":<expiresIn>,"token_type":"Bearer"}, else 400 invalid_grant (OAuth's shape).
//                 refuseTokens(true) answers 400 invalid_grant to everything.
//   POST /v1/projects/{p}/locations/{r}/publishers/google/models/{m}:generateContent | :streamGenerateContent?alt=sse
//                 -> GeminiMockUpstream's scripts (same scenarios by model name)
//   POST /v1/projects/{p}/locations/{r}/publishers/google/models/{m}:predict   (m contains "embedding")
//                 {"instances":[{"content"}],"parameters":{"outputDimensionality"}} -> predictions with
//                 values [words, characters, 0.5, ...] and statistics.token_count = words
//   POST /v1/projects/{p}/locations/{r}/publishers/anthropic/models/{m}:rawPredict | :streamRawPredict
//                 -> AnthropicMockUpstream's scripts; the body must carry anthropic_version
//                 "vertex-2023-10-16" and no "model" (400 otherwise, as Vertex does)
//   POST /v1/projects/{p}/locations/{r}/publishers/mistralai/models/{m}:rawPredict | :streamRawPredict
//   POST /v1/projects/{p}/locations/{r}/endpoints/openapi/chat/completions   (model "meta/...")
//   POST /v1/projects/{p}/locations/{r}/endpoints/{id}/chat/completions       (model "{id}", answers as "endpoint-{id}")
//                 -> OpenAI chat shapes, "Hello from <model> mock: <last user text>", usage 10 + 5;
//                 Mistral refuses any field outside its API's (422 "Extra inputs are not permitted")
// Every model call needs "Authorization: Bearer <token>" with a token issued here or kStaticToken
// (401 UNAUTHENTICATED in Google's error shape otherwise). A model containing "vertex-404" gets
// Vertex's own 404 NOT_FOUND (Google's error shape) whatever the publisher.

#include "scripted_http_server.h"

namespace gatehouse::test {

class VertexMockUpstream : public ScriptedHttpServer {
public:
    using ScriptedHttpServer::ScriptedHttpServer;
    static constexpr const char* kStaticToken = "ya29.static-test-token";

    QString baseUrl() const;    // http://127.0.0.1:<port>
    QString tokenUri() const;   // baseUrl() + "/token"
    void setPublicKey(const QByteArray& pem) { publicPem_ = pem; }
    void setExpiresIn(int seconds) { expiresIn_ = seconds; }
    void refuseTokens(bool refuse) { refuse_ = refuse; }
    int tokensIssued() const { return issued_; }
    QByteArray lastAssertionClaims() const { return lastClaims_; }   // JSON of the last verified JWT

protected:
    Reply answer(const Request& request) override;

private:
    Reply token(const Request& request);

    QByteArray publicPem_;
    QByteArray lastClaims_;
    int expiresIn_ = 3599;
    bool refuse_ = false;
    int issued_ = 0;
};

} // namespace gatehouse::test
