#pragma once
// Budgets for both modes: the keys' spend this UTC day and month is rebuilt from the request log
// before the gateway starts, kept current from the gateway's records (for the Keys page), and
// handed to the gateway thread at each start. Without a request log spend counts from this start.

#include <functional>
#include <memory>

class QString;

namespace gatehouse {

class GatewayService;
class KeySpendTracker;
class KeyVault;
class LogStore;

std::unique_ptr<KeySpendTracker> setupKeySpend(GatewayService& gateway, LogStore* log, KeyVault& vault,
                                               std::function<void(const QString& line, bool problem)> report);

} // namespace gatehouse
