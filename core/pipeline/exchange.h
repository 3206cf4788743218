#pragma once
// One client request on its way through the pipeline: read the client's options and body, resolve
// the routing config, let the RouteWalker pick targets (retries, fallbacks, loadbalance), run each
// attempt against its provider, relay the answer (streamed as it arrives, or whole), and leave a
// record. Lives on its gateway thread until its answer is finished or the client is gone; then it
// records itself and is deleted from the event loop.

#include "cache/cache_embedder.h"
#include "cache/request_cache.h"
#include "http/request_handler.h"
#include "observability/request_record.h"
#include "pipeline/sse_event_framer.h"
#include "pipeline/api_error.h"
#include "pipeline/client_options.h"
#include "pipeline/pipeline_context.h"
#include "providers/endpoint.h"
#include "providers/provider.h"
#include "routing/route_walker.h"
#include "upstream/transport.h"

#include <nlohmann/json.hpp>

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <variant>

namespace gatehouse {

class AnthropicPassthrough;
class Provider;
class StreamMapper;
struct Usage;

class Exchange : public QObject, public TransferObserver, public AttemptRunner {
    Q_OBJECT
public:
    // route: the endpoint the path names, or the error that answers it (unknown path, wrong method)
    Exchange(PipelineContext& ctx, HttpRequest&& request, ResponseWriterPtr writer, const ClientInfo& client,
             std::variant<Endpoint, ApiError> route);
    ~Exchange() override;

    void start();
    // /v1/messages: the client's Anthropic body, passed through to anthropic targets.
    void setAnthropicPassthrough(std::shared_ptr<AnthropicPassthrough> p) { passthrough_ = std::move(p); }

    // TransferObserver: the current attempt's upstream answer
    void onUpstreamHead(int status, HeaderList&& headers) override;
    void onUpstreamData(QByteArrayView data) override;
    void onUpstreamDone(const TransferResult& result) override;

    // AttemptRunner: what the route walker asks of the request
    void runAttempt(const LeafPlan& plan, std::function<void(AttemptResult)> done) override;
    void schedule(int delayMs, std::function<void()> fn) override;
    double random01() override { return ctx_.random01(); }
    qint64 nowMsUtc() override;
    void skippedTarget(const LeafPlan& plan, const ApiError& why) override;

private:
    void run();
    std::optional<ApiError> readBody();
    std::variant<std::shared_ptr<const RoutingConfig>, ApiError> resolveConfig();
    std::optional<ApiError> startAttempt(const LeafPlan& plan);
    void startUpstream(UpstreamRequest&& request);
    void onEmbedding(CacheEmbedder::Result r, double startMs);
    void searchCache();   // the semantic lookup, then the hit or the upstream call
    void finishAttempt(AttemptResult result);
    void commitStreamHead();
    void onRouteDone(RouteOutcome outcome);
    void onAttemptTimeout(int status, const QString& message);
    void onDeadline();
    void fail(const ApiError& error);
    void failStream(const ApiError& error);
    void onClientAbort();
    void cancelTransfer();
    void cutAttempt(int status, const QString& why);   // cancelTransfer(), logging a call in progress
    void complete();
    HeaderList responseHeaders(const HeaderList* upstream, const QString& path, int retryCount) const;
    ApiError transportError(const TransferResult& result) const;
    void captureResponse(QByteArrayView data);
    ResponseContext responseContext() const;
    void recordUsage(const Usage& usage);
    std::optional<double> catalogCost(const Usage& usage) const;   // nullopt: model or price unknown
    void serveCached(const CachedAnswer& answer);
    void logAttempt(int status, const QString& error);
    double elapsedMs() const { return double(clock_.nsecsElapsed()) / 1e6; }

    PipelineContext& ctx_;
    HttpRequest request_;
    ResponseWriterPtr writer_;
    std::variant<Endpoint, ApiError> route_;
    Endpoint endpoint_ = Endpoint::ChatCompletions;
    ClientOptions options_;
    nlohmann::json body_;
    nlohmann::json keyOptions_;   // this attempt's virtual key fields (ProviderCall::keyOptions)
    bool bodyParsed_ = false;      // the request body is valid JSON (decides how it is redacted)
    std::shared_ptr<const RoutingConfig> config_;
    std::shared_ptr<AnthropicPassthrough> passthrough_;   // null unless /v1/messages
    KeySnapshotPtr keys_;          // the virtual keys this request resolves against
    std::unique_ptr<RouteWalker> walker_;
    QByteArray configWarnings_;
    bool committed_ = false;       // the client has (the start of) its answer
    bool done_ = false;

    // the attempt in progress
    LeafPlan plan_;
    std::function<void(AttemptResult)> attemptDone_;
    const Provider* provider_ = nullptr;
    Transport* transport_ = nullptr;
    TransferId transfer_ = 0;
    bool transferActive_ = false;
    std::unique_ptr<StreamMapper> streamMapper_;   // provider stream -> OpenAI SSE; null = passthrough
    bool streaming_ = false;
    bool strictOpenAiCompliance_ = true;   // this attempt's
    std::string attemptModel_;             // this attempt's model (override_params may change it)
    bool paused_ = false;          // upstream reads paused while a slow client catches up
    double attemptStartMs_ = 0;
    int upstreamStatus_ = 0;
    HeaderList upstreamHeaders_;
    QByteArray upstreamBody_;      // whole answer when not streaming
    SseEventFramer framer_;        // relays a stream's complete events only
    QByteArray streamTail_;        // end of a stream, where the usage chunk is
    QTimer attemptTimer_;          // request_timeout: attempt start -> response headers
    QTimer firstTokenTimer_;       // first_token_timeout: headers -> first body byte of a stream
    QTimer deadlineTimer_;         // total_timeout: the whole request

    RequestCache cache_;           // this attempt's cache lookup and store
    CacheEmbedder embedder_;       // semantic cache: the embedding target's call, beside the request
    UpstreamRequest pendingUpstream_;   // the attempt's provider call, while the embedding is fetched

    QElapsedTimer clock_;
    RequestRecord record_;
};

} // namespace gatehouse
