#include "routing/circuit_publisher.h"

#include <limits>

namespace gatehouse {

CircuitPublisher::CircuitPublisher(CircuitBreakerRegistry* registry, int intervalMs, QObject* parent)
    : QObject(parent)
    , registry_(registry)
{
    coalesce_.setSingleShot(true);
    coalesce_.setInterval(intervalMs);
    cooldownEnd_.setSingleShot(true);
    connect(&coalesce_, &QTimer::timeout, this, &CircuitPublisher::publish);
    connect(&cooldownEnd_, &QTimer::timeout, this, &CircuitPublisher::publish);
    registry_->setObserver([this] {
        if (!coalesce_.isActive())
            coalesce_.start();
    });
}

void CircuitPublisher::publish()
{
    auto statuses = std::make_shared<std::vector<CircuitStatus>>(registry_->statuses());
    qint64 next = std::numeric_limits<qint64>::max();
    for (const CircuitStatus& s : *statuses) {
        if (s.state == CircuitState::Open)
            next = std::min(next, s.probeInMs);
    }
    if (next != std::numeric_limits<qint64>::max())
        cooldownEnd_.start(int(std::min<qint64>(next + 1, std::numeric_limits<int>::max())));
    else
        cooldownEnd_.stop();
    Q_EMIT published(CircuitSnapshot(std::move(statuses)));
}

} // namespace gatehouse
