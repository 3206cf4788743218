#include "pipeline/exchange.h"

#include "catalog/model_catalog.h"
#include "catalog/request_cost.h"
#include "keys/key_rate_limiter.h"
#include "keys/key_resolution.h"
#include "keys/key_spend_ledger.h"
#include "observability/gateway_metrics.h"
#include "observability/record_batcher.h"
#include "observability/redaction.h"
#include "observability/request_params.h"
#include "observability/usage.h"
#include "pipeline/anthropic_passthrough.h"
#include "pipeline/gateway_access.h"
#include "pipeline/id_generator.h"
#include "providers/json_fields.h"
#include "providers/openai_request.h"
#include "providers/provider_registry.h"
#include "routing/config_set.h"

#include <QDateTime>
#include <algorithm>
#include <QUrl>

namespace gatehouse {

namespace {

constexpr qsizetype kMaxBufferedResponse = 256 * 1024 * 1024;   // a whole (non-streamed) answer
constexpr qsizetype kStreamTailBytes = 16 * 1024;
constexpr qint64 kHighWaterBytes = 1024 * 1024;   // client output buffered before the upstream is paused

bool isHopByHop(const QByteArray& name)
{
    static const char* const kNames[] = {"connection", "keep-alive", "proxy-connection", "transfer-encoding",
                                         "content-length", "te", "trailer", "upgrade", "proxy-authenticate"};
    for (const char* n : kNames) {
        if (name == n)
            return true;
    }
    return false;
}

bool isJsonMediaType(QByteArrayView contentType)
{
    const qsizetype semi = contentType.indexOf(';');
    const QByteArray media = contentType.first(semi < 0 ? contentType.size() : semi).toByteArray().trimmed().toLower();
    return media == "application/json";
}

QString jsonErrorMessage(const QByteArray& body)
{
    const auto j = nlohmann::json::parse(body.constBegin(), body.constEnd(), nullptr, false);
    if (j.is_object()) {
        const auto e = j.find("error");
        if (e != j.end() && e->is_object() && e->contains("message") && (*e)["message"].is_string())
            return QString::fromStdString((*e)["message"].get<std::string>());
        if (e != j.end() && e->is_string())
            return QString::fromStdString(e->get<std::string>());
        if (j.contains("message") && j["message"].is_string())
            return QString::fromStdString(j["message"].get<std::string>());
    }
    return {};
}

// A config that names no provider anywhere: the request's x-portkey-provider and Authorization apply.
std::shared_ptr<const RoutingConfig> headerOnlyConfig()
{
    static const auto config = std::make_shared<const RoutingConfig>();
    return config;
}

void setContentType(HeaderList& headers, const QByteArray& value)
{
    for (auto& h : headers) {
        if (h.first == "content-type") {
            h.second = value;
            return;
        }
    }
    headers.emplace_back(QByteArrayLiteral("content-type"), value);
}

} // namespace

Exchange::Exchange(PipelineContext& ctx, HttpRequest&& request, ResponseWriterPtr writer, const ClientInfo& client,
                   std::variant<Endpoint, ApiError> route)
    : ctx_(ctx)
    , request_(std::move(request))
    , writer_(std::move(writer))
    , route_(std::move(route))
    , attemptTimer_(this)
    , firstTokenTimer_(this)
    , deadlineTimer_(this)
{
    clock_.start();
    ++ctx_.inFlight;
    record_.receivedAt = QDateTime::currentDateTimeUtc();   // UTC: no time-zone lookup per request
    record_.requestId = QString::fromLatin1(ctx_.ids->requestId());
    record_.method = QString::fromLatin1(request_.method);
    record_.path = QString::fromUtf8(request_.path);
    record_.clientAddress = client.address;
    record_.userAgent = QString::fromUtf8(request_.header("user-agent").toByteArray()).left(256);
    record_.requestBytes = request_.body.size();
    for (QTimer* t : {&attemptTimer_, &firstTokenTimer_, &deadlineTimer_}) {
        t->setSingleShot(true);
        t->setTimerType(Qt::PreciseTimer);
    }
}

Exchange::~Exchange()
{
    if (transferActive_)
        transport_->cancel(transfer_);
}

qint64 Exchange::nowMsUtc()
{
    return QDateTime::currentMSecsSinceEpoch();
}

void Exchange::start()
{
    // Nothing a client sends may take the gateway down: an unexpected exception answers this
    // request with a 500 instead of escaping into the event loop.
    try {
        run();
    } catch (const std::exception& e) {
        if (walker_)
            walker_->abandon();
        cancelTransfer();
        fail(ApiError::internal(QStringLiteral("Internal error while handling the request: %1").arg(QString::fromUtf8(e.what()))));
    }
}

void Exchange::run()
{
    writer_->setOnAbort([this] { onClientAbort(); });
    writer_->setOnDrained([this] {
        if (paused_ && transferActive_) {
            paused_ = false;
            transport_->setPaused(transfer_, false);
        }
    });

    auto parsed = parseClientOptions(request_);
    if (auto* o = std::get_if<ClientOptions>(&parsed)) {
        options_ = std::move(*o);
        record_.metadata = options_.metadata;
        record_.spanId = options_.spanId;
        record_.parentSpanId = options_.parentSpanId;
        record_.spanName = options_.spanName;
        record_.traceparent = options_.traceparent;
    } else {
        // Even a request with a bad header gets its trace id and provider echoed, so the client can
        // match the error to its call.
        options_.traceId = QString::fromUtf8(request_.header("x-portkey-trace-id").toByteArray()).trimmed().left(256);
        provider_ = ctx_.providers->find(QString::fromUtf8(request_.header("x-portkey-provider").toByteArray()).trimmed());
        if (provider_)
            record_.provider = provider_->id();
    }
    record_.traceId = options_.traceId.isEmpty() ? QString::fromLatin1(ctx_.ids->traceId()) : options_.traceId;

    if (auto err = checkGatewayApiKey(ctx_.settings, request_))
        return fail(*err);
    keys_ = ctx_.keys;   // rotations after this point apply to the next request, not this one
    if (auto* err = std::get_if<ApiError>(&route_))
        return fail(*err);
    endpoint_ = std::get<Endpoint>(route_);
    if (auto* err = std::get_if<ApiError>(&parsed))
        return fail(*err);
    if (auto err = readBody())
        return fail(*err);
    auto config = resolveConfig();
    if (auto* err = std::get_if<ApiError>(&config))
        return fail(*err);
    config_ = std::get<std::shared_ptr<const RoutingConfig>>(config);
    record_.configId = QString::fromStdString(config_->sourceId);
    record_.configVersion = config_->sourceId.empty() ? 0 : config_->version;
    for (const ConfigIssue& w : config_->warnings) {
        if (!configWarnings_.isEmpty())
            configWarnings_ += "; ";
        configWarnings_ += QByteArray::fromStdString(formatConfigIssue(w));
    }
    if (config_->root.totalTimeoutMs) {
        connect(&deadlineTimer_, &QTimer::timeout, this, &Exchange::onDeadline);
        deadlineTimer_.start(*config_->root.totalTimeoutMs);
    }

    RoutingContext routing;
    routing.metadata = &options_.metadata;
    routing.params = &body_;
    routing.urlPath = request_.path.toStdString();
    walker_ = std::make_unique<RouteWalker>(config_, std::move(routing), *this, ctx_.breakers);
    walker_->start([this](RouteOutcome o) { onRouteDone(std::move(o)); });
}

std::optional<ApiError> Exchange::readBody()
{
    if (request_.method != "POST")
        return std::nullopt;
    // A JSON body is accepted whatever its label (curl -d sends form-urlencoded); a label only
    // explains the error when the body is not JSON.
    body_ = nlohmann::json::parse(request_.body.constBegin(), request_.body.constEnd(), nullptr, false);
    if (body_.is_discarded()) {
        body_ = nullptr;
        const QByteArrayView contentType = request_.header("content-type");
        if (!contentType.isEmpty() && !isJsonMediaType(contentType)) {
            return ApiError{415, QStringLiteral("The request body must be JSON with Content-Type: application/json (got '%1').")
                                     .arg(QString::fromUtf8(contentType.toByteArray()).left(100)),
                            QStringLiteral("invalid_request_error"), QStringLiteral("unsupported_media_type"),
                            QStringLiteral("content-type")};
        }
        return ApiError::badRequest(request_.body.isEmpty() ? QStringLiteral("The request body is empty; a JSON object is required.")
                                                            : QStringLiteral("The request body is not valid JSON."),
                                    QStringLiteral("invalid_json"));
    }
    bodyParsed_ = true;
    if (!body_.is_object())
        return ApiError::badRequest(QStringLiteral("The request body must be a JSON object."), QStringLiteral("invalid_json"));
    if (auto e = openai::nestingError(body_, json_fields::kMaxBodyDepth))
        return e;
    if (const auto m = body_.find("model"); m != body_.end()) {
        if (!m->is_string())
            return ApiError::badRequest(QStringLiteral("'model' must be a string."), QStringLiteral("invalid_type"), QStringLiteral("model"));
        record_.model = QString::fromStdString(m->get<std::string>());
    }
    if (const auto s = body_.find("stream"); s != body_.end() && !s->is_null()) {
        if (!s->is_boolean())
            return ApiError::badRequest(QStringLiteral("'stream' must be true or false."), QStringLiteral("invalid_type"), QStringLiteral("stream"));
        record_.stream = s->get<bool>();
    }
    readRequestParams(body_, record_);
    return std::nullopt;
}

std::variant<std::shared_ptr<const RoutingConfig>, ApiError> Exchange::resolveConfig()
{
    if (options_.config.isEmpty()) {
        if (ctx_.configs && !ctx_.configs->defaultId.empty()) {
            if (const SavedConfig* c = ctx_.configs->find(ctx_.configs->defaultId))
                return c->config;
        }
        return headerOnlyConfig();
    }
    if (!options_.config.startsWith('{')) {
        const std::string id = options_.config.toStdString();
        if (const SavedConfig* c = ctx_.configs ? ctx_.configs->find(id) : nullptr)
            return c->config;   // this request keeps this version even if the set is swapped meanwhile
        const QStringList known = ctx_.configs ? ctx_.configs->ids() : QStringList();
        return ApiError::badRequest(QStringLiteral("Saved config '%1' was not found. %2")
                                        .arg(QString::fromUtf8(options_.config.left(80)),
                                             known.isEmpty() ? QStringLiteral("No configs are loaded (start with --configs DIR).")
                                                             : QStringLiteral("Known configs: %1.").arg(known.join(QStringLiteral(", ")))),
                                    QStringLiteral("config_not_found"), QStringLiteral("x-portkey-config"));
    }
    const auto registry = ctx_.providers;
    const auto known = [registry](const std::string& id) { return registry->find(QString::fromStdString(id)) != nullptr; };
    ConfigParseResult parsed = parseRoutingConfig(QByteArrayView(options_.config), known);
    if (!parsed.config) {
        QStringList problems;
        for (const ConfigIssue& e : parsed.errors)
            problems << QString::fromStdString(formatConfigIssue(e));
        return ApiError::badRequest(QStringLiteral("Invalid config in x-portkey-config: %1").arg(problems.join(QStringLiteral("; "))),
                                    QStringLiteral("invalid_config"), QStringLiteral("x-portkey-config"));
    }
    return parsed.config;
}

void Exchange::runAttempt(const LeafPlan& plan, std::function<void(AttemptResult)> done)
{
    if (done_)
        return;
    plan_ = plan;
    attemptDone_ = std::move(done);
    if (auto err = startAttempt(plan_)) {
        logAttempt(err->status, err->message);
        AttemptResult r;
        r.status = err->status;
        r.body = err->toJson();
        if (err->retryAfterSeconds > 0)
            r.headers.emplace_back(QByteArrayLiteral("retry-after"), QByteArray::number(err->retryAfterSeconds));
        r.error = std::move(*err);
        finishAttempt(std::move(r));
    }
}

std::optional<ApiError> Exchange::startAttempt(const LeafPlan& plan)
{
    const TargetNode& node = *plan.node;
    // Only a config that names no provider falls back on the request's own provider and key.
    const bool fromHeaders = !node.provider && !node.virtualKey && &node == &config_->root;
    QString providerId = fromHeaders ? options_.provider : QString::fromStdString(node.provider.value_or(""));
    QString apiKey = fromHeaders ? options_.apiKey : QString::fromStdString(node.apiKey.value_or(""));
    const QString virtualKey = node.virtualKey ? QString::fromStdString(*node.virtualKey) : options_.virtualKey;
    QByteArray keyHost;

    attemptStartMs_ = elapsedMs();
    upstreamStatus_ = 0;
    upstreamHeaders_.clear();
    upstreamBody_.clear();
    streamMapper_.reset();
    streaming_ = false;
    provider_ = nullptr;

    if (!virtualKey.isEmpty()) {
        auto resolved = resolveVirtualKey(keys_.get(), virtualKey);
        if (auto* err = std::get_if<ApiError>(&resolved))
            return *err;
        const ResolvedKey& key = *std::get<const ResolvedKey*>(resolved);
        // The key decides provider, secret and host: a client may not send its secret elsewhere.
        if (!options_.customHost.isEmpty() || plan.settings.customHost) {
            return ApiError::badRequest(QStringLiteral("A custom host cannot be combined with virtual key '%1': its secret only goes to the "
                                                       "host stored with the key.").arg(key.key.slug),
                                        QStringLiteral("custom_host_with_virtual_key"),
                                        options_.customHost.isEmpty() ? QStringLiteral("custom_host") : QStringLiteral("x-portkey-custom-host"));
        }
        record_.virtualKey = key.key.slug;
        if (ctx_.keySpend) {   // before the rate check, so a refused call takes no room in the rate window
            if (auto over = ctx_.keySpend->admit(key.key.slug, key.key.limits))
                return *over;
        }
        if (ctx_.keyLimiter) {
            if (auto limited = ctx_.keyLimiter->admit(key.key.slug, key.key.limits))
                return *limited;
        }
        providerId = key.key.provider;
        apiKey = key.secret;
        keyHost = key.key.customHost.toUtf8();
        keyOptions_ = virtualKeyProviderOptions(key.key);
    } else {
        keyOptions_ = nullptr;
    }
    auto valid = [this] { return ctx_.providers->ids().join(QStringLiteral(", ")); };
    if (providerId.isEmpty()) {
        return ApiError::badRequest(QStringLiteral("No provider given: send the x-portkey-provider header (or x-portkey-config). "
                                                   "Valid providers: %1.").arg(valid()),
                                    QStringLiteral("missing_provider"), QStringLiteral("x-portkey-provider"));
    }
    provider_ = ctx_.providers->find(providerId);
    if (!provider_) {
        return ApiError::badRequest(QStringLiteral("Unknown provider '%1'. Valid providers: %2.").arg(providerId.left(64), valid()),
                                    QStringLiteral("invalid_provider"), QStringLiteral("x-portkey-provider"));
    }
    record_.provider = provider_->id();
    if (!provider_->supports(endpoint_)) {
        return ApiError::badRequest(QStringLiteral("Provider '%1' does not support %2.").arg(provider_->id(), record_.path),
                                    QStringLiteral("unsupported_endpoint"));
    }

    if (passthrough_)   // /v1/messages on an anthropic target: the client's own body, answer untouched
        provider_ = passthrough_->route(provider_);
    const bool relay = passthrough_ && passthrough_->active();
    const nlohmann::json& source = relay ? passthrough_->body() : body_;

    // override_params: merged into the body for this target only.
    QByteArray overridden;
    nlohmann::json overriddenJson;
    const bool override = source.is_object() && !plan.settings.overrideParams.empty();
    if (override) {
        overriddenJson = source;
        for (const auto& [key, value] : plan.settings.overrideParams.items())
            overriddenJson[key] = value;
        overridden = QByteArray::fromStdString(overriddenJson.dump());
    }

    ProviderCall call;
    call.endpoint = endpoint_;
    call.method = request_.method;
    call.body = override ? &overridden : relay ? &passthrough_->rawBody() : &request_.body;
    call.bodyJson = override ? &overriddenJson : (source.is_object() ? &source : nullptr);
    call.apiKey = apiKey;
    call.customHost = !keyHost.isEmpty()                ? keyHost
                      : !options_.customHost.isEmpty() ? options_.customHost
                                                       : QByteArray::fromStdString(plan.settings.customHost.value_or(""));
    call.query = request_.query;
    call.metadata = &options_.metadata;
    call.clientHeaders = &request_.headers;
    call.providerOptions = &node.providerOptions;
    call.keyOptions = keyOptions_.is_object() ? &keyOptions_ : nullptr;
    call.strictOpenAiCompliance = options_.strictOpenAiCompliance && plan.settings.strictOpenAiCompliance.value_or(true);
    strictOpenAiCompliance_ = call.strictOpenAiCompliance;
    attemptModel_ = call.bodyJson && call.bodyJson->contains("model") && (*call.bodyJson)["model"].is_string()
        ? (*call.bodyJson)["model"].get<std::string>() : std::string();
    std::vector<QByteArray> forward = options_.forwardHeaders;
    if (forward.empty() && plan.settings.forwardHeaders) {
        for (const std::string& name : *plan.settings.forwardHeaders)
            forward.push_back(QByteArray::fromStdString(name).toLower());
    }
    for (const QByteArray& name : forward) {
        for (const auto& h : request_.headers) {
            if (h.first == name)
                call.extraHeaders.push_back(h);
        }
    }
    // OpenAI account headers, in their plain and x-portkey- forms.
    for (const char* name : {"openai-organization", "openai-project", "openai-beta"}) {
        QByteArrayView v = request_.header(QByteArray("x-portkey-") + name);
        if (v.isEmpty())
            v = request_.header(name);
        if (!v.isEmpty())
            call.extraHeaders.emplace_back(QByteArray(name), v.toByteArray());
    }

    auto built = provider_->buildRequest(call);
    if (auto* err = std::get_if<ApiError>(&built))
        return *err;
    // Relayed Anthropic answers are cached apart from translated ones, non-strict ones from strict ones.
    const QString cacheScope = provider_->id() + (relay ? (passthrough_->countTokens() ? "+count_tokens" : "+messages") : "")
                             + (call.strictOpenAiCompliance ? "" : "+non-strict");
    CacheKeyInput cacheInput;   // embedMessages and embedder: from the cache config, below
    cacheInput.endpoint = endpoint_;
    cacheInput.provider = cacheScope;
    cacheInput.customHost = call.customHost;
    cacheInput.credential = apiKey;
    cacheInput.virtualKey = virtualKey;
    cacheInput.cacheNamespace = options_.cacheNamespace;
    cacheInput.body = call.bodyJson;
    embedder_.prepare(plan.settings.cache, *ctx_.providers, keys_.get(), provider_->id(), apiKey, cacheInput);
    if (const auto hit = cache_.begin(ctx_.cache, plan.settings.cache, options_.cacheForceRefresh, cacheInput, record_.stream)) {
        serveCached(*hit);
        return std::nullopt;
    }
    if (cache_.awaitingEmbedding()) {   // the semantic lookup waits for the embedding target; the thread does not
        pendingUpstream_ = std::move(std::get<UpstreamRequest>(built));
        embedder_.start(cache_.embedText(), ctx_.http, ctx_.mock, ctx_.settings.upstreamConnectTimeoutMs,
                        [this, startMs = elapsedMs()](CacheEmbedder::Result r) { onEmbedding(std::move(r), startMs); });
        return std::nullopt;
    }
    if (cache_.awaitingSearch()) {   // the semantic index answers from its own thread
        pendingUpstream_ = std::move(std::get<UpstreamRequest>(built));
        searchCache();
        return std::nullopt;
    }
    startUpstream(std::move(std::get<UpstreamRequest>(built)));
    return std::nullopt;
}

void Exchange::searchCache()
{
    cache_.search([this](std::shared_ptr<const CachedAnswer> hit) {
        if (done_)
            return;
        if (hit)
            return serveCached(*hit);
        startUpstream(std::move(pendingUpstream_));
    });
}

void Exchange::onEmbedding(CacheEmbedder::Result r, double startMs)
{
    if (done_)
        return;
    record_.attemptLog.push_back(CacheEmbedder::attemptRecord(plan_.path, r, startMs));
    cache_.resume(std::move(r.vector));
    if (cache_.awaitingSearch())
        return searchCache();
    startUpstream(std::move(pendingUpstream_));
}

void Exchange::startUpstream(UpstreamRequest&& request)
{
    framer_.reset();
    const LeafPlan& plan = plan_;
    UpstreamRequest up = std::move(request);
    attemptStartMs_ = elapsedMs();   // after an embedding call, the provider call starts now
    const int timeoutMs = options_.requestTimeoutMs > 0 ? options_.requestTimeoutMs : plan.settings.requestTimeoutMs.value_or(0);
    // The gateway's own timer bounds the wait for the response headers (Portkey's semantics: a
    // stream's body is not cut short); the transport gets no total timeout.
    up.timeoutMs = 0;
    up.connectTimeoutMs = ctx_.settings.upstreamConnectTimeoutMs;
    if (timeoutMs > 0 && timeoutMs < up.connectTimeoutMs)
        up.connectTimeoutMs = timeoutMs;
    if (timeoutMs > 0) {
        attemptTimer_.disconnect();
        connect(&attemptTimer_, &QTimer::timeout, this, [this, timeoutMs] {
            onAttemptTimeout(408, QStringLiteral("Request exceeded the timeout sent in the request: %1ms.").arg(timeoutMs));
        });
        attemptTimer_.start(timeoutMs);
    }
    record_.upstreamUrl = QString::fromUtf8(redactUrl(up.url));
    transport_ = provider_->info().transport == TransportKind::Mock ? ctx_.mock : ctx_.http;
    if (record_.upstreamMs < 0) {
        record_.upstreamMs = 0;
        record_.upstreamStartMs = elapsedMs();
    }
    transferActive_ = true;
    transfer_ = transport_->start(std::move(up), this);
}

void Exchange::recordUsage(const Usage& u)
{
    record_.promptTokens = u.promptTokens;
    record_.completionTokens = u.completionTokens;
    record_.totalTokens = u.totalTokens;
    record_.cachedTokens = u.cachedTokens;
    const auto cost = catalogCost(u);
    record_.priceKnown = cost.has_value();
    record_.costUsd = cost.value_or(-1);
}

std::optional<double> Exchange::catalogCost(const Usage& u) const
{
    const ModelInfo* model = ctx_.models ? ctx_.models->find(provider_->id(), QString::fromStdString(attemptModel_)) : nullptr;
    return requestCostUsd(model, u);
}

ResponseContext Exchange::responseContext() const
{
    ResponseContext c(endpoint_);
    c.model = attemptModel_;
    c.strictOpenAiCompliance = strictOpenAiCompliance_;
    const auto format = body_.is_object() ? body_.find("encoding_format") : body_.end();
    c.base64Embeddings = endpoint_ == Endpoint::Embeddings && format != body_.end() && format->is_string() && *format == "base64";
    return c;
}

void Exchange::serveCached(const CachedAnswer& answer)
{
    // The answer the first client got, with this request's own x-portkey-* headers; no upstream call.
    if (const auto u = findUsage(answer.body)) {
        record_.promptTokens = u->promptTokens;
        record_.completionTokens = u->completionTokens;
        record_.totalTokens = u->totalTokens;
        record_.cachedTokens = u->cachedTokens;
        // Nothing was paid for this answer (no cost); what it would have cost is what the cache saved.
        record_.cacheSavedUsd = catalogCost(*u).value_or(-1);
    }
    committed_ = true;
    const HeaderList stored{{QByteArrayLiteral("content-type"), answer.contentType}};
    const HeaderList headers = responseHeaders(&stored, QString::fromStdString(plan_.path), 0);
    if (answer.stream) {
        writer_->sendHead(answer.status, headers, ResponseWriter::kChunked);
        captureResponse(answer.body);
        if (record_.responseBodyTruncated)
            record_.responseTail = answer.body.right(kStreamTailBytes);
        writer_->sendBody(answer.body);   // may abort the exchange if the client is gone
        writer_->finish();
    } else {
        record_.responseBody = redactBody(answer.body, ctx_.settings.recordBodyCapBytes, &record_.responseBodyTruncated);
        writer_->sendFull(answer.status, headers, answer.body);
    }
    finishAttempt(AttemptResult{answer.status, true, {}, {}, std::nullopt});
}

void Exchange::finishAttempt(AttemptResult result)
{
    attemptTimer_.stop();
    firstTokenTimer_.stop();
    if (!attemptDone_)
        return;
    auto done = std::move(attemptDone_);
    attemptDone_ = nullptr;
    done(std::move(result));
}

void Exchange::logAttempt(int status, const QString& error)
{
    AttemptRecord a;
    a.path = QString::fromStdString(plan_.path);
    a.provider = provider_ ? provider_->id() : QString();
    a.status = status;
    a.startMs = attemptStartMs_;
    a.latencyMs = elapsedMs() - attemptStartMs_;
    a.error = error.left(500);
    record_.attemptLog.push_back(std::move(a));
}

void Exchange::skippedTarget(const LeafPlan& plan, const ApiError& why)
{
    AttemptRecord a;
    a.path = QString::fromStdString(plan.path);
    a.provider = QString::fromStdString(plan.node->provider.value_or(""));
    a.status = why.status;
    a.startMs = elapsedMs();
    a.latencyMs = 0;   // no call was made
    a.error = why.message.left(500);
    record_.attemptLog.push_back(std::move(a));
}

void Exchange::schedule(int delayMs, std::function<void()> fn)
{
    QTimer::singleShot(delayMs, Qt::PreciseTimer, this, [this, fn = std::move(fn)] {
        if (!done_)
            fn();
    });
}

void Exchange::onUpstreamHead(int status, HeaderList&& headers)
{
    attemptTimer_.stop();   // request_timeout covers the wait for the headers
    upstreamStatus_ = status;
    upstreamHeaders_ = std::move(headers);
    if (record_.firstByteMs < 0 || !committed_)
        record_.firstByteMs = elapsedMs();
    const bool ok = status >= 200 && status < 300;
    if (ok && record_.stream)
        streamMapper_ = provider_->makeStreamMapper(responseContext());
    const bool sse = findHeader(upstreamHeaders_, "content-type").startsWith("text/event-stream");
    streaming_ = ok && (sse || streamMapper_);
    if (streaming_) {
        // The client sees nothing until the first byte of the body: a stream that fails before
        // it can still be retried or fall back.
        if (streamMapper_)
            setContentType(upstreamHeaders_, QByteArrayLiteral("text/event-stream"));
        if (const auto ms = plan_.settings.firstTokenTimeoutMs) {
            firstTokenTimer_.disconnect();
            connect(&firstTokenTimer_, &QTimer::timeout, this, [this, ms] {
                onAttemptTimeout(504, QStringLiteral("No streamed data within the first_token_timeout of %1ms.").arg(*ms));
            });
            firstTokenTimer_.start(*ms);
        }
    }
}

void Exchange::commitStreamHead()
{
    committed_ = true;
    firstTokenTimer_.stop();
    writer_->sendHead(upstreamStatus_, responseHeaders(&upstreamHeaders_, QString::fromStdString(plan_.path), plan_.retryIndex),
                      ResponseWriter::kChunked);
}

void Exchange::onUpstreamData(QByteArrayView data)
{
    if (done_)
        return;
    if (streaming_) {
        QByteArray mapped;
        if (streamMapper_) {
            mapped = streamMapper_->map(data);
            data = mapped;
        }
        data = framer_.push(data);   // whole events only: a cut-off stream never shows half of one
        if (data.isEmpty())
            return;
        if (!committed_) {
            commitStreamHead();
            record_.firstTokenMs = elapsedMs();
        }
        captureResponse(data);
        writer_->sendBody(data);   // may abort the exchange if the client is gone
        if (!done_ && !paused_ && writer_->pendingBytes() > kHighWaterBytes) {
            // A slow reader: stop reading upstream until its socket drains (bounded memory).
            paused_ = true;
            transport_->setPaused(transfer_, true);
        }
        return;
    }
    if (upstreamBody_.size() + data.size() > kMaxBufferedResponse) {
        cancelTransfer();
        const ApiError e = ApiError::badGateway(QStringLiteral("The answer from '%1' exceeds %2 MiB.").arg(provider_->id()).arg(kMaxBufferedResponse >> 20),
                                                QStringLiteral("upstream_response_too_large"));
        logAttempt(e.status, e.message);
        finishAttempt(AttemptResult{e.status, false, {}, e.toJson(), e});
        return;
    }
    upstreamBody_.append(data);
}

void Exchange::captureResponse(QByteArrayView data)
{
    const qsizetype cap = ctx_.settings.recordBodyCapBytes;
    if (record_.responseBody.size() < cap)
        record_.responseBody.append(data.first(std::min<qsizetype>(data.size(), cap - record_.responseBody.size())));
    else
        record_.responseBodyTruncated = true;
    cache_.onStreamData(data);
    streamTail_.append(data);
    if (streamTail_.size() > 2 * kStreamTailBytes)
        streamTail_.remove(0, streamTail_.size() - kStreamTailBytes);
}

void Exchange::onUpstreamDone(const TransferResult& result)
{
    transferActive_ = false;
    if (done_)
        return;
    record_.upstreamMs += elapsedMs() - attemptStartMs_;
    if (result.error != TransferResult::Error::None) {
        const ApiError e = transportError(result);
        logAttempt(committed_ ? upstreamStatus_ : e.status, e.message);
        if (committed_) {
            failStream(e);   // the status line is gone: end the stream with an error event
            return finishAttempt(AttemptResult{upstreamStatus_, true, {}, {}, std::nullopt});
        }
        return finishAttempt(AttemptResult{e.status, false, {}, e.toJson(), e});
    }
    if (streaming_) {
        if (!committed_)
            commitStreamHead();   // an empty stream
        QByteArray rest = framer_.takeRest();   // a last event without its blank line: relayed as sent
        if (streamMapper_)
            rest += streamMapper_->finish();
        if (!rest.isEmpty()) {
            captureResponse(rest);
            writer_->sendBody(rest);
        }
        const auto seen = streamMapper_ ? streamMapper_->observedUsage() : std::nullopt;   // a relayed stream's own count
        if (const auto u = seen ? seen : findUsage(streamTail_))
            recordUsage(*u);
        if (record_.responseBodyTruncated)
            record_.responseTail = streamTail_.right(kStreamTailBytes);
        logAttempt(upstreamStatus_, {});
        cache_.storeStream(upstreamStatus_, findHeader(upstreamHeaders_, "content-type"));
        writer_->finish();
        return finishAttempt(AttemptResult{upstreamStatus_, true, {}, {}, std::nullopt});
    }

    int status = upstreamStatus_;
    QByteArray body = std::move(upstreamBody_);
    provider_->mapResponse(responseContext(), status, body);
    if (status >= 200 && status < 300) {
        if (const auto u = findUsage(body))
            recordUsage(*u);
        logAttempt(status, {});
        committed_ = true;
        record_.responseBody = redactBody(body, ctx_.settings.recordBodyCapBytes, &record_.responseBodyTruncated);
        cache_.storeJson(status, findHeader(upstreamHeaders_, "content-type"), body);
        writer_->sendFull(status, responseHeaders(&upstreamHeaders_, QString::fromStdString(plan_.path), plan_.retryIndex), body);
        return finishAttempt(AttemptResult{status, true, {}, {}, std::nullopt});
    }
    QString message = jsonErrorMessage(body);
    if (message.isEmpty()) {
        // Not an OpenAI-style error: wrap it so clients can always read error.message.
        const QString text = QString::fromUtf8(body.left(300)).simplified();
        message = QStringLiteral("%1 answered HTTP %2%3").arg(provider_->id()).arg(status)
                      .arg(text.isEmpty() ? QString() : QStringLiteral(": ") + text);
        body = ApiError{status, message, QStringLiteral("upstream_error"), QStringLiteral("upstream_error"), {}}.toJson();
        setContentType(upstreamHeaders_, QByteArrayLiteral("application/json"));
    }
    logAttempt(status, message);
    AttemptResult r;
    r.status = status;
    r.headers = std::move(upstreamHeaders_);
    r.body = std::move(body);
    finishAttempt(std::move(r));
}

void Exchange::onAttemptTimeout(int status, const QString& message)
{
    if (done_ || !transferActive_ || committed_)
        return;
    cancelTransfer();
    record_.upstreamMs += elapsedMs() - attemptStartMs_;
    const ApiError e = ApiError::timeout(status, message);
    logAttempt(e.status, e.message);
    finishAttempt(AttemptResult{e.status, false, {}, e.toJson(), e});
}

void Exchange::onDeadline()
{
    if (done_)
        return;
    walker_->abandon();
    const ApiError e = ApiError::timeout(504, QStringLiteral("The request exceeded the config's total_timeout of %1ms.")
                                                  .arg(config_->root.totalTimeoutMs.value_or(0)));
    cutAttempt(e.status, e.message);
    attemptDone_ = nullptr;
    record_.targetPath = QString::fromStdString(plan_.path);
    if (committed_) {
        failStream(e);
        return complete();
    }
    fail(e);
}

ApiError Exchange::transportError(const TransferResult& r) const
{
    const QString who = provider_ ? provider_->id() : QStringLiteral("upstream");
    const QString where = QUrl(record_.upstreamUrl).host();
    switch (r.error) {
    case TransferResult::Error::Timeout:
    case TransferResult::Error::ConnectTimeout:
        if (options_.requestTimeoutMs > 0) {
            return ApiError::timeout(408, QStringLiteral("Request exceeded the timeout sent in the request: %1ms (x-portkey-request-timeout).")
                                              .arg(options_.requestTimeoutMs));
        }
        // A config request_timeout no longer than the connect timeout is the connect timeout too
        // (startUpstream): curl may see it first, but it is the same 408 as the attempt timer's.
        if (const int ms = plan_.settings.requestTimeoutMs.value_or(0); ms > 0 && ms <= ctx_.settings.upstreamConnectTimeoutMs)
            return ApiError::timeout(408, QStringLiteral("Request exceeded the timeout sent in the request: %1ms.").arg(ms));
        return ApiError::timeout(504, QStringLiteral("Timed out %1 %2 at %3.")
                                          .arg(r.error == TransferResult::Error::ConnectTimeout ? QStringLiteral("connecting to") : QStringLiteral("waiting for"), who, where));
    case TransferResult::Error::ConnectFailed:
        return ApiError::badGateway(QStringLiteral("Could not reach %1 at %2: %3").arg(who, where, r.message), QStringLiteral("upstream_unreachable"));
    case TransferResult::Error::Tls:
        return ApiError::badGateway(QStringLiteral("TLS failure talking to %1 at %2: %3").arg(who, where, r.message), QStringLiteral("upstream_tls_error"));
    case TransferResult::Error::Reset:
        return ApiError::badGateway(QStringLiteral("The connection to %1 broke before the answer was complete: %2").arg(who, r.message),
                                    QStringLiteral("upstream_connection_reset"));
    case TransferResult::Error::Other:
    case TransferResult::Error::None:
        break;
    }
    return ApiError::badGateway(QStringLiteral("Request to %1 failed: %2").arg(who, r.message), QStringLiteral("upstream_error"));
}

void Exchange::onRouteDone(RouteOutcome o)
{
    if (done_)
        return;
    deadlineTimer_.stop();
    record_.targetPath = QString::fromStdString(o.path);
    record_.retries = o.retryCount;
    record_.attempts = o.attempts - (cache_.servedAnswer() ? 1 : 0);   // calls made (a cache hit is none); the attempt log also lists targets skipped by an open circuit
    for (const AttemptRecord& a : record_.attemptLog) {
        if (a.path != record_.targetPath && !CacheEmbedder::isEmbeddingAttempt(a))
            record_.fallbackUsed = true;
    }
    if (o.result.committed)
        return complete();

    AttemptResult& r = o.result;
    if (r.error) {
        record_.errorType = r.error->type;
        record_.errorMessage = r.error->message;
    } else {
        record_.errorType = QStringLiteral("upstream_error");
        record_.errorMessage = jsonErrorMessage(r.body).left(1000);
    }
    record_.status = r.status;
    record_.responseBody = redactBody(r.body, ctx_.settings.recordBodyCapBytes, &record_.responseBodyTruncated);
    // provider headers, or the gateway's own Retry-After for a local rate limit
    writer_->sendFull(r.status, responseHeaders(r.headers.empty() ? nullptr : &r.headers, record_.targetPath, o.retryCount), r.body);
    complete();
}

void Exchange::fail(const ApiError& error)
{
    if (done_)
        return;
    record_.status = error.status;
    record_.errorType = error.type;
    record_.errorMessage = error.message;
    const QByteArray body = error.toJson();
    record_.responseBody = body;
    writer_->sendFull(error.status, responseHeaders(nullptr, record_.targetPath, record_.retries), body);
    complete();
}

void Exchange::failStream(const ApiError& error)
{
    record_.errorType = error.type;
    record_.errorMessage = error.message;
    const QByteArray event = "data: " + error.toJson() + "\n\n";
    captureResponse(event);
    writer_->sendStreamError(event);
    writer_->finish();
}

void Exchange::cancelTransfer()
{
    embedder_.cancel();
    if (transferActive_) {
        transport_->cancel(transfer_);
        transferActive_ = false;
    }
    attemptTimer_.stop();
    firstTokenTimer_.stop();
}

void Exchange::cutAttempt(int status, const QString& why)
{
    const bool calling = transferActive_;
    cancelTransfer();
    if (!calling)
        return;
    // The call was made: the record counts it, cut short (a stream keeps the status it had).
    record_.upstreamMs += elapsedMs() - attemptStartMs_;
    logAttempt(committed_ ? upstreamStatus_ : status, why);
}

void Exchange::onClientAbort()
{
    if (done_)
        return;
    if (walker_)
        walker_->abandon();
    cutAttempt(499, QStringLiteral("Cancelled: the client closed the connection."));
    attemptDone_ = nullptr;
    record_.status = 499;   // client closed the request (the nginx convention)
    record_.errorType = QStringLiteral("client_disconnected");
    record_.errorMessage = QStringLiteral("The client closed the connection before the answer was complete.");
    complete();
}

void Exchange::complete()
{
    if (done_)
        return;
    done_ = true;
    deadlineTimer_.stop();
    attemptTimer_.stop();
    firstTokenTimer_.stop();
    if (record_.status == 0)
        record_.status = writer_->status();
    if (record_.attempts == 0)
        record_.attempts = int(std::count_if(record_.attemptLog.begin(), record_.attemptLog.end(),
                                             [](const AttemptRecord& a) { return !CacheEmbedder::isEmbeddingAttempt(a); }));
    record_.cacheStatus = QString::fromLatin1(cache_.statusText());
    record_.cacheKey = cache_.keyHex();
    record_.cacheSimilarity = cache_.similarity();
    record_.totalMs = elapsedMs();
    if (ctx_.keyLimiter && !record_.virtualKey.isEmpty() && record_.totalTokens > 0)
        ctx_.keyLimiter->addTokens(record_.virtualKey, record_.totalTokens);
    if (ctx_.keySpend && !record_.virtualKey.isEmpty())
        ctx_.keySpend->add(record_.virtualKey, record_.receivedAt.toMSecsSinceEpoch(), record_.priceKnown ? record_.costUsd : -1);
    record_.responseBytes = writer_->bodyBytesSent();
    record_.requestBody = redactBody(request_.body, ctx_.settings.recordBodyCapBytes, &record_.requestBodyTruncated,
                                     bodyParsed_ || request_.body.isEmpty() ? BodyKind::Unknown : BodyKind::NotJson);
    if (ctx_.metrics)
        ctx_.metrics->observe(record_);
    ctx_.records->add(std::move(record_));
    --ctx_.inFlight;
    deleteLater();
}

HeaderList Exchange::responseHeaders(const HeaderList* upstream, const QString& path, int retryCount) const
{
    HeaderList out;
    if (upstream) {
        out.reserve(upstream->size() + 7);
        for (const auto& h : *upstream) {
            if (!isHopByHop(h.first))
                out.push_back(h);
        }
    }
    if (!hasHeader(out, "content-type"))
        out.emplace_back(QByteArrayLiteral("content-type"), QByteArrayLiteral("application/json"));
    out.emplace_back(QByteArrayLiteral("x-portkey-request-id"), record_.requestId.toLatin1());
    out.emplace_back(QByteArrayLiteral("x-portkey-trace-id"), record_.traceId.toUtf8());
    if (provider_)
        out.emplace_back(QByteArrayLiteral("x-portkey-provider"), provider_->id().toUtf8());
    out.emplace_back(QByteArrayLiteral("x-portkey-retry-attempt-count"), QByteArray::number(retryCount));
    out.emplace_back(QByteArrayLiteral("x-portkey-cache-status"), cache_.statusText());
    out.emplace_back(QByteArrayLiteral("x-portkey-last-used-option-index"),
                     path.isEmpty() ? QByteArrayLiteral("config") : path.toUtf8());
    if (!configWarnings_.isEmpty())
        out.emplace_back(QByteArrayLiteral("x-gatehouse-config-warnings"), configWarnings_.left(2000));
    return out;
}

} // namespace gatehouse
