#pragma once
// What every request on one gateway thread shares: the provider table, the transports, the record
// sink, id generation, randomness, circuit breakers and settings. Owned by the worker; exchanges
// hold a reference.

#include "gateway_settings.h"
#include "keys/key_snapshot.h"

#include <QElapsedTimer>
#include <functional>
#include <memory>

namespace gatehouse {

class CircuitBreakerRegistry;
class GatewayMetrics;
struct ConfigSet;
class IdGenerator;
class ModelCatalog;
class KeyRateLimiter;
class KeySpendLedger;
class ProviderRegistry;
class RecordBatcher;
class ResponseCache;
class Transport;

struct PipelineContext {
    std::shared_ptr<const ProviderRegistry> providers;
    std::shared_ptr<const ModelCatalog> models;  // prices for request costs, GET /v1/models
    Transport* http = nullptr;
    Transport* mock = nullptr;
    RecordBatcher* records = nullptr;
    IdGenerator* ids = nullptr;
    CircuitBreakerRegistry* breakers = nullptr;
    GatewayMetrics* metrics = nullptr;         // null in tests that need none
    ResponseCache* cache = nullptr;            // null: x-portkey-cache-status DISABLED for everything
    std::shared_ptr<const ConfigSet> configs;  // saved configs; swapped whole, never edited
    KeySnapshotPtr keys;                       // virtual keys; swapped whole, never edited
    KeyRateLimiter* keyLimiter = nullptr;      // per-key request/token rates of this thread
    KeySpendLedger* keySpend = nullptr;        // per-key spend against daily/monthly budgets
    std::function<double()> random01;          // uniform [0, 1): loadbalance draws and retry jitter
    GatewaySettings settings;
    QElapsedTimer uptime;
    int inFlight = 0;
    int clientConnections = 0;                 // kept by the listener's connectionsChanged
};

} // namespace gatehouse
