#include "config_editor/status_code_list.h"

#include <QRegularExpression>
#include <QStringList>

namespace gatehouse {

StatusCodeParse parseStatusCodeList(const QString& text)
{
    StatusCodeParse out;
    static const QRegularExpression separators(QStringLiteral("[,\\s]+"));
    const QStringList parts = text.split(separators, Qt::SkipEmptyParts);
    for (const QString& part : parts) {
        bool ok = false;
        const int code = part.toInt(&ok);
        if (!ok || code < 100 || code > 599) {
            out.error = QStringLiteral("'%1' is not an HTTP status code from 100 to 599").arg(part);
            out.codes.clear();
            return out;
        }
        out.codes.push_back(code);
    }
    return out;
}

QString formatStatusCodeList(const std::vector<int>& codes)
{
    QStringList parts;
    for (int c : codes)
        parts << QString::number(c);
    return parts.join(QStringLiteral(", "));
}

} // namespace gatehouse
