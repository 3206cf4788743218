#include "routing/circuit_changes.h"

#include <map>

namespace gatehouse {

namespace {

QString seconds(qint64 ms)
{
    return ms % 1000 == 0 ? QStringLiteral("%1 s").arg(ms / 1000) : QStringLiteral("%1 s").arg(double(ms) / 1000.0, 0, 'f', 1);
}

} // namespace

QStringList describeCircuitChanges(const std::vector<CircuitStatus>& before, const std::vector<CircuitStatus>& after)
{
    std::map<std::string, CircuitState> was;
    for (const CircuitStatus& c : before)
        was.emplace(c.key, c.state);
    QStringList lines;
    for (const CircuitStatus& c : after) {
        const auto it = was.find(c.key);
        const CircuitState old = it == was.end() ? CircuitState::Closed : it->second;
        if (old == c.state)
            continue;
        const QString target = QString::fromStdString(c.key);
        switch (c.state) {
        case CircuitState::Open:
            lines << (old == CircuitState::HalfOpen
                          ? QStringLiteral("circuit open again: %1 (the probe failed); probing again in %2").arg(target, seconds(c.probeInMs))
                          : QStringLiteral("circuit open: %1 (%2 failures within %3); skipped, probing again in %4")
                                .arg(target)
                                .arg(c.config.failureThreshold)
                                .arg(seconds(c.config.windowMs), seconds(c.probeInMs)));
            break;
        case CircuitState::HalfOpen:
            lines << QStringLiteral("circuit half-open: %1; the next request probes it").arg(target);
            break;
        case CircuitState::Closed:
            lines << QStringLiteral("circuit closed: %1 answered again").arg(target);
            break;
        }
    }
    return lines;
}

QString circuitSummary(const std::vector<CircuitStatus>& circuits)
{
    int open = 0;
    int probing = 0;
    for (const CircuitStatus& c : circuits) {
        open += c.state == CircuitState::Open ? 1 : 0;
        probing += c.state == CircuitState::HalfOpen ? 1 : 0;
    }
    QStringList parts;
    if (open)
        parts << (open == 1 ? QStringLiteral("1 circuit open") : QStringLiteral("%1 circuits open").arg(open));
    if (probing)
        parts << QStringLiteral("%1 probing").arg(probing);
    return parts.join(QStringLiteral(", "));
}

} // namespace gatehouse
