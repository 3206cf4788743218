// Spend budgets at the exact edges: spent == budget, the last millisecond of a UTC day or month and
// the first of the next, a request that ran across midnight, totals seeded from an earlier run.

#include "keys/budget_period.h"
#include "keys/key_spend_ledger.h"

#include <QDateTime>
#include <QTest>

using namespace gatehouse;

namespace {

qint64 utcMs(int y, int mo, int d, int h = 0, int mi = 0, int s = 0, int ms = 0)
{
    return QDateTime(QDate(y, mo, d), QTime(h, mi, s, ms), Qt::UTC).toMSecsSinceEpoch();
}

KeyLimits daily(double usd)
{
    KeyLimits l;
    l.dailyBudgetUsd = usd;
    return l;
}

KeyLimits monthly(double usd)
{
    KeyLimits l;
    l.monthlyBudgetUsd = usd;
    return l;
}

const QString kKey = QStringLiteral("team-a");

} // namespace

class TestKeySpendLedger : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void periodsAreUtc()
    {
        QCOMPARE(utcDayStartMs(utcMs(2026, 11, 25, 23, 59, 59, 999)), utcMs(2026, 11, 25));
        QCOMPARE(utcNextDayStartMs(utcMs(2026, 11, 25, 0, 0, 0, 0)), utcMs(2026, 11, 26));
        QCOMPARE(utcMonthStartMs(utcMs(2028, 2, 29, 12)), utcMs(2028, 2, 1));
        QCOMPARE(utcNextMonthStartMs(utcMs(2028, 2, 29, 12)), utcMs(2028, 3, 1));
        QCOMPARE(utcNextMonthStartMs(utcMs(2026, 12, 31, 23, 59, 59, 999)), utcMs(2027, 1, 1));
    }

    void exactlyAtTheBudgetIsRefused()
    {
        qint64 now = utcMs(2026, 11, 25, 10);
        KeySpendLedger ledger([&] { return now; });
        QVERIFY(!ledger.admit(kKey, daily(1.0)));
        ledger.add(kKey, now, 0.5);
        ledger.add(kKey, now, 0.25);
        QVERIFY(!ledger.admit(kKey, daily(1.0)));            // 0.75 of 1.00: still room
        ledger.add(kKey, now, 0.25);                          // exactly 1.00 spent
        const auto e = ledger.admit(kKey, daily(1.0));
        QVERIFY(e);
        QCOMPARE(e->status, 412);
        QCOMPARE(e->code, QStringLiteral("budget_exceeded"));
        QCOMPARE(e->type, QStringLiteral("insufficient_quota"));
        QCOMPARE(e->param, QStringLiteral("x-portkey-virtual-key"));
        QCOMPARE(e->retryAfterSeconds, 0);   // waiting a few seconds does not help: no Retry-After
        QVERIFY2(e->message.contains(QStringLiteral("'team-a'")), qPrintable(e->message));
        QVERIFY2(e->message.contains(QStringLiteral("daily budget of $1.00")), qPrintable(e->message));
        QVERIFY2(e->message.contains(QStringLiteral("resets at 2026-11-26T00:00:00Z")), qPrintable(e->message));
        QVERIFY(!ledger.admit(kKey, daily(1.01)));           // a raised budget lets it through at once
        QVERIFY(!ledger.admit(QStringLiteral("team-b"), daily(1.0)));   // other keys have their own spend
    }

    void theNextUtcDayStartsAtZero()
    {
        qint64 now = utcMs(2026, 11, 25, 23, 59, 59, 0);
        KeySpendLedger ledger([&] { return now; });
        ledger.add(kKey, now, 2.0);
        now = utcMs(2026, 11, 25, 23, 59, 59, 999);           // last millisecond of the day
        QVERIFY(ledger.admit(kKey, daily(2.0)));
        now = utcMs(2026, 11, 26);                            // midnight UTC
        QVERIFY(!ledger.admit(kKey, daily(2.0)));
        QCOMPARE(ledger.spend(kKey).dayUsd, 0.0);
        QCOMPARE(ledger.spend(kKey).dayRequests, 0);
        QCOMPARE(ledger.spend(kKey).monthUsd, 2.0);           // the month goes on
        QCOMPARE(ledger.spend(kKey).monthRequests, 1);
    }

    void monthlyBudgetHoldsAcrossDaysAndResetsOnTheFirst()
    {
        qint64 now = utcMs(2026, 12, 1, 0, 0, 0, 0);
        KeySpendLedger ledger([&] { return now; });
        ledger.add(kKey, now, 3.0);
        now = utcMs(2026, 12, 20, 8);
        ledger.add(kKey, now, 2.0);
        const auto e = ledger.admit(kKey, monthly(5.0));
        QVERIFY(e);
        QVERIFY2(e->message.contains(QStringLiteral("monthly budget of $5.00")), qPrintable(e->message));
        QVERIFY2(e->message.contains(QStringLiteral("resets at 2027-01-01T00:00:00Z")), qPrintable(e->message));
        now = utcMs(2026, 12, 31, 23, 59, 59, 999);
        QVERIFY(ledger.admit(kKey, monthly(5.0)));
        now = utcMs(2027, 1, 1);
        QVERIFY(!ledger.admit(kKey, monthly(5.0)));
    }

    void bothBudgetsApply()
    {
        qint64 now = utcMs(2026, 11, 25, 9);
        KeySpendLedger ledger([&] { return now; });
        KeyLimits both;
        both.dailyBudgetUsd = 10;
        both.monthlyBudgetUsd = 12;
        ledger.add(kKey, now, 9);
        now = utcMs(2026, 11, 26, 9);                         // daily spend 0, monthly 9
        ledger.add(kKey, now, 3);                             // daily 3 of 10, monthly 12 of 12
        const auto e = ledger.admit(kKey, both);
        QVERIFY(e);
        QVERIFY2(e->message.contains(QStringLiteral("monthly")), qPrintable(e->message));
    }

    void aRequestThatRanAcrossMidnightBelongsToItsDay()
    {
        qint64 now = utcMs(2026, 11, 26, 0, 0, 1);
        KeySpendLedger ledger([&] { return now; });
        ledger.add(kKey, utcMs(2026, 11, 25, 23, 59, 58), 4.0);   // received the day before
        QCOMPARE(ledger.spend(kKey).dayUsd, 0.0);
        QCOMPARE(ledger.spend(kKey).monthUsd, 4.0);
        QVERIFY(!ledger.admit(kKey, daily(4.0)));
    }

    void unpricedRequestsCountButCostNothing()
    {
        qint64 now = utcMs(2026, 11, 25, 9);
        KeySpendLedger ledger([&] { return now; });
        ledger.add(kKey, now, -1);
        ledger.add(kKey, now, 0.001);
        QCOMPARE(ledger.spend(kKey).dayRequests, 2);
        QCOMPARE(ledger.spend(kKey).dayUsd, 0.001);
    }

    void seededTotalsOfAnEndedPeriodAreDropped()
    {
        qint64 now = utcMs(2026, 11, 26, 1);
        KeySpendLedger ledger([&] { return now; });
        KeySpend old;
        old.dayStartMs = utcMs(2026, 11, 25);
        old.dayUsd = 7;
        old.dayRequests = 3;
        old.monthStartMs = utcMs(2026, 11, 1);
        old.monthUsd = 20;
        old.monthRequests = 9;
        ledger.seed({{kKey, old}});
        QCOMPARE(ledger.spend(kKey).dayUsd, 0.0);
        QCOMPARE(ledger.spend(kKey).monthUsd, 20.0);
        QVERIFY(ledger.admit(kKey, monthly(20)));
        QVERIFY(!ledger.admit(kKey, daily(7)));
    }

    void smallBudgetsKeepTheirDigits()
    {
        qint64 now = utcMs(2026, 11, 25, 9);
        KeySpendLedger ledger([&] { return now; });
        ledger.add(kKey, now, 0.00001);
        const auto e = ledger.admit(kKey, daily(0.000005));
        QVERIFY(e);
        QVERIFY2(e->message.contains(QStringLiteral("$0.000005")), qPrintable(e->message));
    }

    void noBudgetNoCheck()
    {
        qint64 now = utcMs(2026, 11, 25, 9);
        KeySpendLedger ledger([&] { return now; });
        ledger.add(kKey, now, 1e6);
        QVERIFY(!ledger.admit(kKey, KeyLimits{}));
    }
};

QTEST_GUILESS_MAIN(TestKeySpendLedger)
#include "tst_key_spend_ledger.moc"
