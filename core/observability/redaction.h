#pragma once
// Keeps secrets out of request records: body fields that carry credentials are replaced, bodies are
// capped, and URLs lose their query (some providers take the key there).

#include <QByteArray>

namespace gatehouse {

enum class BodyKind {
    Unknown,   // JSON or not: a cheap scan for credential-like keys decides whether to look closer
    NotJson,   // known not to parse (a broken or form-encoded body): values after key names are cut
};

// The body with credential-like fields ("api_key", "password", ...) replaced by "[REDACTED]",
// cut to capBytes. *truncated tells whether it was cut.
QByteArray redactBody(const QByteArray& body, int capBytes, bool* truncated, BodyKind kind = BodyKind::Unknown);
QByteArray redactUrl(const QByteArray& url);

} // namespace gatehouse
