#pragma once
// Spend per virtual key as the main thread sees it (the Keys page, the gateway's starting totals):
// rebuilt from the request log at start, then fed with every record batch the gateway emits.

#include "keys/key_spend_ledger.h"
#include "observability/request_record.h"

#include <QObject>

namespace gatehouse {

class KeySpendTracker : public QObject {
    Q_OBJECT
public:
    explicit KeySpendTracker(std::function<qint64()> nowMs, QObject* parent = nullptr);

    // Replaces the totals with the current day's and month's from the log; false with *error when it
    // cannot be read (the totals are then empty: budgets count from now).
    bool rebuildFromLog(const QString& logPath, QString* error);
    void observe(const gatehouse::RecordBatch& batch);

    KeySpend spend(const QString& slug) { return ledger_.spend(slug); }
    KeySpendTotals totals() { return ledger_.totals(); }

Q_SIGNALS:
    void changed();

private:
    std::function<qint64()> now_;
    KeySpendLedger ledger_;
};

} // namespace gatehouse
