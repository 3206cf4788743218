#include "pages/refresh_throttle.h"

#include <QElapsedTimer>

namespace gatehouse {

RefreshThrottle::RefreshThrottle(int intervalMs, Clock clock, QObject* parent)
    : QObject(parent)
    , intervalMs_(intervalMs)
    , clock_(std::move(clock))
{
    if (!clock_) {
        auto started = std::make_shared<QElapsedTimer>();
        started->start();
        clock_ = [started] { return started->elapsed(); };
    }
    timer_.setSingleShot(true);
    connect(&timer_, &QTimer::timeout, this, &RefreshThrottle::poll);
}

void RefreshThrottle::request()
{
    dirty_ = true;
    poll();
}

void RefreshThrottle::setActive(bool active)
{
    active_ = active;
    if (active)
        poll();
    else
        timer_.stop();   // a hidden page does no work; the pending request waits for activation
}

void RefreshThrottle::poll()
{
    if (!active_ || !dirty_)
        return;
    const qint64 now = clock_();
    const qint64 wait = fired_ ? lastFireMs_ + intervalMs_ - now : 0;
    if (wait > 0) {
        if (!timer_.isActive())
            timer_.start(int(wait));
        return;
    }
    timer_.stop();
    dirty_ = false;
    fired_ = true;
    lastFireMs_ = now;
    Q_EMIT fire();
}

} // namespace gatehouse
