// The semantic index's graph: best-first answers above the bar, removal, slot reuse under churn, and
// an exact repeat finding its own entry.

#include "cache/vector_index.h"

#include <QTest>

#include <cmath>
#include <random>

using namespace gatehouse;

namespace {

std::vector<float> unit(std::vector<float> v)
{
    float n = 0;
    for (float x : v)
        n += x * x;
    for (float& x : v)
        x /= std::sqrt(n);
    return v;
}

std::vector<float> randomUnit(std::mt19937& rng, int dim)
{
    std::normal_distribution<float> normal;
    std::vector<float> v(static_cast<std::size_t>(dim));
    for (float& x : v)
        x = normal(rng);
    return unit(std::move(v));
}

} // namespace

class TestVectorIndex : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void answersBestFirstAboveTheBar()
    {
        VectorIndex index(4);
        const auto a = unit({1, 0, 0, 0});
        const auto b = unit({1, 1, 0, 0});
        const auto c = unit({0, 0, 1, 0});
        index.add(1, a.data());
        index.add(2, b.data());
        index.add(3, c.data());
        const auto q = unit({1, 0.1f, 0, 0});
        const auto all = index.nearest(q.data(), 8, -1.0f);
        QCOMPARE(all.size(), std::size_t(3));
        QCOMPARE(all[0].id, 1u);
        QCOMPARE(all[1].id, 2u);
        QCOMPARE(all[2].id, 3u);
        QVERIFY(std::fabs(all[0].score - VectorIndex::dot(q.data(), a.data(), 4)) < 1e-5f);
        const auto close = index.nearest(q.data(), 8, 0.9f);
        QCOMPARE(close.size(), std::size_t(1));   // b is at cos ~0.77
        QCOMPARE(close[0].id, 1u);
        QCOMPARE(index.nearest(q.data(), 1, -1.0f).size(), std::size_t(1));
    }

    void aRemovedEntryIsNeverAnsweredAndItsSlotIsReused()
    {
        VectorIndex index(4);
        const auto a = unit({1, 0, 0, 0});
        const auto b = unit({0, 1, 0, 0});
        index.add(1, a.data());
        index.add(2, b.data());
        index.remove(1);
        index.remove(1);   // twice: no effect
        QCOMPARE(index.size(), std::size_t(1));
        QVERIFY(index.nearest(a.data(), 8, 0.5f).empty());
        index.add(3, a.data());   // takes the deleted slot
        QCOMPARE(index.size(), std::size_t(2));
        const auto found = index.nearest(a.data(), 8, 0.5f);
        QCOMPARE(found.size(), std::size_t(1));
        QCOMPARE(found[0].id, 3u);
        index.add(3, b.data());   // the same id again: its vector is replaced
        QCOMPARE(index.size(), std::size_t(2));
        QVERIFY(index.nearest(a.data(), 8, 0.5f).empty());
    }

    void aRepeatFindsItsOwnEntryThroughChurn()
    {
        // 3,000 entries (the graph grows past its first capacity several times), then 3,000 evict+add
        // rounds: every live vector asked again finds itself first, no evicted one is answered.
        std::mt19937 rng(5);
        constexpr int kDim = 48;
        VectorIndex index(kDim);
        std::vector<std::vector<float>> live;
        for (int i = 0; i < 3000; ++i) {
            live.push_back(randomUnit(rng, kDim));
            index.add(std::uint64_t(i), live.back().data());
        }
        std::vector<std::vector<float>> evicted;
        for (int i = 0; i < 3000; ++i) {
            index.remove(std::uint64_t(i));
            evicted.push_back(live[std::size_t(i)]);
            live[std::size_t(i)] = randomUnit(rng, kDim);
            index.add(std::uint64_t(3000 + i), live[std::size_t(i)].data());
        }
        QCOMPARE(index.size(), std::size_t(3000));
        int found = 0;
        for (std::size_t i = 0; i < live.size(); ++i) {
            const auto m = index.nearest(live[i].data(), 1, 0.99f);
            found += !m.empty() && m[0].id == 3000 + i;
        }
        QVERIFY2(found >= 2970, qPrintable(QStringLiteral("%1 of 3000 found themselves").arg(found)));
        for (std::size_t i = 0; i < evicted.size(); i += 10)
            QVERIFY(index.nearest(evicted[i].data(), 8, 0.99f).empty());
    }
};

QTEST_APPLESS_MAIN(TestVectorIndex)
#include "tst_vector_index.moc"
