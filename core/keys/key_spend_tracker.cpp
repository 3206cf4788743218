#include "keys/key_spend_tracker.h"

#include "keys/key_spend_history.h"

namespace gatehouse {

KeySpendTracker::KeySpendTracker(std::function<qint64()> nowMs, QObject* parent)
    : QObject(parent)
    , now_(nowMs)
    , ledger_(std::move(nowMs))
{
}

bool KeySpendTracker::rebuildFromLog(const QString& logPath, QString* error)
{
    QString e;
    const KeySpendTotals totals = spendFromRequestLog(logPath, now_(), &e);
    ledger_.seed(totals);
    Q_EMIT changed();
    if (!e.isEmpty()) {
        if (error)
            *error = e;
        return false;
    }
    return true;
}

void KeySpendTracker::observe(const RecordBatch& batch)
{
    bool any = false;
    for (const RequestRecord& r : *batch) {
        if (r.virtualKey.isEmpty())
            continue;
        ledger_.add(r.virtualKey, r.receivedAt.toMSecsSinceEpoch(), r.priceKnown ? r.costUsd : -1);
        any = true;
    }
    if (any)
        Q_EMIT changed();
}

} // namespace gatehouse
