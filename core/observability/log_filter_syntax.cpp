#include "observability/log_filter_syntax.h"

#include <QRegularExpression>
#include <QStringList>
#include <QTimeZone>

namespace gatehouse {

namespace {

struct Token {
    QString key;     // empty: free text
    QString value;
    int start = 0;
    int length = 0;
    bool quoted = false;
};

// Splits on whitespace outside double quotes; key:"quoted value" keeps its key.
std::vector<Token> tokenize(const QString& text, QString* error, int* errorAt)
{
    std::vector<Token> out;
    int i = 0;
    const int n = int(text.size());
    while (i < n) {
        while (i < n && text[i].isSpace())
            ++i;
        if (i >= n)
            break;
        Token t;
        t.start = i;
        QString raw;
        bool inQuotes = false;
        bool sawQuote = false;
        while (i < n && (inQuotes || !text[i].isSpace())) {
            const QChar c = text[i];
            if (c == QLatin1Char('"')) {
                inQuotes = !inQuotes;
                sawQuote = true;
            } else if (!inQuotes && c == QLatin1Char(':') && t.key.isEmpty() && !sawQuote) {
                t.key = raw;
                raw.clear();
                ++i;
                continue;
            } else {
                raw += c;
            }
            ++i;
        }
        if (inQuotes) {
            *error = QStringLiteral("unclosed quote");
            *errorAt = t.start;
            return {};
        }
        t.value = raw;
        t.quoted = sawQuote;
        t.length = i - t.start;
        out.push_back(std::move(t));
    }
    return out;
}

std::optional<qint64> durationMs(const QString& v)
{
    static const QRegularExpression re(QStringLiteral("^(\\d{1,7})(s|m|h|d|w)$"));
    const auto m = re.match(v);
    if (!m.hasMatch())
        return std::nullopt;
    const qint64 n = m.captured(1).toLongLong();
    const QChar unit = m.captured(2).at(0);
    const qint64 scale = unit == QLatin1Char('s') ? 1000 : unit == QLatin1Char('m') ? 60000 : unit == QLatin1Char('h') ? 3600000
                       : unit == QLatin1Char('d') ? 86400000 : 7 * qint64(86400000);
    return n * scale;
}

std::optional<QDateTime> timeValue(const QString& v, const QDateTime& now)
{
    if (const auto ms = durationMs(v))
        return now.addMSecs(-*ms);
    QDateTime t = QDateTime::fromString(v, Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime::fromString(v, Qt::ISODate);
    if (!t.isValid()) {
        const QDate d = QDate::fromString(v, Qt::ISODate);
        if (d.isValid())
            t = QDateTime(d, QTime(0, 0), Qt::UTC);
    }
    if (!t.isValid())
        return std::nullopt;
    if (t.timeSpec() == Qt::LocalTime && !v.endsWith(QLatin1Char('Z')) && !v.contains(QLatin1Char('+')))
        t.setTimeSpec(Qt::UTC);   // no zone written: UTC, as stored
    return t;
}

} // namespace

QStringList logFilterFields()
{
    return {QStringLiteral("provider"), QStringLiteral("model"), QStringLiteral("status"), QStringLiteral("trace"),
            QStringLiteral("config"), QStringLiteral("key"), QStringLiteral("meta.<key>"), QStringLiteral("since"), QStringLiteral("until")};
}

LogFilterParse parseLogFilter(const QString& text, const QDateTime& now)
{
    LogFilterParse p;
    int at = -1;
    const std::vector<Token> tokens = tokenize(text, &p.error, &at);
    if (!p.error.isEmpty()) {
        p.errorStart = at;
        p.errorLength = int(text.size()) - at;
        return p;
    }
    QStringList freeText;
    auto fail = [&p](const Token& t, const QString& message) {
        p.error = message;
        p.errorStart = t.start;
        p.errorLength = t.length;
        return p;
    };
    for (const Token& t : tokens) {
        if (t.key.isEmpty()) {
            // A quoted phrase is searched word by word: the full-text index matches words, not phrases.
            freeText << t.value;
            continue;
        }
        const QString key = t.key.toLower();
        if (t.value.isEmpty())
            return fail(t, QStringLiteral("'%1:' needs a value").arg(t.key));
        if (key == u"provider") {
            p.filter.provider = t.value;
        } else if (key == u"model") {
            p.filter.model = t.value;
        } else if (key == u"trace") {
            p.filter.traceId = t.value;
        } else if (key == u"config") {
            p.filter.configId = t.value;
        } else if (key == u"key" || key == u"virtual_key") {
            p.filter.virtualKey = t.value;
        } else if (key == u"status") {
            const QString v = t.value.toLower();
            bool isNumber = false;
            const int code = v.toInt(&isNumber);
            if (isNumber && code >= 0 && code <= 599)
                p.filter.status = code;
            else if (v == u"2xx")
                p.filter.statusClass = StatusClass::Success2xx;
            else if (v == u"4xx")
                p.filter.statusClass = StatusClass::ClientError4xx;
            else if (v == u"5xx")
                p.filter.statusClass = StatusClass::ServerError5xx;
            else if (v == u"error" || v == u"errors")
                p.filter.statusClass = StatusClass::Error;
            else
                return fail(t, QStringLiteral("status takes a code (429), a class (2xx, 4xx, 5xx) or 'error'"));
        } else if (key.startsWith(u"meta.") || key.startsWith(u"metadata.")) {
            const QString name = t.key.mid(t.key.indexOf(QLatin1Char('.')) + 1);
            if (name.isEmpty())
                return fail(t, QStringLiteral("meta.<key>:<value> needs a key, e.g. meta.env:prod"));
            p.filter.metadata.emplace_back(name, t.value);
        } else if (key == u"since" || key == u"until") {
            const auto when = timeValue(t.value, now);
            if (!when)
                return fail(t, QStringLiteral("%1 takes a duration (30s, 15m, 2h, 7d) or a date/time (2026-11-25T10:00)").arg(key));
            (key == u"since" ? p.filter.from : p.filter.until) = when->toUTC();
        } else {
            return fail(t, QStringLiteral("unknown field '%1' (fields: %2; quote text that contains a colon)")
                               .arg(t.key, logFilterFields().join(QStringLiteral(", "))));
        }
    }
    p.filter.text = freeText.join(QLatin1Char(' '));
    if (p.filter.from && p.filter.until && *p.filter.from >= *p.filter.until)
        p.error = QStringLiteral("since must be before until");
    return p;
}

} // namespace gatehouse
