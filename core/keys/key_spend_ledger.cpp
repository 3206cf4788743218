#include "keys/key_spend_ledger.h"

#include "keys/budget_period.h"
#include "keys/usd_format.h"

#include <QDateTime>

namespace gatehouse {

namespace {

QString usd(double v)
{
    return formatUsd(v);
}

QString utcText(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}

} // namespace

KeySpendLedger::KeySpendLedger(std::function<qint64()> nowMs)
    : now_(std::move(nowMs))
{
}

void KeySpendLedger::roll(KeySpend& s, qint64 now) const
{
    // Only forwards: a wall clock stepped back a little must not wipe the day's spend.
    if (const qint64 day = utcDayStartMs(now); day > s.dayStartMs) {
        s.dayStartMs = day;
        s.dayUsd = 0;
        s.dayRequests = 0;
    }
    if (const qint64 month = utcMonthStartMs(now); month > s.monthStartMs) {
        s.monthStartMs = month;
        s.monthUsd = 0;
        s.monthRequests = 0;
    }
}

KeySpend& KeySpendLedger::rolled(const QString& slug)
{
    KeySpend& s = spend_[slug];
    roll(s, now_());
    return s;
}

void KeySpendLedger::seed(const KeySpendTotals& totals)
{
    spend_ = totals;
    const qint64 now = now_();
    for (auto& [slug, s] : spend_)
        roll(s, now);
}

std::optional<ApiError> KeySpendLedger::admit(const QString& slug, const KeyLimits& limits)
{
    if (!limits.anyBudget())
        return std::nullopt;
    const KeySpend& s = rolled(slug);
    auto exhausted = [&](const QString& period, double budget, double spent, qint64 resetMs) {
        return ApiError{412,
                        QStringLiteral("Virtual key '%1' has used its %2 budget of %3 (spent %4 this %5, UTC); it resets at %6. "
                                       "Raise the budget on the Keys page or with 'gatehouse keys limits'.")
                            .arg(slug, period, usd(budget), usd(spent), period == QLatin1String("daily") ? QStringLiteral("day") : QStringLiteral("month"),
                                 utcText(resetMs)),
                        QStringLiteral("insufficient_quota"), QStringLiteral("budget_exceeded"), QStringLiteral("x-portkey-virtual-key")};
    };
    if (limits.dailyBudgetUsd > 0 && s.dayUsd >= limits.dailyBudgetUsd)
        return exhausted(QStringLiteral("daily"), limits.dailyBudgetUsd, s.dayUsd, utcNextDayStartMs(s.dayStartMs));
    if (limits.monthlyBudgetUsd > 0 && s.monthUsd >= limits.monthlyBudgetUsd)
        return exhausted(QStringLiteral("monthly"), limits.monthlyBudgetUsd, s.monthUsd, utcNextMonthStartMs(s.monthStartMs));
    return std::nullopt;
}

void KeySpendLedger::add(const QString& slug, qint64 atMs, double costUsd)
{
    KeySpend& s = rolled(slug);
    const double cost = costUsd > 0 ? costUsd : 0;
    // A request received before the current period started (it ran across midnight) belongs to the
    // period that is over, as it does when the totals are rebuilt from the log by received time.
    if (atMs >= s.dayStartMs) {
        s.dayUsd += cost;
        ++s.dayRequests;
    }
    if (atMs >= s.monthStartMs) {
        s.monthUsd += cost;
        ++s.monthRequests;
    }
}

KeySpend KeySpendLedger::spend(const QString& slug)
{
    const auto it = spend_.find(slug);
    if (it == spend_.end()) {
        KeySpend s;
        roll(s, now_());
        return s;
    }
    roll(it->second, now_());
    return it->second;
}

KeySpendTotals KeySpendLedger::totals()
{
    const qint64 now = now_();
    for (auto& [slug, s] : spend_)
        roll(s, now);
    return spend_;
}

} // namespace gatehouse
