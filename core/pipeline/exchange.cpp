#include "pipeline/exchange.h"

#include "observability/record_batcher.h"
#include "observability/redaction.h"
#include "observability/usage.h"
#include "pipeline/id_generator.h"
#include "providers/provider_registry.h"

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

} // namespace

Exchange::Exchange(PipelineContext& ctx, HttpRequest&& request, ResponseWriterPtr writer, const ClientInfo& client,
                   std::variant<Endpoint, ApiError> route)
    : ctx_(ctx)
    , request_(std::move(request))
    , writer_(std::move(writer))
    , route_(std::move(route))
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
}

Exchange::~Exchange()
{
    if (transferActive_)
        transport_->cancel(transfer_);
}

void Exchange::start()
{
    // Nothing a client sends may take the gateway down: an unexpected exception answers this
    // request with a 500 instead of escaping into the event loop.
    try {
        run();
    } catch (const std::exception& e) {
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
    } else {
        // Even a request with a bad header gets its trace id and provider echoed, so the client can
        // match the error to its call.
        options_.traceId = QString::fromUtf8(request_.header("x-portkey-trace-id").toByteArray()).trimmed().left(256);
        provider_ = ctx_.providers->find(QString::fromUtf8(request_.header("x-portkey-provider").toByteArray()).trimmed());
        if (provider_)
            record_.provider = provider_->id();
    }
    record_.traceId = options_.traceId.isEmpty() ? QString::fromLatin1(ctx_.ids->traceId()) : options_.traceId;

    if (auto* err = std::get_if<ApiError>(&route_))
        return fail(*err);
    endpoint_ = std::get<Endpoint>(route_);
    if (auto* err = std::get_if<ApiError>(&parsed))
        return fail(*err);
    if (auto err = readBody())
        return fail(*err);
    if (auto err = resolveAndSend())
        return fail(*err);
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
    return std::nullopt;
}

std::optional<ApiError> Exchange::resolveAndSend()
{
    if (!options_.virtualKey.isEmpty()) {
        return ApiError::unauthorized(QStringLiteral("Virtual key '%1' is not defined in this gateway.").arg(options_.virtualKey.left(64)),
                                      QStringLiteral("virtual_key_not_found"));
    }
    auto valid = [this] { return ctx_.providers->ids().join(QStringLiteral(", ")); };
    if (options_.provider.isEmpty()) {
        return ApiError::badRequest(QStringLiteral("No provider given: send the x-portkey-provider header (or x-portkey-config). "
                                                   "Valid providers: %1.").arg(valid()),
                                    QStringLiteral("missing_provider"), QStringLiteral("x-portkey-provider"));
    }
    provider_ = ctx_.providers->find(options_.provider);
    if (!provider_) {
        return ApiError::badRequest(QStringLiteral("Unknown provider '%1'. Valid providers: %2.").arg(options_.provider.left(64), valid()),
                                    QStringLiteral("invalid_provider"), QStringLiteral("x-portkey-provider"));
    }
    record_.provider = provider_->id();
    if (!provider_->supports(endpoint_)) {
        return ApiError::badRequest(QStringLiteral("Provider '%1' does not support %2.").arg(provider_->id(), record_.path),
                                    QStringLiteral("unsupported_endpoint"));
    }

    ProviderCall call;
    call.endpoint = endpoint_;
    call.method = request_.method;
    call.body = &request_.body;
    call.bodyJson = body_.is_object() ? &body_ : nullptr;
    call.apiKey = options_.apiKey;
    call.customHost = options_.customHost;
    call.query = request_.query;
    call.metadata = &options_.metadata;
    call.timeoutMs = options_.requestTimeoutMs;
    for (const QByteArray& name : options_.forwardHeaders) {
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
    UpstreamRequest& up = std::get<UpstreamRequest>(built);
    up.connectTimeoutMs = ctx_.settings.upstreamConnectTimeoutMs;
    if (options_.requestTimeoutMs > 0 && options_.requestTimeoutMs < up.connectTimeoutMs)
        up.connectTimeoutMs = options_.requestTimeoutMs;
    record_.upstreamUrl = QString::fromUtf8(redactUrl(up.url));
    transport_ = provider_->info().transport == TransportKind::Mock ? ctx_.mock : ctx_.http;
    upstreamStartMs_ = elapsedMs();
    record_.attempts = 1;
    transferActive_ = true;
    transfer_ = transport_->start(std::move(up), this);
    return std::nullopt;
}

void Exchange::onUpstreamHead(int status, HeaderList&& headers)
{
    upstreamStatus_ = status;
    upstreamHeaders_ = std::move(headers);
    record_.firstByteMs = elapsedMs();
    const bool sse = findHeader(upstreamHeaders_, "content-type").startsWith("text/event-stream");
    streaming_ = sse && status >= 200 && status < 300;
    if (streaming_)
        writer_->sendHead(status, responseHeaders(&upstreamHeaders_), ResponseWriter::kChunked);
}

void Exchange::onUpstreamData(QByteArrayView data)
{
    if (done_)
        return;
    if (streaming_) {
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
        transport_->cancel(transfer_);
        transferActive_ = false;
        fail(ApiError::badGateway(QStringLiteral("The answer from '%1' exceeds %2 MiB.").arg(provider_->id()).arg(kMaxBufferedResponse >> 20),
                                  QStringLiteral("upstream_response_too_large")));
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
    streamTail_.append(data);
    if (streamTail_.size() > 2 * kStreamTailBytes)
        streamTail_.remove(0, streamTail_.size() - kStreamTailBytes);
}

void Exchange::onUpstreamDone(const TransferResult& result)
{
    transferActive_ = false;
    if (done_)
        return;
    record_.upstreamMs = elapsedMs() - upstreamStartMs_;
    if (result.error != TransferResult::Error::None) {
        if (writer_->headSent())
            return failStream(transportError(result));
        return fail(transportError(result));
    }
    if (streaming_) {
        if (const auto u = findUsage(streamTail_)) {
            record_.promptTokens = u->promptTokens;
            record_.completionTokens = u->completionTokens;
            record_.totalTokens = u->totalTokens;
        }
        writer_->finish();
        return complete();
    }

    int status = upstreamStatus_;
    QByteArray body = std::move(upstreamBody_);
    provider_->mapResponse(endpoint_, status, body);
    if (status >= 200 && status < 300) {
        if (const auto u = findUsage(body)) {
            record_.promptTokens = u->promptTokens;
            record_.completionTokens = u->completionTokens;
            record_.totalTokens = u->totalTokens;
        }
    } else {
        QString message = jsonErrorMessage(body);
        if (message.isEmpty()) {
            // Not an OpenAI-style error: wrap it so clients can always read error.message.
            const QString text = QString::fromUtf8(body.left(300)).simplified();
            message = QStringLiteral("%1 answered HTTP %2%3").arg(provider_->id()).arg(status)
                          .arg(text.isEmpty() ? QString() : QStringLiteral(": ") + text);
            ApiError wrapped{status, message, QStringLiteral("upstream_error"), QStringLiteral("upstream_error"), {}};
            body = wrapped.toJson();
            for (auto& h : upstreamHeaders_) {
                if (h.first == "content-type")
                    h.second = QByteArrayLiteral("application/json");
            }
        }
        record_.errorType = QStringLiteral("upstream_error");
        record_.errorMessage = message.left(1000);
    }
    const qsizetype cap = ctx_.settings.recordBodyCapBytes;
    record_.responseBody = redactBody(body, int(cap), &record_.responseBodyTruncated);
    writer_->sendFull(status, responseHeaders(&upstreamHeaders_), body);
    complete();
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

void Exchange::fail(const ApiError& error)
{
    if (done_)
        return;
    record_.status = error.status;
    record_.errorType = error.type;
    record_.errorMessage = error.message;
    const QByteArray body = error.toJson();
    record_.responseBody = body;
    writer_->sendFull(error.status, responseHeaders(nullptr), body);
    complete();
}

void Exchange::failStream(const ApiError& error)
{
    // The status line is gone already: end the stream with an error event clients can surface.
    record_.errorType = error.type;
    record_.errorMessage = error.message;
    const QByteArray event = "data: " + error.toJson() + "\n\n";
    captureResponse(event);
    writer_->sendBody(event);
    writer_->finish();
    complete();
}

void Exchange::onClientAbort()
{
    if (done_)
        return;
    if (transferActive_) {
        transport_->cancel(transfer_);
        transferActive_ = false;
    }
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
    if (record_.status == 0)
        record_.status = writer_->status();
    record_.totalMs = elapsedMs();
    record_.responseBytes = writer_->bodyBytesSent();
    record_.requestBody = redactBody(request_.body, ctx_.settings.recordBodyCapBytes, &record_.requestBodyTruncated,
                                     bodyParsed_ || request_.body.isEmpty() ? BodyKind::Unknown : BodyKind::NotJson);
    ctx_.records->add(std::move(record_));
    --ctx_.inFlight;
    deleteLater();
}

HeaderList Exchange::responseHeaders(const HeaderList* upstream) const
{
    HeaderList out;
    if (upstream) {
        out.reserve(upstream->size() + 6);
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
    out.emplace_back(QByteArrayLiteral("x-portkey-retry-attempt-count"), QByteArrayLiteral("0"));
    out.emplace_back(QByteArrayLiteral("x-portkey-cache-status"), QByteArrayLiteral("DISABLED"));
    out.emplace_back(QByteArrayLiteral("x-portkey-last-used-option-index"), QByteArrayLiteral("config"));
    return out;
}

} // namespace gatehouse
