#pragma once
// Applying saved gateway preferences to the running gateway: stop (in-flight requests finish), then
// start again with the new port, address and keys. The outcome arrives as started() or failed().

#include "app_preferences.h"
#include "gateway_settings.h"

namespace gatehouse {

class GatewayService;

// base with the preferences' port, bind address and key digests; *error set (and base returned) when
// the key file cannot be read.
GatewaySettings gatewaySettingsFor(GatewaySettings base, const Preferences& p, QString* error);

void restartGateway(GatewayService& gateway, const GatewaySettings& settings);

} // namespace gatehouse
