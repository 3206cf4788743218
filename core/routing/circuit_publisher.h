#pragma once
// Tells observers on other threads (the window, the headless log) how the gateway thread's circuit
// breakers stand. Changes are coalesced: a burst of failures is one snapshot, sent at most every
// interval. Half-open comes with time alone, so a snapshot is also sent when the earliest open
// circuit's cooldown ends. Lives on the gateway thread with the registry it watches.

#include "routing/circuit_breaker.h"

#include <QObject>
#include <QTimer>

namespace gatehouse {

class CircuitPublisher : public QObject {
    Q_OBJECT
public:
    CircuitPublisher(CircuitBreakerRegistry* registry, int intervalMs, QObject* parent = nullptr);

Q_SIGNALS:
    void published(const gatehouse::CircuitSnapshot& snapshot);

private:
    void publish();

    CircuitBreakerRegistry* registry_;
    QTimer coalesce_;     // a change was seen: publish when it fires
    QTimer cooldownEnd_;  // the earliest open circuit turns half-open
};

} // namespace gatehouse
