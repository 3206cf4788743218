#pragma once
// What each virtual key has spent in the current UTC day and month, and the budget check made before
// a key's upstream call. One ledger lives on the gateway thread (it adds each finished request's cost
// itself, so a check never waits for another thread) and one on the main thread for the Keys page;
// both start from totals rebuilt from the request log (key_spend_history.h). Time is injected.

#include "keys/key_limits.h"
#include "pipeline/api_error.h"

#include <QString>
#include <functional>
#include <map>
#include <optional>

namespace gatehouse {

struct KeySpend {
    qint64 dayStartMs = 0;      // the UTC day the day figures belong to
    double dayUsd = 0;          // sum of known costs
    qint64 dayRequests = 0;     // every request of the key, priced or not
    qint64 monthStartMs = 0;    // the UTC month the month figures belong to
    double monthUsd = 0;
    qint64 monthRequests = 0;
};

using KeySpendTotals = std::map<QString, KeySpend>;   // slug -> spend

class KeySpendLedger {
public:
    explicit KeySpendLedger(std::function<qint64()> nowMs);   // ms since the epoch (wall clock, UTC)

    // Replaces what the ledger holds; figures of a day or month that is over are dropped.
    void seed(const KeySpendTotals& totals);
    // Budgets are checked before the call: a key is refused once its spend in the period has reached
    // the budget (spent >= budget). The call that crosses the budget is let through (its cost is only
    // known when it is done), so spend can end a little above the budget.
    // Refusal: 412 with code budget_exceeded, naming the key, the budget and when it resets.
    std::optional<ApiError> admit(const QString& slug, const KeyLimits& limits);
    // One finished request of the key, received at atMs; costUsd < 0 (price unknown) adds no spend.
    void add(const QString& slug, qint64 atMs, double costUsd);

    KeySpend spend(const QString& slug);   // in the current day and month (zeros when nothing)
    KeySpendTotals totals();               // every key, current periods only

private:
    KeySpend& rolled(const QString& slug);
    void roll(KeySpend& s, qint64 now) const;

    std::function<qint64()> now_;
    KeySpendTotals spend_;
};

} // namespace gatehouse
