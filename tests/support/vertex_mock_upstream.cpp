#include "vertex_mock_upstream.h"

#include <set>

#include "anthropic_mock_upstream.h"
#include "gemini_mock_upstream.h"
#include "test_rsa_key.h"

#include <nlohmann/json.hpp>

#include <QUrlQuery>

namespace gatehouse::test {

namespace {

using json = nlohmann::json;

QByteArray dump(const json& j) { return QByteArray::fromStdString(j.dump()); }

ScriptedHttpServer::Reply googleError(int status, const char* st, const std::string& message)
{
    ScriptedHttpServer::Reply r;
    r.status = status;
    r.contentType = "application/json; charset=UTF-8";
    r.body = dump({{"error", {{"code", status}, {"message", message}, {"status", st}}}});
    return r;
}

ScriptedHttpServer::Reply oauthError(const char* error, const char* description)
{
    ScriptedHttpServer::Reply r;
    r.status = 400;
    r.body = dump({{"error", error}, {"error_description", description}});
    return r;
}

ScriptedHttpServer::Reply anthropicError(int status, const std::string& message)
{
    ScriptedHttpServer::Reply r;
    r.status = status;
    r.body = dump({{"type", "error"}, {"error", {{"type", "invalid_request_error"}, {"message", message}}}});
    return r;
}

// Llama and Mistral answer in OpenAI's chat shapes: "Hello from <model> mock: <last user text>",
// usage 10 + 5; streamed as two content chunks, a finish chunk with the usage, then [DONE].
ScriptedHttpServer::Reply openAiChat(const json& body, const std::string& model)
{
    std::string text;
    if (body.contains("messages") && body["messages"].is_array() && !body["messages"].empty()) {
        const json& last = body["messages"].back();
        if (last.is_object() && last.contains("content") && last["content"].is_string())
            text = last["content"].get<std::string>();
    }
    const std::string answer = "Hello from " + model + " mock: " + text;
    const json usage = {{"prompt_tokens", 10}, {"completion_tokens", 5}, {"total_tokens", 15}};
    ScriptedHttpServer::Reply r;
    if (!body.value("stream", false)) {
        r.body = dump({{"id", "chat-mock-1"}, {"object", "chat.completion"}, {"created", 1700000000}, {"model", model},
                       {"choices", json::array({{{"index", 0}, {"message", {{"role", "assistant"}, {"content", answer}}},
                                                 {"finish_reason", "stop"}}})},
                       {"usage", usage}});
        return r;
    }
    const auto chunk = [&](const json& delta, const json& finish, const json& u) {
        json c = {{"id", "chat-mock-1"}, {"object", "chat.completion.chunk"}, {"created", 1700000000}, {"model", model},
                  {"choices", json::array({{{"index", 0}, {"delta", delta}, {"finish_reason", finish}}})}};
        if (!u.is_null())
            c["usage"] = u;
        return "data: " + dump(c) + "\n\n";
    };
    const std::size_t half = answer.size() / 2;
    r.contentType = "text/event-stream";
    r.pieces << chunk({{"role", "assistant"}, {"content", answer.substr(0, half)}}, nullptr, nullptr)
             << chunk({{"content", answer.substr(half)}}, nullptr, nullptr) << chunk(json::object(), "stop", usage)
             << QByteArray("data: [DONE]\n\n");
    return r;
}

// :predict with a text embedding model: per instance a vector of outputDimensionality (default 3)
// values, the first the number of words, then the number of characters, then 0.5, 0.5, ...;
// token_count is the number of words.
ScriptedHttpServer::Reply predictEmbeddings(const ScriptedHttpServer::Request& req, const QByteArray& model)
{
    if (!model.contains("embedding"))
        return googleError(400, "FAILED_PRECONDITION", "The model does not support predict.");
    const json body = json::parse(req.body.toStdString(), nullptr, false);
    if (!body.is_object() || !body.contains("instances") || !body["instances"].is_array() || body["instances"].empty())
        return googleError(400, "INVALID_ARGUMENT", "Invalid JSON payload: instances is required.");
    int dims = 3;
    if (body.contains("parameters") && body["parameters"].is_object() && body["parameters"].contains("outputDimensionality"))
        dims = body["parameters"]["outputDimensionality"].get<int>();
    json predictions = json::array();
    for (const json& instance : body["instances"]) {
        if (!instance.is_object() || !instance.contains("content") || !instance["content"].is_string())
            return googleError(400, "INVALID_ARGUMENT", "Invalid JSON payload: instances[].content must be a string.");
        const QString text = QString::fromStdString(instance["content"].get<std::string>());
        const int words = int(text.split(QLatin1Char(' '), Qt::SkipEmptyParts).size());
        json values = json::array();
        for (int i = 0; i < dims; ++i)
            values.push_back(i == 0 ? double(words) : i == 1 ? double(text.size()) : 0.5);
        predictions.push_back({{"embeddings", {{"values", values}, {"statistics", {{"token_count", words}, {"truncated", false}}}}}});
    }
    ScriptedHttpServer::Reply r;
    r.body = dump({{"predictions", predictions}, {"metadata", {{"billableCharacterCount", 10}}}});
    return r;
}

} // namespace

QString VertexMockUpstream::baseUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(port());
}

QString VertexMockUpstream::tokenUri() const
{
    return baseUrl() + QStringLiteral("/token");
}

ScriptedHttpServer::Reply VertexMockUpstream::token(const Request& req)
{
    if (req.header("content-type") != "application/x-www-form-urlencoded")
        return oauthError("invalid_request", "Unsupported content type.");
    const QUrlQuery form(QString::fromUtf8(req.body));
    if (form.queryItemValue(QStringLiteral("grant_type"), QUrl::FullyDecoded) != QLatin1String("urn:ietf:params:oauth:grant-type:jwt-bearer"))
        return oauthError("unsupported_grant_type", "Invalid grant_type.");
    if (refuse_)
        return oauthError("invalid_grant", "Invalid JWT Signature.");
    const QList<QByteArray> parts = form.queryItemValue(QStringLiteral("assertion"), QUrl::FullyDecoded).toUtf8().split('.');
    if (parts.size() != 3)
        return oauthError("invalid_grant", "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe.");
    const auto decode = [](const QByteArray& b) {
        return QByteArray::fromBase64(b, QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    };
    const json header = json::parse(decode(parts[0]).toStdString(), nullptr, false);
    const json claims = json::parse(decode(parts[1]).toStdString(), nullptr, false);
    if (!header.is_object() || header.value("alg", "") != "RS256" || !claims.is_object())
        return oauthError("invalid_grant", "Invalid JWT header.");
    if (!verifyRs256(publicPem_, parts[0] + '.' + parts[1], decode(parts[2])))
        return oauthError("invalid_grant", "Invalid JWT Signature.");
    const auto num = [&claims](const char* k) { return claims.contains(k) && claims[k].is_number_integer() ? claims[k].get<long long>() : -1; };
    if (claims.value("aud", "") != tokenUri().toStdString() || claims.value("iss", "").empty()
        || claims.value("scope", "").find("https://www.googleapis.com/auth/cloud-platform") == std::string::npos
        || num("iat") <= 0 || num("exp") != num("iat") + 3600)
        return oauthError("invalid_grant", "Invalid JWT claims.");
    lastClaims_ = dump(claims);
    ++issued_;
    Reply r;
    r.body = dump({{"access_token", "ya29.mock-" + std::to_string(issued_)}, {"expires_in", expiresIn_}, {"token_type", "Bearer"}});
    return r;
}

ScriptedHttpServer::Reply VertexMockUpstream::answer(const Request& req)
{
    if (req.method == "POST" && req.path == "/token")
        return token(req);

    // /v1/projects/{p}/locations/{r}/publishers/{pub}/models/{model}:{method}
    // /v1/projects/{p}/locations/{r}/endpoints/openapi/chat/completions (Llama, OpenAI's API)
    // /v1/projects/{p}/locations/{r}/endpoints/{id}/chat/completions (a deployed model, OpenAI's API)
    const QList<QByteArray> seg = req.path.split('/');
    const bool openApi = seg.size() == 10 && seg[6] == "endpoints" && seg[8] == "chat" && seg[9] == "completions";
    if (req.method != "POST" || seg.size() != 10 || seg[1] != "v1" || seg[2] != "projects" || seg[4] != "locations"
        || (!openApi && (seg[6] != "publishers" || seg[8] != "models" || !seg[9].contains(':'))))
        return googleError(404, "NOT_FOUND", "The requested URL was not found on this server.");
    const QByteArray auth = req.header("authorization");
    const QByteArray token = auth.startsWith("Bearer ") ? auth.mid(7) : QByteArray();
    const bool issued = token.startsWith("ya29.mock-") && token.mid(10).toInt() >= 1 && token.mid(10).toInt() <= issued_;
    if (token != kStaticToken && !issued)
        return googleError(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, "
                                                   "login cookie or other valid authentication credential.");
    if (openApi) {
        const json body = json::parse(req.body.toStdString(), nullptr, false);
        const std::string model = body.is_object() ? body.value("model", "") : "";
        if (seg[7] != "openapi") {   // a deployed endpoint serves its own model
            if (model != seg[7].toStdString())
                return googleError(400, "INVALID_ARGUMENT", "model must be the endpoint's deployed model.");
            return openAiChat(body, "endpoint-" + model);
        }
        if (model.rfind("meta/", 0) != 0)
            return googleError(400, "INVALID_ARGUMENT", "model must be a publisher model such as meta/llama-3.3-70b-instruct-maas.");
        return openAiChat(body, model);
    }
    const QByteArray publisher = seg[7];
    const qsizetype colon = seg[9].indexOf(':');
    const QByteArray model = seg[9].left(colon);
    const QByteArray method = seg[9].mid(colon + 1);
    if (model.contains("vertex-404"))
        return googleError(404, "NOT_FOUND", "Publisher Model `projects/" + seg[3].toStdString() + "/locations/" + seg[5].toStdString()
                                                 + "/publishers/" + publisher.toStdString() + "/models/" + model.toStdString() + "` not found.");

    if (publisher == "google" && method == "predict")
        return predictEmbeddings(req, model);
    Request inner = req;
    if (publisher == "google") {
        inner.path = "/v1beta/models/" + model + ':' + method;
        inner.headers.append({QByteArrayLiteral("x-goog-api-key"), QByteArrayLiteral("vertex")});
        return GeminiMockUpstream::script(inner);
    }
    if (publisher == "anthropic") {
        json body = json::parse(req.body.toStdString(), nullptr, false);
        if (!body.is_object())
            return anthropicError(400, "Invalid JSON.");
        if (body.contains("model"))
            return anthropicError(400, "model: Extra inputs are not permitted");
        if (body.value("anthropic_version", "") != "vertex-2023-10-16")
            return anthropicError(400, "anthropic_version: Input should be 'vertex-2023-10-16'");
        const bool stream = body.value("stream", false);
        if ((method == "streamRawPredict") != stream || (method != "rawPredict" && method != "streamRawPredict"))
            return googleError(400, "FAILED_PRECONDITION", "Stream must be set to true for streamRawPredict and false for rawPredict.");
        body.erase("anthropic_version");
        body["model"] = model.toStdString();
        inner.path = "/v1/messages";
        inner.body = dump(body);
        inner.headers.append({QByteArrayLiteral("x-api-key"), QByteArrayLiteral("vertex")});
        inner.headers.append({QByteArrayLiteral("anthropic-version"), QByteArrayLiteral("vertex-2023-10-16")});
        return AnthropicMockUpstream::script(inner);
    }
    if (publisher == "mistralai") {
        const json body = json::parse(req.body.toStdString(), nullptr, false);
        if (!body.is_object() || body.value("model", "") != model.toStdString())
            return googleError(400, "INVALID_ARGUMENT", "The body's model must name the model in the URL.");
        static const std::set<std::string> kMistralFields{
            "model", "messages", "temperature", "top_p", "max_tokens", "stream", "stop", "random_seed", "response_format", "tools",
            "tool_choice", "presence_penalty", "frequency_penalty", "n", "parallel_tool_calls", "prediction", "safe_prompt", "prompt_mode"};
        for (auto it = body.begin(); it != body.end(); ++it)
            if (!kMistralFields.contains(it.key()))
                return googleError(422, "INVALID_ARGUMENT", it.key() + ": Extra inputs are not permitted.");
        if ((method == "streamRawPredict") != body.value("stream", false) || (method != "rawPredict" && method != "streamRawPredict"))
            return googleError(400, "FAILED_PRECONDITION", "Stream must be set to true for streamRawPredict and false for rawPredict.");
        return openAiChat(body, model.toStdString());
    }
    return googleError(404, "NOT_FOUND", "Publisher `" + publisher.toStdString() + "` not found.");
}

} // namespace gatehouse::test
