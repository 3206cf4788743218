#include "pipeline/overload_shedding.h"

#include "observability/gateway_metrics.h"
#include "pipeline/api_error.h"
#include "pipeline/pipeline_context.h"

#include <nlohmann/json.hpp>

namespace gatehouse {

namespace {

// In-flight requests are mostly model calls of seconds; one second lets a client's retry find room
// without hammering a gateway that is still full.
constexpr int kRetryAfterSeconds = 1;

} // namespace

bool shedIfOverloaded(PipelineContext& ctx, const ResponseWriterPtr& writer, ErrorShape shape)
{
    if (ctx.inFlight < ctx.settings.maxConcurrentRequests)
        return false;
    ApiError e;
    e.status = 503;
    e.type = QStringLiteral("overloaded");
    e.code = QStringLiteral("gateway_overloaded");
    e.message = QStringLiteral("The gateway is serving its limit of %1 concurrent requests (--max-concurrent-requests); "
                               "retry after %2 s.").arg(ctx.settings.maxConcurrentRequests).arg(kRetryAfterSeconds);
    if (ctx.metrics)
        ctx.metrics->observeOverloadRejection();
    const QByteArray body = shape == ErrorShape::Anthropic
        ? QByteArray::fromStdString(nlohmann::json{{"type", "error"}, {"error", {{"type", "overloaded_error"}, {"message", e.message.toStdString()}}}}.dump())
        : e.toJson();
    writer->sendFull(e.status,
                     {{QByteArrayLiteral("content-type"), QByteArrayLiteral("application/json")},
                      {QByteArrayLiteral("retry-after"), QByteArray::number(kRetryAfterSeconds)}},
                     body);
    return true;
}

} // namespace gatehouse
