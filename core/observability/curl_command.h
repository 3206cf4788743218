#pragma once
// "Copy as curl" for a logged request: a command that sends the same body through the gateway
// again. Credentials are never in a record, so the key is a shell variable the user fills in; the
// body is the recorded (redacted) one, and a truncated body is said so rather than sent broken.

#include "observability/request_record.h"

#include <QString>

namespace gatehouse {

// baseUrl: the gateway's, e.g. "http://127.0.0.1:8787".
QString curlCommand(const RequestRecord& record, const QString& baseUrl);

// One shell word in single quotes, safe for any content.
QString shellQuote(const QString& text);

} // namespace gatehouse
