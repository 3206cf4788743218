#pragma once
// The periods spend budgets count over: the UTC day and the UTC month. UTC, not local time, so a
// budget means the same on every machine, does not jump at a daylight-saving change, and matches
// how providers bill (their usage pages count in UTC).

#include <QtGlobal>

namespace gatehouse {

qint64 utcDayStartMs(qint64 ms);      // 00:00:00.000 UTC of the day holding ms
qint64 utcNextDayStartMs(qint64 ms);  // the following midnight: when a daily budget resets
qint64 utcMonthStartMs(qint64 ms);    // 00:00 UTC on the 1st of the month holding ms
qint64 utcNextMonthStartMs(qint64 ms);

} // namespace gatehouse
