#pragma once
// The signed assertion of Google's service-account flow (RFC 7523): a JWT with header
// {"alg":"RS256","typ":"JWT","kid"} and claims iss = client_email, scope, aud = token_uri, iat and
// exp = iat + 1 h, signed with the account's RSA key (OpenSSL). CPU work only; the caller decides
// on which thread it runs.

#include "upstream/google_service_account.h"

#include <QByteArray>
#include <QString>
#include <variant>

namespace gatehouse {

// The compact JWT, or why the key could not sign (never the key itself).
std::variant<QByteArray, QString> signServiceAccountJwt(const GoogleServiceAccount& account, qint64 nowSeconds,
                                                        const char* scope = kGoogleCloudScope);

} // namespace gatehouse
