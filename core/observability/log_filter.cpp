#include "observability/log_filter.h"

#include <QRegularExpression>
#include <QStringList>

namespace gatehouse {

namespace {

QStringList words(const QString& text)
{
    return text.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
}

QString likePattern(QString word)
{
    word.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    word.replace(QLatin1Char('%'), QStringLiteral("\\%"));
    word.replace(QLatin1Char('_'), QStringLiteral("\\_"));
    return QLatin1Char('%') + word + QLatin1Char('%');
}

} // namespace

QString fullTextQuery(const QString& text)
{
    QStringList phrases;
    for (QString word : words(text)) {
        const bool prefix = word.size() > 1 && word.endsWith(QLatin1Char('*'));
        if (prefix)
            word.chop(1);
        word.replace(QLatin1Char('"'), QStringLiteral("\"\""));
        phrases << QLatin1Char('"') + word + QLatin1Char('"') + (prefix ? QStringLiteral("*") : QString());
    }
    return phrases.join(QLatin1Char(' '));
}

SqlCondition sqlCondition(const LogFilter& f, bool fullTextIndex)
{
    QStringList terms;
    SqlCondition c;
    if (f.from) {
        terms << QStringLiteral("r.received_ms >= ?");
        c.values << f.from->toMSecsSinceEpoch();
    }
    if (f.until) {
        terms << QStringLiteral("r.received_ms < ?");
        c.values << f.until->toMSecsSinceEpoch();
    }
    if (f.status) {
        terms << QStringLiteral("r.status = ?");
        c.values << *f.status;
    } else {
        switch (f.statusClass) {
        case StatusClass::Any: break;
        case StatusClass::Success2xx: terms << QStringLiteral("r.status BETWEEN 200 AND 299"); break;
        case StatusClass::ClientError4xx: terms << QStringLiteral("r.status BETWEEN 400 AND 499"); break;
        case StatusClass::ServerError5xx: terms << QStringLiteral("r.status BETWEEN 500 AND 599"); break;
        case StatusClass::Error: terms << QStringLiteral("(r.status >= 400 OR r.status = 0)"); break;
        }
    }
    const auto exact = [&](const char* column, const QString& value) {
        if (value.isEmpty())
            return;
        terms << QStringLiteral("r.%1 = ?").arg(QLatin1String(column));
        c.values << value;
    };
    exact("provider", f.provider);
    exact("model", f.model);
    exact("trace_id", f.traceId);
    exact("config_id", f.configId);
    exact("virtual_key", f.virtualKey);
    for (const auto& [key, value] : f.metadata) {
        terms << QStringLiteral("r.id IN (SELECT request_rowid FROM request_metadata WHERE key = ? AND value = ?)");
        c.values << key << value;
    }
    if (!words(f.text).isEmpty()) {
        if (fullTextIndex) {
            terms << QStringLiteral("r.id IN (SELECT rowid FROM requests_fts WHERE requests_fts MATCH ?)");
            c.values << fullTextQuery(f.text);
        } else {
            // Bodies are BLOBs and this SQLite's LIKE does not look into BLOBs: compare them as text.
            for (const QString& word : words(f.text)) {
                terms << QStringLiteral("(CAST(r.request_body AS TEXT) LIKE ? ESCAPE '\\'"
                                        " OR CAST(coalesce(r.response_text, r.response_body) AS TEXT) LIKE ? ESCAPE '\\')");
                c.values << likePattern(word) << likePattern(word);
            }
        }
    }
    if (!terms.isEmpty())
        c.where = QStringLiteral(" WHERE ") + terms.join(QStringLiteral(" AND "));
    return c;
}

} // namespace gatehouse
