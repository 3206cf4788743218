#include "pipeline/api_error.h"

#include <nlohmann/json.hpp>

namespace gatehouse {

namespace {
nlohmann::json strOrNull(const QString& s)
{
    return s.isEmpty() ? nlohmann::json(nullptr) : nlohmann::json(s.toStdString());
}
} // namespace

QByteArray ApiError::toJson() const
{
    const nlohmann::json j = {{"error",
        {{"message", message.toStdString()}, {"type", type.toStdString()},
         {"param", strOrNull(param)}, {"code", strOrNull(code)}}}};
    return QByteArray::fromStdString(j.dump());
}

ApiError ApiError::badRequest(QString message, QString code, QString param)
{
    return {400, std::move(message), QStringLiteral("invalid_request_error"), std::move(code), std::move(param)};
}

ApiError ApiError::notFound(QString message)
{
    return {404, std::move(message), QStringLiteral("invalid_request_error"), QStringLiteral("not_found"), {}};
}

ApiError ApiError::methodNotAllowed(QString message)
{
    return {405, std::move(message), QStringLiteral("invalid_request_error"), QStringLiteral("method_not_allowed"), {}};
}

ApiError ApiError::unauthorized(QString message, QString code)
{
    return {401, std::move(message), QStringLiteral("authentication_error"), std::move(code), {}};
}

ApiError ApiError::badGateway(QString message, QString code)
{
    return {502, std::move(message), QStringLiteral("upstream_error"), std::move(code), {}};
}

ApiError ApiError::timeout(int status, QString message)
{
    return {status, std::move(message), QStringLiteral("timeout_error"), QStringLiteral("timeout"), {}};
}

ApiError ApiError::internal(QString message)
{
    return {500, std::move(message), QStringLiteral("server_error"), QStringLiteral("internal_error"), {}};
}

ApiError ApiError::unavailable(QString message)
{
    return {503, std::move(message), QStringLiteral("server_error"), QStringLiteral("unavailable"), {}};
}

} // namespace gatehouse
