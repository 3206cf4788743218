#include "cache/cache_embedder.h"

#include "keys/key_resolution.h"
#include "observability/request_record.h"
#include "providers/provider.h"
#include "providers/provider_registry.h"

#include <algorithm>
#include <cmath>

namespace gatehouse {

namespace {

using json = nlohmann::json;

constexpr const char* kPathSuffix = ".cache.embedding";

QString errorMessageOf(const QByteArray& body)
{
    const auto j = json::parse(body.begin(), body.end(), nullptr, false);
    if (j.is_object() && j.contains("error")) {
        const json& e = j["error"];
        if (e.is_object() && e.contains("message") && e["message"].is_string())
            return QString::fromStdString(e["message"].get<std::string>()).left(300);
        if (e.is_string())
            return QString::fromStdString(e.get<std::string>()).left(300);
    }
    return QString::fromUtf8(body.left(200));
}

} // namespace

CacheEmbedder::CacheEmbedder(QObject* parent)
    : QObject(parent)
{
    timer_.setSingleShot(true);
    connect(&timer_, &QTimer::timeout, this, [this] {
        if (!active_)
            return;
        transport_->cancel(transfer_);
        finish(408, QStringLiteral("The embedding call timed out after %1ms.").arg(timeoutMs_));
    });
}

CacheEmbedder::~CacheEmbedder()
{
    cancel();
}

void CacheEmbedder::prepare(const std::optional<CacheConfig>& config, const ProviderRegistry& providers,
                            const KeySnapshot* keys, const QString& attemptProvider, const QString& attemptKey,
                            CacheKeyInput& input)
{
    provider_ = nullptr;
    apiKey_.clear();
    customHost_.clear();
    keyOptions_ = nullptr;
    model_.clear();
    unavailable_.clear();
    unavailableStatus_ = 400;
    if (!config)
        return;
    input.embedMessages = embedMessagesFromName(config->embedMessages.value_or(std::string()));
    if (config->mode != "semantic" || !config->embedding)
        return;
    const CacheEmbeddingTarget& t = *config->embedding;
    model_ = t.model;
    timeoutMs_ = t.requestTimeoutMs.value_or(kDefaultTimeoutMs);
    QString providerId;
    if (t.virtualKey) {
        auto resolved = resolveVirtualKey(keys, QString::fromStdString(*t.virtualKey));
        if (auto* err = std::get_if<ApiError>(&resolved)) {
            unavailable_ = err->message;
            unavailableStatus_ = err->status;
        } else {
            const ResolvedKey& key = *std::get<const ResolvedKey*>(resolved);
            providerId = key.key.provider;
            apiKey_ = key.secret;
            customHost_ = key.key.customHost.toUtf8();
            keyOptions_ = virtualKeyProviderOptions(key.key);
        }
    } else {
        providerId = QString::fromStdString(t.provider.value_or(std::string()));
        customHost_ = QByteArray::fromStdString(t.customHost.value_or(std::string()));
        if (t.apiKey)
            apiKey_ = QString::fromStdString(*t.apiKey);
    }
    if (unavailable_.isEmpty()) {
        provider_ = providers.find(providerId);
        if (!provider_) {
            unavailable_ = QStringLiteral("Unknown embedding provider '%1'.").arg(providerId.left(64));
        } else if (!provider_->supports(Endpoint::Embeddings)) {
            unavailable_ = QStringLiteral("Provider '%1' has no embeddings endpoint.").arg(provider_->id());
            provider_ = nullptr;
        } else if (!t.virtualKey && !t.apiKey && provider_->id() == attemptProvider) {
            apiKey_ = attemptKey;   // the same provider account the request itself uses
        }
    }
    // The embedder's identity scopes the index: vectors of another model (or server) never meet these.
    // Neither the key nor its slug is part of it: the same model answers the same vector for any account.
    input.embedder = unavailable_.isEmpty()
        ? QStringLiteral("%1|%2|%3").arg(provider_->id(), QString::fromUtf8(customHost_), QString::fromStdString(model_))
        : QStringLiteral("unavailable");
}

void CacheEmbedder::start(const QString& text, Transport* http, Transport* mock, int connectTimeoutMs, Done done)
{
    cancel();
    done_ = std::move(done);
    status_ = 0;
    body_.clear();
    clock_.start();
    ++generation_;
    if (!unavailable_.isEmpty() || !provider_)
        return finish(unavailableStatus_, unavailable_.isEmpty() ? QStringLiteral("No embedding target.") : unavailable_);

    const json body = {{"model", model_}, {"input", text.toStdString()}};
    const QByteArray bytes = QByteArray::fromStdString(body.dump(-1, ' ', false, json::error_handler_t::replace));
    ProviderCall call;
    call.endpoint = Endpoint::Embeddings;
    call.body = &bytes;
    call.bodyJson = &body;
    call.apiKey = apiKey_;
    call.customHost = customHost_;
    call.keyOptions = keyOptions_.is_object() ? &keyOptions_ : nullptr;
    auto built = provider_->buildRequest(call);
    if (auto* err = std::get_if<ApiError>(&built))
        return finish(err->status, err->message);
    UpstreamRequest up = std::move(std::get<UpstreamRequest>(built));
    up.timeoutMs = 0;   // bounded by timer_, which also covers connecting
    up.connectTimeoutMs = std::min(connectTimeoutMs, timeoutMs_);
    transport_ = provider_->info().transport == TransportKind::Mock ? mock : http;
    if (!transport_)
        return finish(500, QStringLiteral("No transport for the embedding provider."));
    active_ = true;
    timer_.start(timeoutMs_);
    transfer_ = transport_->start(std::move(up), this);
}

void CacheEmbedder::cancel()
{
    timer_.stop();
    if (active_ && transport_)
        transport_->cancel(transfer_);
    active_ = false;
    done_ = nullptr;
    ++generation_;
}

void CacheEmbedder::onUpstreamHead(int status, HeaderList&& headers)
{
    Q_UNUSED(headers);
    status_ = status;
}

void CacheEmbedder::onUpstreamData(QByteArrayView data)
{
    if (!active_)
        return;
    if (body_.size() + data.size() > kMaxAnswerBytes) {
        transport_->cancel(transfer_);   // allowed from inside onData
        finish(502, QStringLiteral("The embedding answer is larger than %1 bytes.").arg(kMaxAnswerBytes));
        return;
    }
    body_.append(data);
}

void CacheEmbedder::onUpstreamDone(const TransferResult& result)
{
    if (!active_)
        return;
    if (result.error != TransferResult::Error::None)
        return finish(502, QStringLiteral("The embedding call failed: %1").arg(result.message.left(300)));
    int status = status_;
    QByteArray body = body_;
    if (provider_)
        provider_->mapResponse(ResponseContext(Endpoint::Embeddings), status, body);
    if (status < 200 || status >= 300)
        return finish(status, QStringLiteral("The embedding provider answered %1: %2").arg(status).arg(errorMessageOf(body)));
    QString why;
    auto vector = parseAnswer(body, &why);
    if (!vector)
        return finish(502, why);
    finish(status, QString(), std::move(*vector));
}

void CacheEmbedder::finish(int status, const QString& error, std::vector<float> vector)
{
    // Delivered from the event loop, never from inside the transport's callback or start().
    timer_.stop();
    active_ = false;
    Result r;
    r.vector = std::move(vector);
    r.status = status;
    r.error = error;
    r.provider = provider_ ? provider_->id() : QString();
    r.latencyMs = double(clock_.nsecsElapsed()) / 1e6;
    QMetaObject::invokeMethod(this, [this, r = std::move(r), generation = generation_] {
        if (generation != generation_ || !done_)
            return;
        auto done = std::move(done_);
        done_ = nullptr;
        done(r);
    }, Qt::QueuedConnection);
}

std::optional<std::vector<float>> CacheEmbedder::parseAnswer(QByteArrayView body, QString* error)
{
    auto fail = [&](const QString& why) -> std::optional<std::vector<float>> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    const auto j = json::parse(body.begin(), body.end(), nullptr, false);
    if (!j.is_object() || !j.contains("data") || !j["data"].is_array() || j["data"].empty() || !j["data"][0].is_object())
        return fail(QStringLiteral("The embedding answer has no data[0] (not an OpenAI embeddings answer)."));
    const json& e = j["data"][0].value("embedding", json());
    if (!e.is_array() || e.empty() || e.size() > kMaxDimensions)
        return fail(QStringLiteral("The embedding answer's data[0].embedding is not an array of 1 to %1 numbers.").arg(kMaxDimensions));
    std::vector<float> v;
    v.reserve(e.size());
    double norm = 0;
    for (const json& x : e) {
        if (!x.is_number() || !std::isfinite(x.get<double>()))
            return fail(QStringLiteral("The embedding answer's data[0].embedding holds something other than finite numbers."));
        const double d = x.get<double>();
        norm += d * d;
        v.push_back(float(d));
    }
    if (!(norm > 0))
        return fail(QStringLiteral("The embedding answer's vector is all zeros."));
    const float scale = float(1.0 / std::sqrt(norm));
    for (float& x : v)
        x *= scale;   // cosine similarity is then a dot product, as for the built-in embedder
    return v;
}

AttemptRecord CacheEmbedder::attemptRecord(const std::string& targetPath, const Result& r, double startMs)
{
    AttemptRecord a;
    a.path = QString::fromStdString(targetPath) + QLatin1String(kPathSuffix);
    a.provider = r.provider;
    a.status = r.status;
    a.startMs = startMs;
    a.latencyMs = r.latencyMs;
    a.error = r.error.left(500);
    return a;
}

bool CacheEmbedder::isEmbeddingAttempt(const AttemptRecord& a)
{
    return a.path.endsWith(QLatin1String(kPathSuffix));
}

} // namespace gatehouse
