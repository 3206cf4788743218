#pragma once
// What a client asked for through Portkey's request headers (x-portkey-*, Authorization, ...).
// Parsed and validated once per request; bad values become a 400 naming the header.

#include "http/http_request.h"
#include "pipeline/api_error.h"

#include <nlohmann/json.hpp>

#include <QString>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace gatehouse {

struct ClientOptions {
    QString provider;                 // x-portkey-provider
    QString apiKey;                   // Authorization (Bearer optional)
    QByteArray customHost;            // x-portkey-custom-host: beats config custom_host everywhere
    QString traceId;                  // x-portkey-trace-id; empty when the client sent none
    QString spanId, parentSpanId, spanName;
    QString traceparent;              // W3C traceparent when sent and well-formed (else ignored, as W3C asks)
    std::map<std::string, std::string> metadata;   // x-portkey-metadata
    int requestTimeoutMs = 0;         // x-portkey-request-timeout: beats config request_timeout; 0 = none
    std::vector<QByteArray> forwardHeaders;        // x-portkey-forward-headers, lower-case; beats config
    bool strictOpenAiCompliance = true;
    bool cacheForceRefresh = false;
    QString cacheNamespace;
    QString virtualKey;
    QByteArray config;                // x-portkey-config as sent: inline JSON or a saved config id
};

// Header order matters only for error reporting: the first bad header is reported.
std::variant<ClientOptions, ApiError> parseClientOptions(const HttpRequest& request);

// A custom host must be an http(s) base URL without credentials; cloud metadata endpoints are refused.
std::optional<ApiError> validateCustomHost(const QByteArray& url, const QString& source);

} // namespace gatehouse
