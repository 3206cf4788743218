#pragma once
// Why the gateway did not start, said with the fix: "Port 8787 is in use by another program. Stop
// it, or choose another port in Settings (or --port)." instead of the socket error alone.

#include <QString>

namespace gatehouse {

struct GatewayFailureText {
    QString text;           // for the status bar
    bool settingsFix = false;   // changing a setting (port, address, key file) fixes it
};

// message: what GatewayService::failed said; port/bindAddress: what it was asked to listen on.
GatewayFailureText describeGatewayFailure(const QString& message, int port, const QString& bindAddress);

} // namespace gatehouse
