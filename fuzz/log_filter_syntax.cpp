// The Logs page / `gatehouse logs export --filter` syntax: any text is a filter or an error whose
// highlighted range lies inside the text; a valid filter always becomes SQL.

#include "fuzz_support.h"

#include "observability/log_filter_syntax.h"

using namespace gatehouse;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char*>(data), qsizetype(size));
    static const QDateTime now(QDate(2026, 3, 1), QTime(12, 0), Qt::UTC);
    const LogFilterParse p = parseLogFilter(text, now);
    if (!p.ok()) {
        fuzz::require(p.errorStart < 0 || (p.errorLength >= 0 && p.errorStart + p.errorLength <= text.size()),
                      "the error range lies outside the text");
        return 0;
    }
    for (bool fts : {true, false}) {
        const SqlCondition c = sqlCondition(p.filter, fts);
        fuzz::require(c.values.size() == c.where.count(QLatin1Char('?')), "placeholders and values do not match");
    }
    (void)fullTextQuery(p.filter.text);
    return 0;
}
