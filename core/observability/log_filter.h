#pragma once
// Which logged requests a query or an aggregate looks at. Every set field narrows the result
// (logical AND); an empty filter matches everything.

#include <QDateTime>
#include <QString>
#include <QVariantList>

#include <optional>
#include <utility>
#include <vector>

namespace gatehouse {

enum class StatusClass {
    Any,
    Success2xx,
    ClientError4xx,
    ServerError5xx,
    Error,   // >= 400 or 0 (no answer at all): what the aggregates count as errors
};

struct LogFilter {
    std::optional<QDateTime> from;      // received at or after (inclusive)
    std::optional<QDateTime> until;     // received before (exclusive)
    StatusClass statusClass = StatusClass::Any;
    std::optional<int> status;          // exact status; takes precedence over statusClass
    QString provider;                   // exact; empty: any
    QString model;
    QString traceId;
    QString configId;
    QString virtualKey;                 // slug
    std::vector<std::pair<QString, QString>> metadata;   // key = value tags, all must match
    // Words that must all occur in the request or response body (FTS5 tokens, case-insensitive;
    // a trailing * matches a prefix). Without FTS5: substrings, via LIKE.
    QString text;
};

// The filter as SQL over `requests r`: "" or " WHERE ...", with the values to bind in order.
struct SqlCondition {
    QString where;
    QVariantList values;
};
SqlCondition sqlCondition(const LogFilter& filter, bool fullTextIndex);

// User text -> FTS5 MATCH expression: every whitespace-separated word becomes a quoted phrase, so
// FTS syntax in the input (quotes, -, :, parentheses, AND/OR/NOT) is searched for, never parsed.
QString fullTextQuery(const QString& text);

} // namespace gatehouse
