#pragma once
// The embedded gateway as the rest of the application sees it: start it on its own thread, observe
// its records, stop it. All signals are delivered queued on the thread that owns the service.

#include "cache/cache_namespace_stats.h"
#include "gateway_settings.h"
#include "keys/key_snapshot.h"
#include "keys/key_spend_ledger.h"
#include "observability/request_record.h"
#include "routing/circuit_breaker.h"

#include <QObject>
#include <QString>
#include <functional>
#include <memory>
#include <optional>

class QThread;

namespace gatehouse {

class GatewayWorker;
struct ConfigSet;

class GatewayService : public QObject {
    Q_OBJECT
public:
    explicit GatewayService(QObject* parent = nullptr);
    ~GatewayService() override;

    // Starts the gateway thread and its listener. Result arrives as started() or failed().
    void start(const GatewaySettings& settings);
    // Stops accepting, lets in-flight requests finish (up to shutdownGraceMs), then ends the thread.
    // Emits stopped() when done. Blocking variant for destructors and tests.
    void stop();
    void stopAndWait();

    // Saved configs for x-portkey-config ids (and the default config). Swapped atomically: requests
    // in flight finish on the set they started with. May be called before or after start().
    void setConfigs(std::shared_ptr<const ConfigSet> configs);
    // Virtual keys (slug -> provider, fields, secret), the same way: new requests use the new set.
    void setKeys(KeySnapshotPtr keys);
    // Where each start() takes the keys' spend so far this day/month (budgets); the gateway thread
    // then adds its own requests' costs. Unset: spend starts at zero.
    void setSpendSource(std::function<KeySpendTotals()> source) { spendSource_ = std::move(source); }

    // The response cache per namespace: from the running gateway's memory, or (stopped) from the cache
    // file of the last start, read on a pool thread. Answers with cacheListed().
    void listCache();
    // Clears every namespace (nullopt) or one, the same way; answers with cacheCleared(), then cacheListed().
    void clearCache(const std::optional<QString>& cacheNamespace);

    bool isRunning() const { return running_; }
    quint16 port() const { return port_; }        // the bound port, valid after started()
    QString baseUrl() const;                       // http://host:port
    // What the last start() was given, and the configs/keys requests see now (for the console's dialogs).
    const GatewaySettings& settings() const { return settings_; }
    std::shared_ptr<const ConfigSet> configs() const { return configs_; }
    KeySnapshotPtr keys() const { return keys_; }
    // The window's own key for its requests (Playground, a virtual key's Test) while gateway API keys
    // are on: random per process, held only in memory, accepted beside the configured keys (and not
    // at all when there are none, so it never turns access control on).
    QByteArray consoleKey() const { return consoleKey_; }
    bool accessControlOn() const { return !settings_.apiKeyDigests.empty(); }
    // The circuit breakers as last published (empty until a config with one was used).
    CircuitSnapshot circuits() const { return circuits_; }

Q_SIGNALS:
    void started(const QString& baseUrl);
    void failed(const QString& message);
    void stopped();
    void recordsReady(const gatehouse::RecordBatch& batch);
    // A breaker was created, opened, went half-open, closed or counted a failure (coalesced).
    void circuitsChanged(const gatehouse::CircuitSnapshot& circuits);
    void connectionsChanged(int clientConnections);   // open client connections (coalesced)
    void cacheListed(const gatehouse::CacheNamespaceList& namespaces, const QString& error);
    void cacheCleared(qint64 removed, const QString& error);

private:
    GatewaySettings settings_;
    std::shared_ptr<const ConfigSet> configs_;
    KeySnapshotPtr keys_;
    CircuitSnapshot circuits_;
    QByteArray consoleKey_;
    std::function<KeySpendTotals()> spendSource_;
    QThread* thread_ = nullptr;
    GatewayWorker* worker_ = nullptr;   // lives on thread_
    bool running_ = false;
    quint16 port_ = 0;
};

} // namespace gatehouse
