// The routing simulator: the real RouteWalker over a failure scenario, seeded, no network.

#include "routing/route_simulator.h"

#include <QTest>

#include <cmath>
#include <cstring>

using namespace gatehouse;

namespace {

std::shared_ptr<const RoutingConfig> parse(const char* text)
{
    const ConfigParseResult r = parseRoutingConfig(QByteArrayView(text, qsizetype(std::strlen(text))));
    if (!r.config)
        qWarning("%s", formatConfigIssue(r.errors.front()).c_str());
    return r.config;
}

} // namespace

class TestRouteSimulator : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void loadbalanceSharesFollowWeights();
    void sameSeedSameNumbers();
    void fallbackWhenFirstTargetFails();
    void retriesAreCounted();
    void listsLeaves();
};

void TestRouteSimulator::loadbalanceSharesFollowWeights()
{
    const auto config = parse(R"({"strategy":{"mode":"loadbalance"},"targets":[
        {"provider":"openai","weight":0.7},{"provider":"mock","weight":0.3}]})");
    QVERIFY(config);
    const int n = 10000;
    const SimulationResult r = simulateRoutes(config, n, {}, 42);
    QCOMPARE(r.requests, n);
    QCOMPARE(r.succeeded, n);
    const int a = r.leaves.at("config.targets[0]").answered;
    const int b = r.leaves.at("config.targets[1]").answered;
    QCOMPARE(a + b, n);
    // Binomial(n, 0.7): five standard deviations is far outside what a correct draw produces.
    const double tolerance = 5 * std::sqrt(n * 0.7 * 0.3);
    QVERIFY2(std::abs(a - 0.7 * n) < tolerance, qPrintable(QStringLiteral("%1 of %2 to the 0.7 target").arg(a).arg(n)));
    QCOMPARE(r.fellBack, 0);
}

void TestRouteSimulator::sameSeedSameNumbers()
{
    const auto config = parse(R"({"strategy":{"mode":"loadbalance"},"targets":[{"provider":"openai"},{"provider":"mock"}]})");
    const auto a = simulateRoutes(config, 500, {}, 7);
    const auto b = simulateRoutes(config, 500, {}, 7);
    QCOMPARE(a.leaves.at("config.targets[0]").answered, b.leaves.at("config.targets[0]").answered);
    // Other seeds draw differently (any one may tie by chance; five in a row do not).
    int differ = 0;
    for (std::uint64_t seed = 8; seed < 13; ++seed)
        differ += simulateRoutes(config, 500, {}, seed).leaves.at("config.targets[0]").answered != a.leaves.at("config.targets[0]").answered;
    QVERIFY(differ > 0);
}

void TestRouteSimulator::fallbackWhenFirstTargetFails()
{
    const auto config = parse(R"({"strategy":{"mode":"fallback"},"targets":[{"provider":"openai"},{"provider":"mock"}]})");
    FailureScenario s;
    s.statusByPath["config.targets[0]"] = 503;
    const SimulationResult r = simulateRoutes(config, 200, s, 1);
    QCOMPARE(r.leaves.at("config.targets[0]").attempts, 200);
    QCOMPARE(r.leaves.at("config.targets[0]").failures, 200);
    QCOMPARE(r.leaves.at("config.targets[0]").answered, 0);
    QCOMPARE(r.leaves.at("config.targets[1]").answered, 200);
    QCOMPARE(r.fellBack, 200);
    QCOMPARE(r.succeeded, 200);
    // Both failing: the last answer (the second target's) is what the client gets.
    s.statusByPath["config.targets[1]"] = 429;
    const SimulationResult both = simulateRoutes(config, 10, s, 1);
    QCOMPARE(both.failed, 10);
    QCOMPARE(both.leaves.at("config.targets[1]").answered, 10);
}

void TestRouteSimulator::retriesAreCounted()
{
    const auto config = parse(R"({"retry":{"attempts":2},"strategy":{"mode":"fallback"},"targets":[
        {"provider":"openai"},{"provider":"mock"}]})");
    FailureScenario s;
    s.statusByPath["config.targets[0]"] = 503;
    const SimulationResult r = simulateRoutes(config, 10, s, 3);
    QCOMPARE(r.leaves.at("config.targets[0]").attempts, 30);   // 1 call + 2 retries each
    QCOMPARE(r.leaves.at("config.targets[0]").retries, 20);
    QCOMPARE(r.leaves.at("config.targets[1]").attempts, 10);
    QCOMPARE(r.retries, 20);
    QCOMPARE(r.succeeded, 10);
    // A status the retry policy does not cover is not retried (400), but fallback still moves on.
    s.statusByPath["config.targets[0]"] = 400;
    const SimulationResult no = simulateRoutes(config, 10, s, 3);
    QCOMPARE(no.retries, 0);
    QCOMPARE(no.leaves.at("config.targets[1]").answered, 10);
}

void TestRouteSimulator::listsLeaves()
{
    const auto config = parse(R"({"strategy":{"mode":"fallback"},"targets":[
        {"strategy":{"mode":"loadbalance"},"targets":[{"provider":"openai","override_params":{"model":"gpt-4o"}},{"provider":"mock"}]},
        {"provider":"mock","name":"last"}]})");
    const auto leaves = simulatedLeaves(*config);
    QCOMPARE(leaves.size(), std::size_t(3));
    QCOMPARE(leaves[0].path, std::string("config.targets[0].targets[0]"));
    QCOMPARE(leaves[0].label, std::string("openai gpt-4o"));
    QCOMPARE(leaves[2].path, std::string("config.targets[1]"));
    QCOMPARE(leaves[2].label, std::string("mock (last)"));
}

QTEST_GUILESS_MAIN(TestRouteSimulator)
#include "tst_route_simulator.moc"
