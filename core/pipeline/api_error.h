#pragma once
// Errors the gateway itself answers with, in OpenAI's shape:
//   {"error":{"message":...,"type":...,"param":...,"code":...}}
// with the HTTP status that names the cause. Bad client input is always a 4xx, never a 500.

#include <QByteArray>
#include <QString>

namespace gatehouse {

struct ApiError {
    int status = 400;
    QString message;
    QString type = QStringLiteral("invalid_request_error");
    QString code;           // machine-readable; empty -> null
    QString param;          // offending parameter or header; empty -> null
    int retryAfterSeconds = 0;   // > 0: the answer carries Retry-After (local rate limits)

    QByteArray toJson() const;

    static ApiError badRequest(QString message, QString code = {}, QString param = {});
    static ApiError notFound(QString message);
    static ApiError methodNotAllowed(QString message);
    static ApiError unauthorized(QString message, QString code = {});
    static ApiError badGateway(QString message, QString code);
    static ApiError timeout(int status, QString message);
    static ApiError internal(QString message);
    static ApiError unavailable(QString message);
};

} // namespace gatehouse
