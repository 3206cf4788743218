// CircuitBreaker / CircuitBreakerRegistry with an injected clock.
#include "routing/circuit_breaker.h"

#include <QTest>

using gatehouse::CircuitBreaker;
using gatehouse::CircuitBreakerConfig;
using gatehouse::CircuitBreakerRegistry;
using gatehouse::CircuitState;
using gatehouse::circuitStateName;

namespace {

CircuitBreakerConfig config(int threshold = 3, int windowMs = 1000, int cooldownMs = 5000)
{
    CircuitBreakerConfig c;
    c.failureThreshold = threshold;
    c.windowMs = windowMs;
    c.cooldownMs = cooldownMs;
    return c;
}

} // namespace

class TestCircuitBreaker : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void opensAtThresholdWithinWindow();
    void failuresOutsideWindowDoNotCount();
    void halfOpenAfterCooldown();
    void probeSuccessCloses();
    void probeFailureReopens();
    void onlyOneProbeAtATime();
    void lostProbeIsReplacedAfterAnotherCooldown();
    void lateAnswersWhileOpenChangeNothing();
    void successesDoNotEraseFailures();
    void registryKeepsStatePerKey();
    void statusesAndObserver();
    void stateNames();
};

void TestCircuitBreaker::opensAtThresholdWithinWindow()
{
    CircuitBreaker b(config(3, 1000, 5000));
    QVERIFY(b.allowRequest(0));
    b.onFailure(100);
    b.onFailure(200);
    QCOMPARE(b.state(250), CircuitState::Closed);
    QVERIFY(b.allowRequest(250));
    b.onFailure(300);
    QCOMPARE(b.state(300), CircuitState::Open);
    QVERIFY(!b.allowRequest(301));
    QVERIFY(!b.allowRequest(5299));
}

void TestCircuitBreaker::failuresOutsideWindowDoNotCount()
{
    CircuitBreaker b(config(3, 1000, 5000));
    b.onFailure(0);
    b.onFailure(500);
    b.onFailure(1000);   // the failure at 0 is now a full window old
    QCOMPARE(b.state(1000), CircuitState::Closed);
    b.onFailure(1400);   // 500, 1000, 1400 fall within 1000 ms
    QCOMPARE(b.state(1400), CircuitState::Open);

    CircuitBreaker spread(config(2, 1000, 5000));
    for (qint64 t = 0; t < 20'000; t += 1500)
        spread.onFailure(t);
    QCOMPARE(spread.state(20'000), CircuitState::Closed);
}

void TestCircuitBreaker::halfOpenAfterCooldown()
{
    CircuitBreaker b(config(1, 1000, 5000));
    b.onFailure(1000);
    QCOMPARE(b.state(1000), CircuitState::Open);
    QCOMPARE(b.state(5999), CircuitState::Open);
    QCOMPARE(b.state(6000), CircuitState::HalfOpen);
    QVERIFY(b.allowRequest(6000));
    QCOMPARE(b.state(6001), CircuitState::HalfOpen);
}

void TestCircuitBreaker::probeSuccessCloses()
{
    CircuitBreaker b(config(2, 1000, 100));
    b.onFailure(0);
    b.onFailure(1);
    QVERIFY(!b.allowRequest(50));
    QVERIFY(b.allowRequest(101));
    b.onSuccess(150);
    QCOMPARE(b.state(150), CircuitState::Closed);
    QVERIFY(b.allowRequest(151));
    QVERIFY(b.allowRequest(152));
    // The failure history was cleared: one new failure does not reopen it.
    b.onFailure(160);
    QCOMPARE(b.state(160), CircuitState::Closed);
}

void TestCircuitBreaker::probeFailureReopens()
{
    CircuitBreaker b(config(1, 1000, 100));
    b.onFailure(0);
    QVERIFY(b.allowRequest(100));
    b.onFailure(130);
    QCOMPARE(b.state(130), CircuitState::Open);
    QVERIFY(!b.allowRequest(200));     // a new cooldown started at 130
    QCOMPARE(b.state(229), CircuitState::Open);
    QCOMPARE(b.state(230), CircuitState::HalfOpen);
    QVERIFY(b.allowRequest(230));
}

void TestCircuitBreaker::onlyOneProbeAtATime()
{
    CircuitBreaker b(config(1, 1000, 100));
    b.onFailure(0);
    QVERIFY(b.allowRequest(100));      // the probe
    QVERIFY(!b.allowRequest(101));     // others wait for its answer
    QVERIFY(!b.allowRequest(150));
    b.onSuccess(160);
    QVERIFY(b.allowRequest(161));
    QVERIFY(b.allowRequest(162));
}

void TestCircuitBreaker::lostProbeIsReplacedAfterAnotherCooldown()
{
    CircuitBreaker b(config(1, 1000, 100));
    b.onFailure(0);
    QVERIFY(b.allowRequest(100));
    QVERIFY(!b.allowRequest(199));
    QVERIFY(b.allowRequest(200));      // the first probe never answered
    QVERIFY(!b.allowRequest(201));
}

void TestCircuitBreaker::lateAnswersWhileOpenChangeNothing()
{
    CircuitBreaker b(config(1, 1000, 100));
    b.onFailure(0);
    b.onSuccess(10);                   // sent before it opened
    QCOMPARE(b.state(10), CircuitState::Open);
    b.onFailure(50);                   // also late: does not restart the cooldown
    QCOMPARE(b.state(100), CircuitState::HalfOpen);
}

void TestCircuitBreaker::successesDoNotEraseFailures()
{
    CircuitBreaker b(config(3, 1000, 100));
    b.onFailure(0);
    b.onSuccess(10);
    b.onFailure(20);
    b.onSuccess(30);
    b.onFailure(40);
    QCOMPARE(b.state(40), CircuitState::Open);
}

void TestCircuitBreaker::registryKeepsStatePerKey()
{
    qint64 now = 0;
    CircuitBreakerRegistry registry([&now] { return now; });
    QCOMPARE(registry.now(), qint64(0));
    CircuitBreaker& a = registry.breaker("a", config(1, 1000, 100));
    a.onFailure(registry.now());
    QCOMPARE(&registry.breaker("a", config(1, 1000, 100)), &a);
    QCOMPARE(registry.breaker("b", config()).state(now), CircuitState::Closed);
    auto snap = registry.snapshot();
    QCOMPARE(snap.size(), std::size_t(2));
    QCOMPARE(snap["a"], CircuitState::Open);
    QCOMPARE(snap["b"], CircuitState::Closed);
    now = 100;
    QCOMPARE(registry.snapshot()["a"], CircuitState::HalfOpen);
    // A later config with other numbers keeps the state and applies the new cooldown.
    now = 50;
    CircuitBreaker& again = registry.breaker("a", config(1, 1000, 40));
    QCOMPARE(again.config().cooldownMs, 40);
    QCOMPARE(again.state(now), CircuitState::HalfOpen);
}

// What observers are told: one call per creation, counted failure or state change (not per
// request), and statuses that say how far each breaker is from opening or probing.
void TestCircuitBreaker::statusesAndObserver()
{
    qint64 now = 1000;
    CircuitBreakerRegistry registry([&now] { return now; });
    int calls = 0;
    registry.setObserver([&calls] { ++calls; });
    CircuitBreaker& a = registry.breaker("a", config(2, 1000, 500));
    QCOMPARE(calls, 1);   // created
    QVERIFY(a.allowRequest(now));
    a.onSuccess(now);
    QCOMPARE(calls, 1);   // a success while closed changes nothing shown
    a.onFailure(now);
    QCOMPARE(calls, 2);
    auto s = registry.statuses();
    QCOMPARE(s.size(), std::size_t(1));
    QCOMPARE(s[0].key, std::string("a"));
    QCOMPARE(s[0].state, CircuitState::Closed);
    QCOMPARE(s[0].recentFailures, 1);
    QCOMPARE(s[0].config.failureThreshold, 2);
    now = 1200;
    a.onFailure(now);     // second failure within the window: opens
    QCOMPARE(calls, 3);
    s = registry.statuses();
    QCOMPARE(s[0].state, CircuitState::Open);
    QCOMPARE(s[0].timesOpened, 1);
    QCOMPARE(s[0].recentFailures, 0);
    QCOMPARE(s[0].probeInMs, qint64(500));
    now = 1500;
    QCOMPARE(registry.statuses()[0].probeInMs, qint64(200));
    now = 1700;           // cooldown over: half-open by time alone, no call
    QCOMPARE(registry.statuses()[0].state, CircuitState::HalfOpen);
    QCOMPARE(calls, 3);
    QVERIFY(a.allowRequest(now));   // the probe leaves: the state is now held, observers told
    QCOMPARE(calls, 4);
    a.onFailure(now);
    QCOMPARE(calls, 5);
    QCOMPARE(registry.statuses()[0].timesOpened, 2);
    now = 2300;
    QVERIFY(a.allowRequest(now));
    a.onSuccess(now);
    QCOMPARE(calls, 7);
    QCOMPARE(registry.statuses()[0].state, CircuitState::Closed);
    // Failures that left the window are not "recent".
    a.onFailure(now);
    now += 1000;
    QCOMPARE(registry.statuses()[0].recentFailures, 0);
}

void TestCircuitBreaker::stateNames()
{
    QCOMPARE(circuitStateName(CircuitState::Closed), "closed");
    QCOMPARE(circuitStateName(CircuitState::Open), "open");
    QCOMPARE(circuitStateName(CircuitState::HalfOpen), "half-open");
}

QTEST_GUILESS_MAIN(TestCircuitBreaker)
#include "tst_circuit_breaker.moc"
