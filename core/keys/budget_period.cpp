#include "keys/budget_period.h"

#include <QDateTime>

namespace gatehouse {

namespace {

QDateTime utc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
}

qint64 startOf(QDate day)
{
    return QDateTime(day, QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
}

} // namespace

qint64 utcDayStartMs(qint64 ms)
{
    return startOf(utc(ms).date());
}

qint64 utcNextDayStartMs(qint64 ms)
{
    return startOf(utc(ms).date().addDays(1));
}

qint64 utcMonthStartMs(qint64 ms)
{
    const QDate d = utc(ms).date();
    return startOf(QDate(d.year(), d.month(), 1));
}

qint64 utcNextMonthStartMs(qint64 ms)
{
    const QDate d = utc(ms).date();
    return startOf(QDate(d.year(), d.month(), 1).addMonths(1));
}

} // namespace gatehouse
