// The lines the headless log and the status bar show when circuits change.
#include "routing/circuit_changes.h"

#include <QTest>

using namespace gatehouse;

namespace {

CircuitStatus status(const char* key, CircuitState state, qint64 probeInMs = 0)
{
    CircuitStatus s;
    s.key = key;
    s.state = state;
    s.probeInMs = probeInMs;
    s.config.failureThreshold = 3;
    s.config.windowMs = 10'000;
    s.config.cooldownMs = 30'000;
    return s;
}

} // namespace

class TestCircuitChanges : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void onlyChangesAreDescribed();
    void summaryCountsOpenAndProbing();
};

void TestCircuitChanges::onlyChangesAreDescribed()
{
    const std::vector<CircuitStatus> before{status("a", CircuitState::Closed), status("b", CircuitState::Open, 1000),
                                            status("c", CircuitState::HalfOpen)};
    const std::vector<CircuitStatus> after{status("a", CircuitState::Open, 30'000), status("b", CircuitState::HalfOpen),
                                           status("c", CircuitState::Closed), status("d", CircuitState::Closed)};
    const QStringList lines = describeCircuitChanges(before, after);
    QCOMPARE(lines.size(), 3);   // d is new but closed: nothing to say
    QCOMPARE(lines[0], QStringLiteral("circuit open: a (3 failures within 10 s); skipped, probing again in 30 s"));
    QCOMPARE(lines[1], QStringLiteral("circuit half-open: b; the next request probes it"));
    QCOMPARE(lines[2], QStringLiteral("circuit closed: c answered again"));
    QVERIFY(describeCircuitChanges(after, after).isEmpty());
    const QStringList again = describeCircuitChanges({status("b", CircuitState::HalfOpen)}, {status("b", CircuitState::Open, 1500)});
    QCOMPARE(again, QStringList{QStringLiteral("circuit open again: b (the probe failed); probing again in 1.5 s")});
}

void TestCircuitChanges::summaryCountsOpenAndProbing()
{
    QCOMPARE(circuitSummary({}), QString());
    QCOMPARE(circuitSummary({status("a", CircuitState::Closed)}), QString());
    QCOMPARE(circuitSummary({status("a", CircuitState::Open)}), QStringLiteral("1 circuit open"));
    QCOMPARE(circuitSummary({status("a", CircuitState::Open), status("b", CircuitState::Open), status("c", CircuitState::HalfOpen)}),
             QStringLiteral("2 circuits open, 1 probing"));
}

QTEST_GUILESS_MAIN(TestCircuitChanges)
#include "tst_circuit_changes.moc"
