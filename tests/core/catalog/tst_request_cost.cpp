// requestCostUsd: the cost maths (plain, cached reads, cache writes, long-context tier, unknowns).
#include "catalog/request_cost.h"

#include <QTest>

using namespace gatehouse;

namespace {

ModelInfo model(double in, double out, std::optional<double> cached = std::nullopt, std::optional<double> write = std::nullopt)
{
    ModelInfo m;
    m.provider = QStringLiteral("p");
    m.id = QStringLiteral("m");
    ModelPrice p;
    p.input = in;
    p.output = out;
    p.cachedInput = cached;
    p.cacheWriteInput = write;
    m.price = p;
    return m;
}

Usage usage(qint64 prompt, qint64 completion, qint64 cached = 0, qint64 written = 0)
{
    Usage u;
    u.promptTokens = prompt;
    u.completionTokens = completion;
    u.totalTokens = prompt + completion;
    u.cachedTokens = cached;
    u.cacheWriteTokens = written;
    return u;
}

bool near(std::optional<double> a, double b) { return a && std::abs(*a - b) < 1e-12; }

} // namespace

class TestRequestCost : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void plainTokens()
    {
        // gpt-4o: $2.50 in, $10 out per 1M: 1000 in + 500 out = 0.0025 + 0.005
        const ModelInfo m = model(2.5, 10);
        QVERIFY(near(requestCostUsd(&m, usage(1000, 500)), 0.0075));
    }
    void cachedReadsAreDiscounted()
    {
        // 1000 prompt tokens of which 800 cached at $1.25: 200*2.5 + 800*1.25 + 100*10 = 2500 / 1e6
        const ModelInfo m = model(2.5, 10, 1.25);
        QVERIFY(near(requestCostUsd(&m, usage(1000, 100, 800)), 0.0025));
    }
    void cachedWithoutKnownDiscountCostFullInput()
    {
        const ModelInfo m = model(2.5, 10);
        QVERIFY(near(requestCostUsd(&m, usage(1000, 100, 800)), requestCostUsd(&m, usage(1000, 100)).value()));
    }
    void cacheWritesUseTheWritePrice()
    {
        // Anthropic Sonnet: $3 in, $15 out, $0.30 read, $3.75 write.
        // prompt 1500 = 1000 written + 300 read + 200 plain: 200*3 + 300*0.3 + 1000*3.75 + 50*15 = 5190
        const ModelInfo m = model(3, 15, 0.3, 3.75);
        QVERIFY(near(requestCostUsd(&m, usage(1500, 50, 300, 1000)), 0.00519));
    }
    void inconsistentCountsAreClamped()
    {
        // A provider claiming more cached tokens than prompt tokens cannot make the cost negative.
        const ModelInfo m = model(2.5, 10, 1.25);
        QVERIFY(near(requestCostUsd(&m, usage(100, 0, 500)), 100 * 1.25 / 1e6));
        QVERIFY(near(requestCostUsd(&m, usage(100, -1)), 100 * 2.5 / 1e6));   // completion not reported
    }
    void longContextTier()
    {
        ModelInfo m = model(1.25, 10, 0.125);
        ModelPrice high;
        high.input = 2.5;
        high.output = 15;
        high.cachedInput = 0.25;
        high.aboveTokens = 128000;
        m.longContextPrice = high;
        QVERIFY(near(requestCostUsd(&m, usage(128000, 1000)), (128000 * 1.25 + 1000 * 10) / 1e6));
        QVERIFY(near(requestCostUsd(&m, usage(128001, 1000)), (128001 * 2.5 + 1000 * 15) / 1e6));
    }
    void embeddingsHaveNoOutput()
    {
        const ModelInfo m = model(0.02, 0);
        QVERIFY(near(requestCostUsd(&m, usage(5000, 0)), 0.0001));
    }
    void unknownIsNotZero()
    {
        QVERIFY(!requestCostUsd(nullptr, usage(10, 10)));
        ModelInfo unpriced = model(1, 1);
        unpriced.price.reset();
        QVERIFY(!requestCostUsd(&unpriced, usage(10, 10)));
        const ModelInfo m = model(1, 1);
        QVERIFY(!requestCostUsd(&m, Usage{}));   // no usage reported
    }
};

QTEST_GUILESS_MAIN(TestRequestCost)
#include "tst_request_cost.moc"
