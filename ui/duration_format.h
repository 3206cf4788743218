#pragma once
// How durations read in the window: sub-millisecond precision where it matters (local answers in
// microseconds), whole milliseconds once they are large.

#include <QLocale>
#include <QString>

namespace gatehouse {

inline QString formatMs(double ms)
{
    if (ms < 0)
        return QStringLiteral("\u2014");
    if (ms < 10)
        return QLocale().toString(ms, 'f', 2);
    if (ms < 100)
        return QLocale().toString(ms, 'f', 1);
    return QLocale().toString(qint64(ms + 0.5));
}

} // namespace gatehouse
