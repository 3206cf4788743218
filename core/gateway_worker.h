#pragma once
// One gateway thread's share of the work: a listener on the shared port, the libcurl client, the mock
// transport, the pipeline context and a record batcher. Created on its own thread; every member is
// touched only from there.

#include "cache/cache_namespace_stats.h"
#include "gateway_settings.h"
#include "keys/key_snapshot.h"
#include "keys/key_spend_ledger.h"
#include "observability/request_record.h"
#include "routing/circuit_breaker.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <memory>
#include <optional>
#include <random>

namespace gatehouse {

class CacheStore;
class CircuitBreakerRegistry;
class CircuitPublisher;
struct ConfigSet;
class CurlMultiClient;
class GatewayHandler;
class GoogleTokenTransport;
class HttpListener;
class IdGenerator;
class KeyRateLimiter;
class KeySpendLedger;
class MockTransport;
class ProviderRegistry;
class GatewayMetrics;
class RecordBatcher;
class ResponseCache;
struct PipelineContext;

class GatewayWorker : public QObject {
    Q_OBJECT
public:
    GatewayWorker(const GatewaySettings& settings, std::shared_ptr<const ProviderRegistry> providers);
    ~GatewayWorker() override;

    // The keys' spend so far this UTC day/month, seeding the budget ledger; call before start().
    void setSpendBaseline(const KeySpendTotals& totals);

public Q_SLOTS:
    void start(quint16 port);   // port 0: let the kernel choose (first worker only)
    void shutdown();            // stop accepting, finish in-flight requests, then emit drained()
    void setConfigs(std::shared_ptr<const gatehouse::ConfigSet> configs);   // new requests use these
    void setKeys(gatehouse::KeySnapshotPtr keys);                            // likewise
    // The response cache's namespaces as held in memory (the file follows on the store's thread).
    void listCache();
    // Removes every entry (nullopt) or one namespace's, from memory and the file; then lists again.
    void clearCache(const std::optional<QString>& cacheNamespace);

Q_SIGNALS:
    void started(quint16 port);
    void failed(const QString& message);
    void drained();
    void recordsReady(const gatehouse::RecordBatch& batch);
    void circuitsChanged(const gatehouse::CircuitSnapshot& circuits);
    // Open client connections, at most once per record flush interval (a burst of connects is one signal).
    void connectionsChanged(int count);
    void cacheListed(const gatehouse::CacheNamespaceList& namespaces);
    void cacheCleared(qint64 removed);

private:
    void checkDrained();
    void publishConnections();

    GatewaySettings settings_;
    std::shared_ptr<const ProviderRegistry> providers_;
    std::shared_ptr<const ConfigSet> configs_;
    KeySnapshotPtr keys_;
    std::unique_ptr<PipelineContext> ctx_;
    QTimer* connectionsPublish_ = nullptr;   // coalesces connectionsChanged
    int connectionsPublished_ = 0;
    std::unique_ptr<IdGenerator> ids_;
    std::unique_ptr<GatewayHandler> handler_;
    std::unique_ptr<CircuitBreakerRegistry> breakers_;
    std::unique_ptr<GatewayMetrics> metrics_;
    std::unique_ptr<KeyRateLimiter> keyLimiter_;
    std::unique_ptr<KeySpendLedger> keySpend_;
    KeySpendTotals spendBaseline_;
    std::unique_ptr<ResponseCache> cache_;
    CacheStore* cacheStore_ = nullptr;      // child: ends its writer thread before cache_ goes
    QElapsedTimer monotonic_;
    std::mt19937_64 random_;
    CurlMultiClient* curl_ = nullptr;
    GoogleTokenTransport* googleTokens_ = nullptr;   // wraps curl_; deleted before it
    MockTransport* mock_ = nullptr;
    RecordBatcher* records_ = nullptr;
    CircuitPublisher* circuits_ = nullptr;
    HttpListener* listener_ = nullptr;
    QTimer drainPoll_;
    QTimer graceTimer_;
    bool draining_ = false;
};

} // namespace gatehouse
