#pragma once
// "Something changed, look again" at most once per interval, and only while active (the page is
// visible). Requests in between are coalesced into one fire() at the end of the interval; requests
// while inactive into one fire() on activation. The clock is injected so tests can step time.

#include <QObject>
#include <QTimer>

#include <functional>

namespace gatehouse {

class RefreshThrottle : public QObject {
    Q_OBJECT
public:
    using Clock = std::function<qint64()>;   // ms, monotonic

    explicit RefreshThrottle(int intervalMs, Clock clock = {}, QObject* parent = nullptr);

    void request();
    void setActive(bool active);
    bool isActive() const { return active_; }
    bool isPending() const { return dirty_; }
    // When fire() is due (ms from now) while a request waits for the interval; -1 when none is scheduled.
    int scheduledInMs() const { return timer_.isActive() ? timer_.interval() : -1; }
    int intervalMs() const { return intervalMs_; }

public Q_SLOTS:
    // Fires now if a request waits and the interval has passed (the timer calls it; tests may too).
    void poll();

Q_SIGNALS:
    void fire();

private:
    int intervalMs_;
    Clock clock_;
    QTimer timer_;
    qint64 lastFireMs_ = 0;
    bool fired_ = false;
    bool dirty_ = false;
    bool active_ = false;
};

} // namespace gatehouse
