#pragma once
// POST /v1/messages (Anthropic's Messages API) on the OpenAI pipeline: the request is translated to a
// chat completion request before the Exchange sees it, and the writer gets an AnthropicInboundFilter
// that translates the answer back. Anthropic's x-api-key header stands in for Authorization.

#include "http/http_request.h"
#include "http/response_writer.h"
#include "pipeline/api_error.h"
#include "providers/endpoint.h"

#include <variant>

namespace gatehouse {

bool isMessagesPath(QByteArrayView path);

// Rewrites request (body, auth header) in place; the route the Exchange runs, or the error
// (in OpenAI shape, written through the filter in Anthropic's) it answers with.
std::variant<Endpoint, ApiError> prepareMessagesRequest(HttpRequest& request, ResponseWriter& writer);

} // namespace gatehouse
