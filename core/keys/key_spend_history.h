#pragma once
// Budgets survive a restart by reading what the request log already holds: the current UTC day's
// and month's requests and costs per virtual key. Read once at start, before the gateway takes
// requests (two indexed aggregate queries); without a request log spend starts at zero.

#include "keys/key_spend_ledger.h"

namespace gatehouse {

// Totals for the day and month holding nowMs; an empty map with *error set when the log cannot be read.
KeySpendTotals spendFromRequestLog(const QString& logPath, qint64 nowMs, QString* error);

} // namespace gatehouse
