#pragma once
// Load shedding: when settings.maxConcurrentRequests exchanges are already in flight, a new /v1/
// request is answered at once with 503, Retry-After and an OpenAI-shaped error of type "overloaded",
// instead of being queued without bound. The answer costs no upstream call and makes no record
// (writing one per rejection would add load exactly when there is too much); /metrics counts them.
// Anthropic-format clients (/v1/messages) get Anthropic's error shape, type "overloaded_error".

#include "http/response_writer.h"

namespace gatehouse {

struct PipelineContext;

// True when the request was answered (overloaded) and must not be served.
enum class ErrorShape { OpenAi, Anthropic };
bool shedIfOverloaded(PipelineContext& ctx, const ResponseWriterPtr& writer, ErrorShape shape = ErrorShape::OpenAi);

} // namespace gatehouse
