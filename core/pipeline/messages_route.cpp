#include "pipeline/messages_route.h"

#include "pipeline/anthropic_inbound_filter.h"
#include "pipeline/anthropic_inbound_request.h"
#include "providers/openai_wire.h"

#include <nlohmann/json.hpp>

namespace gatehouse {

bool isMessagesPath(QByteArrayView path)
{
    return path == "/v1/messages" || path == "/v1/messages/";
}

std::variant<Endpoint, ApiError> prepareMessagesRequest(HttpRequest& request, ResponseWriter& writer)
{
    writer.setFilter(std::make_unique<AnthropicInboundFilter>());   // every answer, errors included
    if (request.method != "POST") {
        return ApiError::methodNotAllowed(QStringLiteral("%1 /v1/messages is not supported; use POST.")
                                              .arg(QString::fromLatin1(request.method.left(16))));
    }
    if (!hasHeader(request.headers, "authorization")) {
        const QByteArray key = request.header("x-api-key").trimmed().toByteArray();
        if (!key.isEmpty())
            request.headers.emplace_back(QByteArrayLiteral("authorization"), "Bearer " + key);
    }
    const auto body = nlohmann::json::parse(request.body.constBegin(), request.body.constEnd(), nullptr, false);
    if (!body.is_object())
        return Endpoint::ChatCompletions;   // the Exchange explains what is wrong with the body
    auto chat = anthropic_inbound::toChatRequest(body);
    if (auto* e = std::get_if<ApiError>(&chat))
        return std::move(*e);
    request.body = openai::dump(std::get<nlohmann::json>(chat));
    return Endpoint::ChatCompletions;
}

} // namespace gatehouse
