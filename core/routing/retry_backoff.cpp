#include "routing/retry_backoff.h"

#include <QDateTime>
#include <QString>

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <string_view>

namespace gatehouse {

namespace {

// A non-negative decimal number and nothing else ("1500", "2.5"); no sign, no unit.
std::optional<double> parseAmount(QByteArrayView raw)
{
    const QByteArrayView v = raw.trimmed();
    if (v.isEmpty() || !((v.front() >= '0' && v.front() <= '9') || v.front() == '.'))
        return std::nullopt;
    double d = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
    if (ec != std::errc() || end != v.data() + v.size() || !std::isfinite(d) || d < 0)
        return std::nullopt;
    return d;
}

// HTTP-date (RFC 9110 §5.6.7): IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT", the obsolete RFC 850 form
// "Sunday, 06-Nov-94 08:49:37 GMT" and asctime "Sun Nov  6 08:49:37 1994". Qt's RFC 2822 parser
// reads the first once "GMT" is written as "+0000" and the weekday dropped, and reads asctime as is.
std::optional<qint64> parseHttpDate(QByteArrayView raw)
{
    if (raw.size() > 64)
        return std::nullopt;
    QString s = QString::fromLatin1(raw.data(), raw.size()).simplified();
    if (const qsizetype comma = s.indexOf(QLatin1Char(',')); comma >= 0)
        s = s.mid(comma + 1).trimmed();
    for (const char* zone : {" GMT", " UTC", " UT"}) {
        if (s.endsWith(QLatin1String(zone))) {
            s.chop(qsizetype(std::char_traits<char>::length(zone)));
            s += QStringLiteral(" +0000");
            break;
        }
    }
    // RFC 850: "06-Nov-94 08:49:37 +0000"
    if (const QStringList parts = s.split(QLatin1Char(' ')); !parts.isEmpty()) {
        const QStringList dmy = parts.front().split(QLatin1Char('-'));
        if (dmy.size() == 3 && dmy[2].size() == 2) {
            bool ok = false;
            const int yy = dmy[2].toInt(&ok);
            if (!ok)
                return std::nullopt;
            QStringList rebuilt = parts;
            rebuilt.front() = dmy[0] + QLatin1Char(' ') + dmy[1] + QLatin1Char(' ') + QString::number(yy < 70 ? 2000 + yy : 1900 + yy);
            s = rebuilt.join(QLatin1Char(' '));
        }
    }
    const QDateTime d = QDateTime::fromString(s, Qt::RFC2822Date);
    if (!d.isValid())
        return std::nullopt;
    return d.toMSecsSinceEpoch();
}

RetryAfter fromMs(double ms, int capMs)
{
    RetryAfter r;
    const double rounded = std::ceil(ms);
    if (rounded > double(capMs)) {
        r.kind = RetryAfter::Kind::TooLong;
        r.ms = rounded >= double(INT_MAX) ? INT_MAX : int(rounded);
    } else {
        r.kind = RetryAfter::Kind::Wait;
        r.ms = int(rounded);
    }
    return r;
}

} // namespace

int backoffDelayMs(int retryIndex, double r01, const BackoffParams& p)
{
    if (p.baseMs <= 0 || p.capMs <= 0)
        return 0;
    const int shift = std::clamp(retryIndex, 0, 40);
    const double ceiling = std::min(double(p.capMs), std::ldexp(double(p.baseMs), shift));
    const long long top = static_cast<long long>(ceiling);
    if (!(r01 >= 0))
        r01 = 0;
    if (r01 >= 1)
        r01 = std::nextafter(1.0, 0.0);
    // Uniform over the whole numbers 0..top: r01 -> 1 reaches top itself.
    const long long delay = static_cast<long long>(std::floor(r01 * double(top + 1)));
    return static_cast<int>(std::min(delay, top));
}

RetryAfter parseRetryAfter(const HeaderList& headers, qint64 nowMsUtc, int capMs)
{
    capMs = std::max(capMs, 0);
    for (const char* name : {"retry-after-ms", "x-ms-retry-after-ms"}) {
        if (const auto v = parseAmount(findHeader(headers, name)))
            return fromMs(*v, capMs);
    }
    const QByteArrayView value = findHeader(headers, "retry-after");
    if (const auto seconds = parseAmount(value))
        return fromMs(*seconds * 1000.0, capMs);
    if (const auto date = parseHttpDate(value.trimmed()))
        return fromMs(double(std::max<qint64>(*date - nowMsUtc, 0)), capMs);
    return {};
}

std::optional<int> retryAfterMs(const HeaderList& headers, qint64 nowMsUtc, int capMs)
{
    const RetryAfter r = parseRetryAfter(headers, nowMsUtc, capMs);
    if (r.kind == RetryAfter::Kind::Wait)
        return r.ms;
    return std::nullopt;
}

} // namespace gatehouse
