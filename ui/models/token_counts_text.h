#pragma once
// "prompt/completion/total" for a request's token counts, as the Live and Logs tables show them:
// localized numbers, a dash for a count the provider did not report (-1), one dash when none is known.

#include "observability/request_record.h"

#include <QLocale>
#include <QString>

namespace gatehouse {

inline QString tokenCountsText(const RequestRecord& r)
{
    static const QString kDash = QStringLiteral("\u2014");
    if (r.promptTokens < 0 && r.completionTokens < 0 && r.totalTokens < 0)
        return kDash;
    const QLocale locale;
    const auto part = [&](qint64 v) { return v < 0 ? kDash : locale.toString(v); };
    return part(r.promptTokens) + QLatin1Char('/') + part(r.completionTokens) + QLatin1Char('/') + part(r.totalTokens);
}

} // namespace gatehouse
