#pragma once
// POST /v1/messages (Anthropic's Messages API) on the OpenAI pipeline: the request is translated to a
// chat completion request before the Exchange sees it, and the writer gets an AnthropicInboundFilter
// that translates the answer back. Anthropic's x-api-key header stands in for Authorization.

#include "http/http_request.h"
#include "http/response_writer.h"
#include "pipeline/api_error.h"
#include "providers/endpoint.h"

#include <memory>
#include <variant>

namespace gatehouse {

class AnthropicPassthrough;

// /v1/messages and /v1/messages/count_tokens
bool isMessagesPath(QByteArrayView path);

// Rewrites request (body, auth header) in place; the route the Exchange runs, or the error
// (in OpenAI shape, written through the filter in Anthropic's) it answers with. *passthrough gets
// the client's original body, for attempts that land on an anthropic provider (anthropic_passthrough.h).
std::variant<Endpoint, ApiError> prepareMessagesRequest(HttpRequest& request, ResponseWriter& writer,
                                                        std::shared_ptr<AnthropicPassthrough>* passthrough);

} // namespace gatehouse
