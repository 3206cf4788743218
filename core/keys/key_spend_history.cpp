#include "keys/key_spend_history.h"

#include "keys/budget_period.h"
#include "observability/log_query.h"

namespace gatehouse {

KeySpendTotals spendFromRequestLog(const QString& logPath, qint64 nowMs, QString* error)
{
    KeySpendTotals totals;
    LogReader reader;
    if (!reader.open(logPath, error))
        return totals;
    const qint64 day = utcDayStartMs(nowMs);
    const qint64 month = utcMonthStartMs(nowMs);
    const auto monthRows = reader.usageByVirtualKey(month);
    if (!reader.lastError().isEmpty()) {
        *error = reader.lastError();
        return {};
    }
    for (const KeyUsage& u : monthRows) {
        KeySpend& s = totals[u.virtualKey];
        s.dayStartMs = day;
        s.monthStartMs = month;
        s.monthRequests = u.requests;
        s.monthUsd = u.costUsd;
    }
    for (const KeyUsage& u : reader.usageByVirtualKey(day)) {
        KeySpend& s = totals[u.virtualKey];
        s.dayStartMs = day;
        s.monthStartMs = month;
        s.dayRequests = u.requests;
        s.dayUsd = u.costUsd;
    }
    if (!reader.lastError().isEmpty()) {
        *error = reader.lastError();
        return {};
    }
    return totals;
}

} // namespace gatehouse
