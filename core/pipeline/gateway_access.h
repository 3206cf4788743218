#pragma once
// Who may use the gateway: optional local API keys, sent as x-portkey-api-key (as Portkey's SDKs
// send their key). Keys are kept as SHA-256 digests and compared in constant time; with no keys
// configured every local client is served, which is allowed only on a loopback address.

#include "gateway_settings.h"
#include "http/http_request.h"
#include "pipeline/api_error.h"

#include <QString>
#include <optional>

namespace gatehouse {

QByteArray gatewayKeyDigest(QByteArrayView key);

// 401 (OpenAI shape) when keys are configured and the request's x-portkey-api-key is missing or wrong.
std::optional<ApiError> checkGatewayApiKey(const GatewaySettings& settings, const HttpRequest& request);

// Non-empty when the settings would expose an unauthenticated gateway beyond this machine.
QString exposureProblem(const GatewaySettings& settings);

// Reads a gateway key file: one key per line, '#' comments and blank lines ignored. Refused unless
// only its owner can read it. Returns the keys' digests; empty with *error set on failure.
std::vector<QByteArray> loadGatewayKeyFile(const QString& path, QString* error);

} // namespace gatehouse
