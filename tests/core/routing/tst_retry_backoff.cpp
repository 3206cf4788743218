// backoffDelayMs (full jitter, capped) and Retry-After parsing.
#include "routing/retry_backoff.h"

#include <QTest>

#include <cmath>
#include <random>

using gatehouse::BackoffParams;
using gatehouse::HeaderList;
using gatehouse::parseRetryAfter;
using gatehouse::RetryAfter;
using gatehouse::retryAfterMs;
using gatehouse::backoffDelayMs;

namespace {

HeaderList headers(std::initializer_list<std::pair<const char*, const char*>> list)
{
    HeaderList h;
    for (const auto& [name, value] : list)
        h.emplace_back(QByteArray(name), QByteArray(value));
    return h;
}

constexpr qint64 kNow = 784111772000;   // 1994-11-06T08:49:32Z: five seconds before the dates below
const double kAlmostOne = std::nextafter(1.0, 0.0);

} // namespace

class TestRetryBackoff : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void backoffBounds_data();
    void backoffBounds();
    void backoffSamplesStayInRange();
    void backoffDegenerateInputs();
    void retryAfter_data();
    void retryAfter();
    void retryAfterKinds();
};

void TestRetryBackoff::backoffBounds_data()
{
    QTest::addColumn<int>("baseMs");
    QTest::addColumn<int>("capMs");
    QTest::newRow("defaults 500/30000") << 500 << 30'000;
    QTest::newRow("small cap 500/3000") << 500 << 3'000;
    QTest::newRow("1000/60000") << 1000 << 60'000;
}

void TestRetryBackoff::backoffBounds()
{
    QFETCH(int, baseMs);
    QFETCH(int, capMs);
    const BackoffParams p{baseMs, capMs};
    for (int i = 0; i <= 6; ++i) {
        const int ceiling = std::min(capMs, baseMs * (1 << i));
        QCOMPARE(backoffDelayMs(i, 0.0, p), 0);
        QCOMPARE(backoffDelayMs(i, kAlmostOne, p), ceiling);       // the whole jitter range is reachable
        const int half = backoffDelayMs(i, 0.5, p);
        QVERIFY2(std::abs(half - ceiling / 2) <= 1, qPrintable(QStringLiteral("retry %1: %2").arg(i).arg(half)));
        QVERIFY(backoffDelayMs(i, kAlmostOne, p) <= capMs);
    }
    // Much later retries stay at the cap.
    QCOMPARE(backoffDelayMs(30, kAlmostOne, p), capMs);
    QCOMPARE(backoffDelayMs(1000, kAlmostOne, p), capMs);
}

void TestRetryBackoff::backoffSamplesStayInRange()
{
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    for (int i = 0; i <= 6; ++i) {
        const int ceiling = std::min(30'000, 500 * (1 << i));
        int lo = ceiling, hi = 0;
        for (int n = 0; n < 2000; ++n) {
            const int d = backoffDelayMs(i, uniform(rng));
            QVERIFY(d >= 0 && d <= ceiling);
            lo = std::min(lo, d);
            hi = std::max(hi, d);
        }
        QVERIFY(lo < ceiling / 10);        // jitter spreads over the whole range
        QVERIFY(hi > ceiling * 9 / 10);
    }
}

void TestRetryBackoff::backoffDegenerateInputs()
{
    QCOMPARE(backoffDelayMs(-3, kAlmostOne), 500);   // negative index: the first retry
    QCOMPARE(backoffDelayMs(2, 7.0), 2000);          // r01 clamped below 1
    QCOMPARE(backoffDelayMs(2, -1.0), 0);
    QCOMPARE(backoffDelayMs(2, std::nan("")), 0);
    QCOMPARE(backoffDelayMs(2, 0.9, BackoffParams{0, 1000}), 0);
    QCOMPARE(backoffDelayMs(2, 0.9, BackoffParams{500, 0}), 0);
}

void TestRetryBackoff::retryAfter_data()
{
    QTest::addColumn<HeaderList>("h");
    QTest::addColumn<int>("capMs");
    QTest::addColumn<int>("expected");   // -1 = nullopt
    QTest::newRow("none") << headers({}) << 60'000 << -1;
    QTest::newRow("retry-after-ms") << headers({{"retry-after-ms", "1500"}}) << 60'000 << 1500;
    QTest::newRow("retry-after-ms fractional") << headers({{"retry-after-ms", "12.2"}}) << 60'000 << 13;
    QTest::newRow("x-ms-retry-after-ms") << headers({{"x-ms-retry-after-ms", " 250 "}}) << 60'000 << 250;
    QTest::newRow("seconds") << headers({{"retry-after", "3"}}) << 60'000 << 3000;
    QTest::newRow("zero seconds") << headers({{"retry-after", "0"}}) << 60'000 << 0;
    QTest::newRow("fractional seconds") << headers({{"retry-after", "1.5"}}) << 60'000 << 1500;
    QTest::newRow("IMF-fixdate") << headers({{"retry-after", "Sun, 06 Nov 1994 08:49:37 GMT"}}) << 60'000 << 5000;
    QTest::newRow("RFC 850 date") << headers({{"retry-after", "Sunday, 06-Nov-94 08:49:37 GMT"}}) << 60'000 << 5000;
    QTest::newRow("asctime date") << headers({{"retry-after", "Sun Nov  6 08:49:37 1994"}}) << 60'000 << 5000;
    QTest::newRow("numeric zone date") << headers({{"retry-after", "Sun, 06 Nov 1994 09:49:37 +0100"}}) << 60'000 << 5000;
    QTest::newRow("date in the past") << headers({{"retry-after", "Sun, 06 Nov 1994 08:00:00 GMT"}}) << 60'000 << 0;
    QTest::newRow("garbage") << headers({{"retry-after", "soon"}}) << 60'000 << -1;
    QTest::newRow("negative") << headers({{"retry-after", "-5"}}) << 60'000 << -1;
    QTest::newRow("with unit") << headers({{"retry-after-ms", "100ms"}}) << 60'000 << -1;
    QTest::newRow("empty") << headers({{"retry-after", ""}}) << 60'000 << -1;
    QTest::newRow("seconds above cap") << headers({{"retry-after", "120"}}) << 60'000 << -1;
    QTest::newRow("at the cap") << headers({{"retry-after", "60"}}) << 60'000 << 60'000;
    QTest::newRow("ms above small cap") << headers({{"retry-after-ms", "2001"}}) << 2000 << -1;
    QTest::newRow("date above cap") << headers({{"retry-after", "Mon, 07 Nov 1994 08:49:37 GMT"}}) << 60'000 << -1;
    QTest::newRow("huge number") << headers({{"retry-after", "99999999999999999999"}}) << 60'000 << -1;
    QTest::newRow("ms header wins") << headers({{"retry-after", "30"}, {"retry-after-ms", "10"}}) << 60'000 << 10;
    QTest::newRow("garbage ms falls through") << headers({{"retry-after-ms", "x"}, {"retry-after", "2"}}) << 60'000 << 2000;
}

void TestRetryBackoff::retryAfter()
{
    QFETCH(HeaderList, h);
    QFETCH(int, capMs);
    QFETCH(int, expected);
    const auto got = retryAfterMs(h, kNow, capMs);
    QCOMPARE(got.value_or(-1), expected);
}

void TestRetryBackoff::retryAfterKinds()
{
    QCOMPARE(parseRetryAfter(headers({}), kNow).kind, RetryAfter::Kind::Absent);
    QCOMPARE(parseRetryAfter(headers({{"retry-after", "tomorrow"}}), kNow).kind, RetryAfter::Kind::Absent);
    const RetryAfter wait = parseRetryAfter(headers({{"retry-after", "2"}}), kNow);
    QCOMPARE(wait.kind, RetryAfter::Kind::Wait);
    QCOMPARE(wait.ms, 2000);
    const RetryAfter tooLong = parseRetryAfter(headers({{"retry-after", "600"}}), kNow);
    QCOMPARE(tooLong.kind, RetryAfter::Kind::TooLong);
    QCOMPARE(tooLong.ms, 600'000);
}

QTEST_GUILESS_MAIN(TestRetryBackoff)
#include "tst_retry_backoff.moc"
