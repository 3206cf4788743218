#pragma once
// Keeps secrets out of request records: body fields that carry credentials are replaced, bodies are
// capped, and URLs lose their query (some providers take the key there).

#include <QByteArray>

namespace gatehouse {

// The body with credential-like fields ("api_key", "password", ...) replaced by "[REDACTED]",
// cut to capBytes. *truncated tells whether it was cut.
QByteArray redactBody(const QByteArray& body, int capBytes, bool* truncated);
QByteArray redactUrl(const QByteArray& url);

} // namespace gatehouse
