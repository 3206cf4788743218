#include "gateway_worker.h"

#include "cache/cache_store.h"
#include "cache/response_cache.h"
#include "http/http_listener.h"
#include "keys/key_rate_limiter.h"
#include "observability/gateway_metrics.h"
#include "observability/record_batcher.h"
#include "pipeline/gateway_access.h"
#include "pipeline/gateway_handler.h"
#include "pipeline/id_generator.h"
#include "pipeline/pipeline_context.h"
#include "catalog/model_catalog.h"
#include "providers/mock_transport.h"
#include "providers/provider_registry.h"
#include "routing/circuit_breaker.h"
#include "routing/circuit_publisher.h"
#include "routing/config_set.h"
#include "upstream/curl_multi_client.h"
#include "upstream/google_token_transport.h"

#include <QDateTime>
#include <QFile>
#include <QHostAddress>

namespace gatehouse {

GatewayWorker::GatewayWorker(const GatewaySettings& settings, std::shared_ptr<const ProviderRegistry> providers)
    : settings_(settings)
    , providers_(std::move(providers))
    , drainPoll_(this)    // parented so they move to the worker's thread with it
    , graceTimer_(this)
{
}

GatewayWorker::~GatewayWorker()
{
    // Children (listener, connections, exchanges, transports) go with the QObject tree; exchanges
    // cancel their transfers while the transports still exist because they are deleted first.
    delete listener_;
    listener_ = nullptr;
    delete googleTokens_;   // cancels its token exchanges while curl_ still exists
    googleTokens_ = nullptr;
    delete cacheStore_;   // writes what is queued; before cache_ (a member) is destroyed
    cacheStore_ = nullptr;
}

void GatewayWorker::start(quint16 port)
{
    ids_ = std::make_unique<IdGenerator>();
    curl_ = new CurlMultiClient(this);
    curl_->setExtraCaFile(QFile::encodeName(settings_.upstreamCaFile));
    googleTokens_ = new GoogleTokenTransport(*curl_, {}, this);   // Vertex AI service accounts; the rest passes through
    mock_ = new MockTransport(this);
    records_ = new RecordBatcher(settings_.recordFlushIntervalMs, this);
    connect(records_, &RecordBatcher::batchReady, this, &GatewayWorker::recordsReady);

    monotonic_.start();
    breakers_ = std::make_unique<CircuitBreakerRegistry>([this] { return monotonic_.elapsed(); });
    circuits_ = new CircuitPublisher(breakers_.get(), settings_.recordFlushIntervalMs, this);
    connect(circuits_, &CircuitPublisher::published, this, &GatewayWorker::circuitsChanged);
    random_ = std::mt19937_64(std::random_device{}());
    keyLimiter_ = std::make_unique<KeyRateLimiter>([this] { return monotonic_.elapsed(); });
    keySpend_ = std::make_unique<KeySpendLedger>([] { return QDateTime::currentMSecsSinceEpoch(); });
    keySpend_->seed(spendBaseline_);

    CacheLimits cacheLimits;
    cacheLimits.maxEntries = settings_.cacheMaxEntries;
    cacheLimits.maxBytes = settings_.cacheMaxBytes;
    cache_ = std::make_unique<ResponseCache>(cacheLimits, [] { return QDateTime::currentMSecsSinceEpoch(); },
                                             SemanticIndex::Mode::Threaded);
    if (!settings_.cachePath.isEmpty()) {
        cacheStore_ = new CacheStore(cache_.get(), this);
        cacheStore_->open(settings_.cachePath);   // loads in the background; lookups miss until then
    }

    ctx_ = std::make_unique<PipelineContext>();
    ctx_->breakers = breakers_.get();
    metrics_ = std::make_unique<GatewayMetrics>();
    ctx_->metrics = metrics_.get();
    ctx_->cache = cache_.get();
    ctx_->configs = configs_;
    ctx_->keys = keys_;
    ctx_->keyLimiter = keyLimiter_.get();
    ctx_->keySpend = keySpend_.get();
    ctx_->random01 = [this] { return std::uniform_real_distribution<double>(0.0, 1.0)(random_); };
    ctx_->providers = providers_;
    ctx_->models = ModelCatalog::builtIn();   // parsed once per process (GatewayService::start warms it)
    ctx_->http = googleTokens_;
    ctx_->mock = mock_;
    ctx_->records = records_;
    ctx_->ids = ids_.get();
    ctx_->settings = settings_;
    ctx_->uptime.start();
    handler_ = std::make_unique<GatewayHandler>(*ctx_);

    ConnectionLimits limits;
    limits.parser.maxHeaderBytes = settings_.maxHeaderBytes;
    limits.parser.maxBodyBytes = settings_.maxBodyBytes;
    limits.headerTimeoutMs = settings_.headerTimeoutMs;
    limits.bodyTimeoutMs = settings_.bodyTimeoutMs;
    limits.idleTimeoutMs = settings_.idleTimeoutMs;
    listener_ = new HttpListener(limits, handler_.get(), this);
    connectionsPublish_ = new QTimer(this);
    connectionsPublish_->setSingleShot(true);
    connectionsPublish_->setInterval(settings_.recordFlushIntervalMs);
    connect(connectionsPublish_, &QTimer::timeout, this, &GatewayWorker::publishConnections);
    connect(listener_, &HttpListener::connectionsChanged, this, [this](int n) {
        ctx_->clientConnections = n;
        if (!connectionsPublish_->isActive())
            connectionsPublish_->start();
    });

    QHostAddress address;
    if (!address.setAddress(settings_.bindAddress)) {
        Q_EMIT failed(QStringLiteral("'%1' is not an IP address to bind to.").arg(settings_.bindAddress));
        return;
    }
    if (const QString why = exposureProblem(settings_); !why.isEmpty()) {
        Q_EMIT failed(why);
        return;
    }
    QString error;
    if (!listener_->listenOn(address, port, &error)) {
        Q_EMIT failed(error);
        return;
    }
    Q_EMIT started(listener_->serverPort());
}

void GatewayWorker::publishConnections()
{
    if (ctx_->clientConnections == connectionsPublished_)
        return;
    connectionsPublished_ = ctx_->clientConnections;
    Q_EMIT connectionsChanged(connectionsPublished_);
}

void GatewayWorker::setConfigs(std::shared_ptr<const ConfigSet> configs)
{
    configs_ = std::move(configs);
    if (ctx_)
        ctx_->configs = configs_;
}

void GatewayWorker::setKeys(KeySnapshotPtr keys)
{
    keys_ = std::move(keys);
    if (ctx_)
        ctx_->keys = keys_;
}

void GatewayWorker::listCache()
{
    Q_EMIT cacheListed(cache_ ? cache_->namespaces() : CacheNamespaceList{});
}

void GatewayWorker::clearCache(const std::optional<QString>& cacheNamespace)
{
    // In memory at once; the store deletes from the file on its own thread.
    Q_EMIT cacheCleared(cache_ ? cache_->clear(cacheNamespace) : 0);
    listCache();
}

void GatewayWorker::setSpendBaseline(const KeySpendTotals& totals)
{
    spendBaseline_ = totals;
}

void GatewayWorker::shutdown()
{
    if (draining_)
        return;
    draining_ = true;
    if (!listener_) {
        Q_EMIT drained();
        return;
    }
    handler_->setDraining(true);
    listener_->drain();
    // In-flight answers finish on their own; poll cheaply until they have, or the grace time is up.
    drainPoll_.setInterval(20);
    connect(&drainPoll_, &QTimer::timeout, this, &GatewayWorker::checkDrained);
    drainPoll_.start();
    graceTimer_.setSingleShot(true);
    connect(&graceTimer_, &QTimer::timeout, this, [this] {
        delete listener_;   // closes what is left; their exchanges record the abort
        listener_ = nullptr;
        checkDrained();
    });
    graceTimer_.start(settings_.shutdownGraceMs);
    checkDrained();
}

void GatewayWorker::checkDrained()
{
    const bool idle = ctx_->inFlight == 0 && (!listener_ || listener_->connectionCount() == 0);
    if (!idle && graceTimer_.isActive())
        return;
    drainPoll_.stop();
    graceTimer_.stop();
    records_->flush();
    Q_EMIT drained();
}

} // namespace gatehouse
