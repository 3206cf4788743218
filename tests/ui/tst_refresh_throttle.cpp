// RefreshThrottle: live refreshes at most once per interval, coalesced, and none while inactive.
// Time is an injected clock; the timer's due time is read, never waited for.
#include "pages/refresh_throttle.h"

#include <QSignalSpy>
#include <QTest>

using namespace gatehouse;

class TestRefreshThrottle : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void firstRequestFiresAtOnce();
    void burstIsCoalescedUntilIntervalPassed();
    void inactiveDefersUntilActivated();
    void nothingRequestedNothingFires();
};

void TestRefreshThrottle::firstRequestFiresAtOnce()
{
    qint64 now = 10'000;
    RefreshThrottle t(2000, [&] { return now; });
    QSignalSpy fired(&t, &RefreshThrottle::fire);
    t.setActive(true);
    t.request();
    QCOMPARE(fired.count(), 1);
    QVERIFY(!t.isPending());
}

void TestRefreshThrottle::burstIsCoalescedUntilIntervalPassed()
{
    qint64 now = 0;
    RefreshThrottle t(2000, [&] { return now; });
    QSignalSpy fired(&t, &RefreshThrottle::fire);
    t.setActive(true);
    t.request();
    QCOMPARE(fired.count(), 1);
    // 50 batches within the next 1.5 s: none fires now, one is due when the interval ends.
    for (int i = 0; i < 50; ++i) {
        now += 30;
        t.request();
    }
    QCOMPARE(fired.count(), 1);
    QVERIFY(t.isPending());
    QCOMPARE(t.scheduledInMs(), 2000 - 30);   // scheduled by the first request of the burst
    now = 1999;
    t.poll();   // an early timer (or a poll) does not fire before the interval is over
    QCOMPARE(fired.count(), 1);
    now = 2000;
    t.poll();
    QCOMPARE(fired.count(), 2);
    QVERIFY(!t.isPending());
    QCOMPARE(t.scheduledInMs(), -1);
    // Quiet afterwards: a request after a long pause fires immediately.
    now = 10'000;
    t.request();
    QCOMPARE(fired.count(), 3);
}

void TestRefreshThrottle::inactiveDefersUntilActivated()
{
    qint64 now = 0;
    RefreshThrottle t(2000, [&] { return now; });
    QSignalSpy fired(&t, &RefreshThrottle::fire);
    t.request();   // not shown yet
    t.request();
    QCOMPARE(fired.count(), 0);
    QCOMPARE(t.scheduledInMs(), -1);   // no timer runs for a hidden page
    t.setActive(true);
    QCOMPARE(fired.count(), 1);        // both requests, one refresh
    now = 500;
    t.request();                       // due at 2000
    QVERIFY(t.scheduledInMs() > 0);
    t.setActive(false);                // hidden before it was due: the timer stops
    QCOMPARE(t.scheduledInMs(), -1);
    now = 5000;
    QCOMPARE(fired.count(), 1);
    t.setActive(true);
    QCOMPARE(fired.count(), 2);
}

void TestRefreshThrottle::nothingRequestedNothingFires()
{
    qint64 now = 0;
    RefreshThrottle t(2000, [&] { return now; });
    QSignalSpy fired(&t, &RefreshThrottle::fire);
    t.setActive(true);
    t.setActive(false);
    t.setActive(true);
    now = 100'000;
    t.poll();
    QCOMPARE(fired.count(), 0);
}

QTEST_GUILESS_MAIN(TestRefreshThrottle)
#include "tst_refresh_throttle.moc"
