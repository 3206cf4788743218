#pragma once
// Money as the budget messages and the Keys page show it.

#include <QString>

namespace gatehouse {

// "$5.00", "$0.0123", "$0.000005": cents for large amounts; small ones (a cheap model, a test
// budget) keep their digits instead of rounding to $0.00.
QString formatUsd(double usd);

} // namespace gatehouse
