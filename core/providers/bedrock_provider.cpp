#include "providers/bedrock_provider.h"

#include "providers/bedrock_converse.h"
#include "providers/bedrock_stream_mapper.h"
#include "providers/json_fields.h"
#include "providers/openai_request.h"
#include "providers/openai_wire.h"

#include <nlohmann/json.hpp>

#include <QUrl>

namespace gatehouse {

namespace {

// x-portkey-aws-<kebab> header, else the config target's aws_<snake>.
QByteArray setting(const ProviderCall& call, const char* kebab, const char* snake)
{
    if (call.keyOptions) {
        const auto it = call.keyOptions->find(std::string("aws_") + snake);
        if (it != call.keyOptions->end() && it->is_string() && !it->get<std::string>().empty())
            return QByteArray::fromStdString(it->get<std::string>());
    }
    if (call.clientHeaders) {
        if (const QByteArrayView v = findHeader(*call.clientHeaders, QByteArray("x-portkey-aws-") + kebab); !v.trimmed().isEmpty())
            return v.trimmed().toByteArray();
    }
    if (call.providerOptions && call.providerOptions->is_object()) {
        const auto it = call.providerOptions->find(std::string("aws_") + snake);
        if (it != call.providerOptions->end() && it->is_string())
            return QByteArray::fromStdString(it->get<std::string>()).trimmed();
    }
    return {};
}

bool isRegion(const QByteArray& s)
{
    if (s.isEmpty() || s.size() > 32)
        return false;
    for (char c : s) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return false;
    }
    return true;
}

bool isSingleLine(const QByteArray& s)
{
    return !s.contains('\r') && !s.contains('\n') && !s.contains('\0') && !s.contains(':');
}

} // namespace

std::variant<UpstreamRequest, ApiError> BedrockProvider::buildRequest(const ProviderCall& call) const
{
    if (call.endpoint != Endpoint::ChatCompletions)
        return ApiError::badRequest(QStringLiteral("Provider '%1' supports chat completions only.").arg(id()),
                                    QStringLiteral("unsupported_endpoint"));
    const QByteArray keyId = setting(call, "access-key-id", "access_key_id");
    const QByteArray secret = setting(call, "secret-access-key", "secret_access_key");
    const QByteArray token = setting(call, "session-token", "session_token");
    QByteArray region = setting(call, "region", "region");
    if (keyId.isEmpty() || secret.isEmpty()) {
        return ApiError::unauthorized(
            QStringLiteral("No AWS credentials for provider 'bedrock'. Send x-portkey-aws-access-key-id and "
                           "x-portkey-aws-secret-access-key (and x-portkey-aws-session-token for temporary credentials), "
                           "or aws_access_key_id / aws_secret_access_key in the config target."),
            QStringLiteral("missing_api_key"));
    }
    if (!isSingleLine(keyId) || !isSingleLine(secret) || token.contains('\r') || token.contains('\n') || token.contains('\0'))
        return ApiError::badRequest(QStringLiteral("Provider 'bedrock': AWS credentials must be single-line values."),
                                    QStringLiteral("invalid_header"), QStringLiteral("x-portkey-aws-access-key-id"));
    if (region.isEmpty())
        region = "us-east-1";   // Portkey's default too
    if (!isRegion(region))
        return ApiError::badRequest(QStringLiteral("Provider 'bedrock': x-portkey-aws-region must be an AWS region such as us-east-1."),
                                    QStringLiteral("invalid_parameter"), QStringLiteral("x-portkey-aws-region"));
    std::string model;
    if (auto e = openai::checkRequest(call.bodyJson, model))
        return *e;
    auto mapped = bedrock::toConverseRequest(*call.bodyJson);
    if (auto* e = std::get_if<ApiError>(&mapped))
        return *e;

    UpstreamRequest r;
    r.method = QByteArrayLiteral("POST");
    QByteArray base = call.customHost.isEmpty() ? "https://bedrock-runtime." + region + ".amazonaws.com" : call.customHost;
    while (base.endsWith('/'))
        base.chop(1);
    const bool stream = json_fields::boolean(*call.bodyJson, "stream");
    r.url = base + "/model/" + QUrl::toPercentEncoding(QString::fromStdString(model)) + (stream ? "/converse-stream" : "/converse");
    r.body = openai::dump(std::get<nlohmann::json>(mapped));
    r.headers.emplace_back(QByteArrayLiteral("content-type"), QByteArrayLiteral("application/json"));
    r.headers.emplace_back(QByteArrayLiteral("accept"), stream ? QByteArrayLiteral("application/vnd.amazon.eventstream")
                                                               : QByteArrayLiteral("application/json"));
    if (!token.isEmpty())
        r.headers.emplace_back(QByteArrayLiteral("x-amz-security-token"), token);
    r.awsSigV4 = "aws:amz:" + region + ":bedrock";
    r.awsAccessKeyId = keyId;
    r.awsSecretAccessKey = secret;
    r.timeoutMs = call.timeoutMs;
    return r;
}

void BedrockProvider::mapResponse(const ResponseContext& ctx, int& status, QByteArray& body) const
{
    if (ctx.endpoint == Endpoint::ChatCompletions)
        bedrock::mapConverseResponse(status, body, ctx.model);
}

std::unique_ptr<StreamMapper> BedrockProvider::makeStreamMapper(const ResponseContext& ctx) const
{
    if (ctx.endpoint != Endpoint::ChatCompletions)
        return nullptr;
    return std::make_unique<bedrock::BedrockStreamMapper>(ctx.model);
}

} // namespace gatehouse
