#include "keys/usd_format.h"

namespace gatehouse {

QString formatUsd(double v)
{
    if (v >= 100)
        return QStringLiteral("$%1").arg(v, 0, 'f', 2);
    QString s = QString::number(v, 'f', v >= 0.01 ? 4 : 8);
    while (s.endsWith(QLatin1Char('0')) && s.size() - s.indexOf(QLatin1Char('.')) > 3)   // keep two decimals
        s.chop(1);
    return QLatin1Char('$') + s;
}

} // namespace gatehouse
