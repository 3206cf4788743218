// Per-key rates at the exact edges of the 60 s window, with an injected clock.

#include "keys/key_rate_limiter.h"

#include <QTest>

using namespace gatehouse;

class TestKeyRateLimiter : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void requestsPerMinuteAtTheBoundary()
    {
        qint64 now = 1'000'000;
        KeyRateLimiter limiter([&] { return now; });
        KeyLimits limits;
        limits.requestsPerMinute = 3;
        QVERIFY(!limiter.admit(QStringLiteral("k"), limits));          // t0
        now += 10'000;
        QVERIFY(!limiter.admit(QStringLiteral("k"), limits));          // t0 + 10 s
        QVERIFY(!limiter.admit(QStringLiteral("k"), limits));          // t0 + 10 s
        auto e = limiter.admit(QStringLiteral("k"), limits);           // 4th within the minute
        QVERIFY(e);
        QCOMPARE(e->status, 429);
        QCOMPARE(e->code, QStringLiteral("virtual_key_rate_limited"));
        QCOMPARE(e->retryAfterSeconds, 50);                            // t0 leaves at t0 + 60 s
        now = 1'000'000 + 59'999;                                      // 1 ms before the first call expires
        e = limiter.admit(QStringLiteral("k"), limits);
        QVERIFY(e);
        QCOMPARE(e->retryAfterSeconds, 1);
        now = 1'000'000 + 60'000;                                      // exactly when it expires
        QVERIFY(!limiter.admit(QStringLiteral("k"), limits));
        QVERIFY(limiter.admit(QStringLiteral("k"), limits));           // full again
    }

    void refusedCallsDoNotCount()
    {
        qint64 now = 0;
        KeyRateLimiter limiter([&] { return now; });
        KeyLimits limits;
        limits.requestsPerMinute = 1;
        QVERIFY(!limiter.admit(QStringLiteral("k"), limits));
        for (int i = 0; i < 5; ++i)
            QVERIFY(limiter.admit(QStringLiteral("k"), limits));
        now = 60'000;
        QVERIFY(!limiter.admit(QStringLiteral("k"), limits));
    }

    void keysAreIndependentAndZeroMeansNoLimit()
    {
        qint64 now = 0;
        KeyRateLimiter limiter([&] { return now; });
        KeyLimits one;
        one.requestsPerMinute = 1;
        QVERIFY(!limiter.admit(QStringLiteral("a"), one));
        QVERIFY(limiter.admit(QStringLiteral("a"), one));
        QVERIFY(!limiter.admit(QStringLiteral("b"), one));
        for (int i = 0; i < 100; ++i)
            QVERIFY(!limiter.admit(QStringLiteral("c"), KeyLimits{}));
    }

    void tokensPerMinuteAtTheBoundary()
    {
        qint64 now = 0;
        KeyRateLimiter limiter([&] { return now; });
        KeyLimits limits;
        limits.tokensPerMinute = 100;
        QVERIFY(!limiter.admit(QStringLiteral("k"), limits));
        limiter.addTokens(QStringLiteral("k"), 60);                    // at t = 0
        now = 20'000;
        QVERIFY(!limiter.admit(QStringLiteral("k"), limits));          // 60 < 100
        limiter.addTokens(QStringLiteral("k"), 39);                    // 99 at t = 20 s
        QVERIFY(!limiter.admit(QStringLiteral("k"), limits));          // 99 < 100: still admitted
        limiter.addTokens(QStringLiteral("k"), 1);                     // exactly 100
        auto e = limiter.admit(QStringLiteral("k"), limits);
        QVERIFY(e);
        QCOMPARE(e->retryAfterSeconds, 40);                            // the 60 at t = 0 leave at 60 s
        now = 60'000;
        QVERIFY(!limiter.admit(QStringLiteral("k"), limits));          // 40 left in the window
    }
};

QTEST_GUILESS_MAIN(TestKeyRateLimiter)
#include "tst_key_rate_limiter.moc"
