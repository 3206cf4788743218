// chooseWeighted: loadbalance picks index i with probability weight_i / sum(weights).
#include "routing/weighted_choice.h"

#include <QTest>

#include <cmath>
#include <limits>
#include <random>

using gatehouse::chooseWeighted;

class TestWeightedChoice : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sharesMatchWeights_data();
    void sharesMatchWeights();
    void allZeroOrEmptyChoosesNothing();
    void edgesOfTheRandomNumber();
    void unusableWeightsCountAsZero();
};

void TestWeightedChoice::sharesMatchWeights_data()
{
    QTest::addColumn<std::vector<double>>("weights");
    QTest::addColumn<quint64>("seed");
    QTest::newRow("3:1 (Portkey's verified ratio)") << std::vector<double>{3, 1} << quint64(1);
    QTest::newRow("halves") << std::vector<double>{0.5, 0.5} << quint64(2);
    QTest::newRow("with zeros") << std::vector<double>{0, 3, 1, 0, 6} << quint64(3);
    QTest::newRow("uneven small") << std::vector<double>{0.05, 0.15, 0.8} << quint64(4);
    QTest::newRow("single") << std::vector<double>{7} << quint64(5);
    QTest::newRow("many") << std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10} << quint64(6);
}

void TestWeightedChoice::sharesMatchWeights()
{
    QFETCH(std::vector<double>, weights);
    QFETCH(quint64, seed);
    constexpr int kDraws = 10'000;
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    std::vector<int> counts(weights.size(), 0);
    for (int i = 0; i < kDraws; ++i) {
        const auto chosen = chooseWeighted(weights, uniform(rng));
        QVERIFY(chosen.has_value());
        QVERIFY(*chosen < weights.size());
        ++counts[*chosen];
    }
    double total = 0;
    for (double w : weights)
        total += w;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        const double p = weights[i] / total;
        if (p == 0) {
            QCOMPARE(counts[i], 0);   // zero weights are never chosen
            continue;
        }
        const double expected = kDraws * p;
        const double sigma = std::sqrt(kDraws * p * (1 - p));
        QVERIFY2(std::fabs(counts[i] - expected) <= 3 * sigma + 1e-9,
                 qPrintable(QStringLiteral("index %1: %2 draws, expected %3 +- %4").arg(i).arg(counts[i]).arg(expected).arg(3 * sigma)));
    }
}

void TestWeightedChoice::allZeroOrEmptyChoosesNothing()
{
    QVERIFY(!chooseWeighted({0, 0, 0}, 0.5).has_value());
    QVERIFY(!chooseWeighted({0}, 0.0).has_value());
    QVERIFY(!chooseWeighted({}, 0.3).has_value());
}

void TestWeightedChoice::edgesOfTheRandomNumber()
{
    const std::vector<double> w{0, 1, 1, 0};
    QCOMPARE(chooseWeighted(w, 0.0).value(), std::size_t(1));
    QCOMPARE(chooseWeighted(w, 0.4999).value(), std::size_t(1));
    QCOMPARE(chooseWeighted(w, 0.5).value(), std::size_t(2));
    QCOMPARE(chooseWeighted(w, std::nextafter(1.0, 0.0)).value(), std::size_t(2));
    // Out-of-range inputs are clamped rather than trusted.
    QCOMPARE(chooseWeighted(w, 1.0).value(), std::size_t(2));
    QCOMPARE(chooseWeighted(w, 7.0).value(), std::size_t(2));
    QCOMPARE(chooseWeighted(w, -1.0).value(), std::size_t(1));
    QCOMPARE(chooseWeighted(w, std::numeric_limits<double>::quiet_NaN()).value(), std::size_t(1));
}

void TestWeightedChoice::unusableWeightsCountAsZero()
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    for (double r : {0.0, 0.3, 0.7, 0.999}) {
        QCOMPARE(chooseWeighted({-5, nan, 2, inf}, r).value(), std::size_t(2));
    }
    QVERIFY(!chooseWeighted({-1, nan}, 0.5).has_value());
}

QTEST_GUILESS_MAIN(TestWeightedChoice)
#include "tst_weighted_choice.moc"
