#pragma once
// What changed between two circuit snapshots, as lines a person reads: the headless log and the
// window's status bar say when a target starts being skipped and when it is back.

#include "routing/circuit_breaker.h"

#include <QStringList>

namespace gatehouse {

// One line per breaker whose state differs (a breaker absent before counts as closed), e.g.
// "circuit open: openai|| (5 failures within 60 s); probing again in 30 s".
QStringList describeCircuitChanges(const std::vector<CircuitStatus>& before, const std::vector<CircuitStatus>& after);

// "2 circuits open" / "1 circuit open, 1 probing" / "" when all are closed.
QString circuitSummary(const std::vector<CircuitStatus>& circuits);

} // namespace gatehouse
