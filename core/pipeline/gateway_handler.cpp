#include "pipeline/gateway_handler.h"

#include "cache/response_cache.h"
#include "observability/gateway_metrics.h"
#include "pipeline/api_error.h"
#include "pipeline/catalog_models_route.h"
#include "pipeline/exchange.h"
#include "pipeline/messages_route.h"
#include "pipeline/overload_shedding.h"
#include "routing/circuit_breaker.h"

#include <nlohmann/json.hpp>

namespace gatehouse {

namespace {

struct Route {
    const char* path;
    const char* method;
    Endpoint endpoint;
};

constexpr Route kRoutes[] = {
    {"/v1/chat/completions", "POST", Endpoint::ChatCompletions},
    {"/v1/completions", "POST", Endpoint::Completions},
    {"/v1/embeddings", "POST", Endpoint::Embeddings},
    {"/v1/models", "GET", Endpoint::Models},
};

std::variant<Endpoint, ApiError> resolveRoute(const HttpRequest& r)
{
    QByteArray path = r.path;
    if (path.size() > 1 && path.endsWith('/'))
        path.chop(1);
    for (const Route& route : kRoutes) {
        if (path == route.path) {
            if (r.method == route.method)
                return route.endpoint;
            return ApiError::methodNotAllowed(QStringLiteral("%1 %2 is not supported; use %3.")
                                                  .arg(QString::fromLatin1(r.method), QString::fromUtf8(path), QLatin1String(route.method)));
        }
    }
    return ApiError::notFound(QStringLiteral("Unknown route %1 %2. The gateway serves POST /v1/chat/completions, "
                                             "POST /v1/completions, POST /v1/embeddings, POST /v1/messages, POST /v1/messages/count_tokens and GET /v1/models.")
                                  .arg(QString::fromLatin1(r.method), QString::fromUtf8(r.path.left(200))));
}

HeaderList jsonHeaders()
{
    return {{QByteArrayLiteral("content-type"), QByteArrayLiteral("application/json")}};
}

} // namespace

void GatewayHandler::handle(HttpRequest&& request, const ResponseWriterPtr& writer, const ClientInfo& client)
{
    if (request.path.startsWith("/v1/")) {
        if (shedIfOverloaded(ctx_, writer, isMessagesPath(request.path) ? ErrorShape::Anthropic : ErrorShape::OpenAi))
            return;
        std::shared_ptr<AnthropicPassthrough> passthrough;
        auto route = isMessagesPath(request.path) ? prepareMessagesRequest(request, *writer, &passthrough) : resolveRoute(request);
        if (const auto* e = std::get_if<Endpoint>(&route); e && *e == Endpoint::Models) {
            if (const auto answer = catalogModelsAnswer(request, ctx_)) {
                HeaderList h = jsonHeaders();
                h.emplace_back(QByteArrayLiteral("x-gatehouse-models-source"), QByteArrayLiteral("catalog"));
                writer->sendFull(answer->status, h, answer->body);
                return;
            }
        }
        auto* exchange = new Exchange(ctx_, std::move(request), writer, client, std::move(route));
        exchange->setAnthropicPassthrough(std::move(passthrough));
        exchange->start();
        return;
    }
    const bool getOrHead = request.method == "GET" || request.method == "HEAD";   // HEAD: same head, no body
    if (request.path == "/health" && getOrHead) {
        const nlohmann::json j = {{"status", draining_ ? "draining" : "ok"},
                                  {"version", GATEHOUSE_VERSION},
                                  {"uptime_s", ctx_.uptime.elapsed() / 1000},
                                  {"in_flight", ctx_.inFlight},
                                  {"connections", ctx_.clientConnections},
                                  {"circuits_open", openCircuits()}};
        writer->sendFull(draining_ ? 503 : 200, jsonHeaders(), QByteArray::fromStdString(j.dump()));
        return;
    }
    if (request.path == "/metrics" && getOrHead) {
        static const HeaderList kHeaders{{QByteArrayLiteral("content-type"), QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8")}};
        const std::vector<CircuitStatus> circuits = ctx_.breakers ? ctx_.breakers->statuses() : std::vector<CircuitStatus>{};
        const std::optional<CacheGauges> cache = ctx_.cache ? std::optional(ctx_.cache->gauges()) : std::nullopt;
        const LiveGauges live{ctx_.inFlight, ctx_.clientConnections, ctx_.uptime.elapsed() / 1000.0};
        writer->sendFull(200, kHeaders, ctx_.metrics ? ctx_.metrics->render(live, circuits, cache ? &*cache : nullptr) : QByteArray());
        return;
    }
    if (request.path == "/" && getOrHead) {
        writer->sendFull(200, {{QByteArrayLiteral("content-type"), QByteArrayLiteral("text/plain; charset=utf-8")}},
                         QByteArrayLiteral("Gatehouse gateway is running. OpenAI-compatible API at /v1\n"));
        return;
    }
    const auto route = resolveRoute(request);
    const ApiError& err = std::get<ApiError>(route);
    writer->sendFull(err.status, jsonHeaders(), err.toJson());
}

int GatewayHandler::openCircuits() const
{
    int open = 0;
    if (ctx_.breakers) {
        for (const CircuitStatus& c : ctx_.breakers->statuses())
            open += c.state == CircuitState::Open ? 1 : 0;
    }
    return open;
}

} // namespace gatehouse
