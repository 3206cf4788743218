#pragma once
// The filter a user types in the Logs page or passes to `gatehouse logs export --filter`:
//
//   provider:openai model:gpt-4o-mini status:5xx trace:run-42 config:pc-team meta.env:prod since:1h "refund policy"
//
// field:value pairs narrow by column; everything else is free text over the bodies. Values with
// spaces go in double quotes (model:"my model"). status takes a code (429), a class (2xx 4xx 5xx) or
// "error". since/until take a duration back from now (30s 15m 2h 7d) or an ISO date/time (UTC unless
// it says otherwise). An unknown field is an error, so a typo never silently matches everything.

#include "observability/log_filter.h"

#include <QDateTime>
#include <QString>

namespace gatehouse {

struct LogFilterParse {
    LogFilter filter;
    QString error;      // empty when the text is valid
    int errorStart = -1;   // character range of the offending token, for highlighting
    int errorLength = 0;
    bool ok() const { return error.isEmpty(); }
};

LogFilterParse parseLogFilter(const QString& text, const QDateTime& now);

// The fields the syntax knows, for completion and help texts.
QStringList logFilterFields();

} // namespace gatehouse
