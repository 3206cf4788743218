#pragma once
// One HTTP call to a provider, fully resolved: the transport needs nothing else.

#include "http/http_request.h"

#include <QByteArray>
#include <QString>
#include <memory>

namespace gatehouse {

struct GoogleServiceAccount;

struct UpstreamRequest {
    QByteArray method = QByteArrayLiteral("POST");
    QByteArray url;
    HeaderList headers;           // sent as given (credentials included; never logged)
    QByteArray body;
    int timeoutMs = 0;            // whole transfer; 0 = none
    int connectTimeoutMs = 10'000;
    // AWS SigV4 signing by libcurl (CURLOPT_AWS_SIGV4), e.g. "aws:amz:us-east-1:bedrock"; empty = none.
    // The key pair signs; a session token goes in headers as x-amz-security-token.
    QByteArray awsSigV4;
    QByteArray awsAccessKeyId;
    QByteArray awsSecretAccessKey;
    // Vertex AI with a service account: the transport (GoogleTokenTransport) adds the bearer token.
    std::shared_ptr<const GoogleServiceAccount> googleServiceAccount;
};

// How a transfer ended. Transport errors are distinct from HTTP error statuses.
struct TransferResult {
    enum class Error {
        None,
        ConnectFailed,   // refused, unreachable, DNS failure
        Timeout,         // the transfer's timeoutMs
        ConnectTimeout,
        Tls,
        Reset,           // connection broken after it was established
        Other,
    };
    Error error = Error::None;
    QString message;     // human-readable; never contains credentials
};

} // namespace gatehouse
