#include "gateway_failure_text.h"

#include <cerrno>
#include <cstring>

namespace gatehouse {

namespace {

bool says(const QString& message, int error)
{
    return message.contains(QString::fromLocal8Bit(std::strerror(error)), Qt::CaseInsensitive);
}

} // namespace

GatewayFailureText describeGatewayFailure(const QString& message, int port, const QString& bindAddress)
{
    if (says(message, EADDRINUSE))
        return {QStringLiteral("Port %1 is in use by another program. Stop it, or choose another port in Settings (or --port).").arg(port), true};
    if (says(message, EACCES))
        return {QStringLiteral("Port %1 needs special privileges. Choose a port from 1024 up in Settings (or --port).").arg(port), true};
    if (says(message, EADDRNOTAVAIL))
        return {QStringLiteral("%1 is not an address of this machine. Choose another bind address in Settings (or --bind).").arg(bindAddress), true};
    if (message.contains(QLatin1String("without a gateway API key")))
        return {QStringLiteral("Listening on %1 needs a gateway key file. Choose one in Settings, or bind to 127.0.0.1.").arg(bindAddress), true};
    return {message, false};
}

} // namespace gatehouse
