#include "pipeline/messages_route.h"

#include "pipeline/anthropic_inbound_filter.h"
#include "pipeline/anthropic_inbound_request.h"
#include "pipeline/anthropic_passthrough.h"
#include "providers/json_fields.h"
#include "providers/openai_request.h"
#include "providers/openai_wire.h"

#include <nlohmann/json.hpp>

namespace gatehouse {

namespace {

bool isCountTokensPath(QByteArrayView path)
{
    return path == "/v1/messages/count_tokens" || path == "/v1/messages/count_tokens/";
}

} // namespace

bool isMessagesPath(QByteArrayView path)
{
    return path == "/v1/messages" || path == "/v1/messages/" || isCountTokensPath(path);
}

std::variant<Endpoint, ApiError> prepareMessagesRequest(HttpRequest& request, ResponseWriter& writer,
                                                        std::shared_ptr<AnthropicPassthrough>* passthrough)
{
    const bool countTokens = isCountTokensPath(request.path);
    auto body = nlohmann::json::parse(request.body.constBegin(), request.body.constEnd(), nullptr, false);
    // Checked before anything copies the body (the relay keeps a copy): copies recurse.
    const std::optional<ApiError> tooDeep = openai::nestingError(body, json_fields::kMaxBodyDepth);
    std::shared_ptr<AnthropicPassthrough> relay;
    if (body.is_object() && request.method == "POST" && !tooDeep)
        relay = std::make_shared<AnthropicPassthrough>(body, request.body, countTokens);
    writer.setFilter(std::make_unique<AnthropicInboundFilter>(relay));   // every answer, errors included
    *passthrough = std::move(relay);
    if (request.method != "POST") {
        return ApiError::methodNotAllowed(QStringLiteral("%1 %2 is not supported; use POST.")
                                              .arg(QString::fromLatin1(request.method.left(16)), QString::fromUtf8(request.path.left(40))));
    }
    if (!hasHeader(request.headers, "authorization")) {
        const QByteArray key = request.header("x-api-key").trimmed().toByteArray();
        if (!key.isEmpty())
            request.headers.emplace_back(QByteArrayLiteral("authorization"), "Bearer " + key);
    }
    if (tooDeep)
        return *tooDeep;
    if (!body.is_object())
        return Endpoint::ChatCompletions;   // the Exchange explains what is wrong with the body
    if (countTokens && !body.contains("max_tokens"))
        body["max_tokens"] = 1;   // count_tokens takes none; the translation (used for routing) needs one
    auto chat = anthropic_inbound::toChatRequest(body);
    if (auto* e = std::get_if<ApiError>(&chat)) {
        if (!*passthrough)
            return std::move(*e);
        // Untranslatable (server tools, unknown blocks): an anthropic target still takes it as it
        // is; any other answers this error. The Exchange routes on the client's own body.
        (*passthrough)->setUntranslatable(std::move(*e));
        return Endpoint::ChatCompletions;
    }
    request.body = openai::dump(std::get<nlohmann::json>(chat));
    return Endpoint::ChatCompletions;
}

} // namespace gatehouse
