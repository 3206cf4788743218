#include "key_spend_setup.h"

#include "gateway_service.h"
#include "keys/key_spend_tracker.h"
#include "keys/key_vault.h"
#include "observability/log_store.h"

#include <QDateTime>

namespace gatehouse {

std::unique_ptr<KeySpendTracker> setupKeySpend(GatewayService& gateway, LogStore* log, KeyVault& vault,
                                               std::function<void(const QString& line, bool problem)> report)
{
    auto tracker = std::make_unique<KeySpendTracker>([] { return QDateTime::currentMSecsSinceEpoch(); });
    KeySpendTracker* t = tracker.get();
    if (log) {
        QString error;
        if (!t->rebuildFromLog(log->path(), &error))
            report(QStringLiteral("budgets count spend from now on: the request log could not be read (%1)").arg(error), true);
    } else {
        // Said once the keys are known, and only when a budget depends on it.
        QObject::connect(&vault, &KeyVault::loaded, t, [&vault, report] {
            for (const VirtualKey& k : vault.metadata().keys()) {
                if (k.limits.anyBudget()) {
                    report(QStringLiteral("the request log is off, so spend budgets count only what this run spends (they start at zero at each start)."), true);
                    return;
                }
            }
        }, Qt::SingleShotConnection);
    }
    QObject::connect(&gateway, &GatewayService::recordsReady, t, &KeySpendTracker::observe);
    gateway.setSpendSource([t] { return t->totals(); });
    return tracker;
}

} // namespace gatehouse
