#pragma once
// W3C Trace Context `traceparent` (version 00): "00-<32 hex trace-id>-<16 hex parent-id>-<2 hex flags>".
// A malformed header is ignored, as the W3C spec asks of receivers; it never fails a request.

#include <QByteArray>
#include <QByteArrayView>
#include <optional>

namespace gatehouse {

struct Traceparent {
    QByteArray header;     // as sent (lower-case hex)
    QByteArray traceId;    // 32 hex digits
    QByteArray parentId;   // 16 hex digits: the caller's span
};

std::optional<Traceparent> parseTraceparent(QByteArrayView value);

} // namespace gatehouse
