#include "pipeline/traceparent.h"

namespace gatehouse {

namespace {

bool lowerHex(QByteArrayView s)
{
    for (char c : s) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return true;
}

bool allZero(QByteArrayView s)
{
    for (char c : s) {
        if (c != '0')
            return false;
    }
    return true;
}

} // namespace

std::optional<Traceparent> parseTraceparent(QByteArrayView value)
{
    value = value.trimmed();
    // version 00 is exactly 55 characters; later versions may append fields after the flags
    if (value.size() < 55 || value[2] != '-' || value[35] != '-' || value[52] != '-')
        return std::nullopt;
    if (value.size() > 55 && value[55] != '-')
        return std::nullopt;
    const QByteArrayView version = value.first(2), traceId = value.sliced(3, 32), parentId = value.sliced(36, 16),
                         flags = value.sliced(53, 2);
    if (!lowerHex(version) || version == "ff" || (version == "00" && value.size() != 55))
        return std::nullopt;
    if (!lowerHex(traceId) || allZero(traceId) || !lowerHex(parentId) || allZero(parentId) || !lowerHex(flags))
        return std::nullopt;
    return Traceparent{value.first(55).toByteArray(), traceId.toByteArray(), parentId.toByteArray()};
}

} // namespace gatehouse
