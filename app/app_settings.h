#pragma once
// Persisted gateway settings (QSettings, ~/.config/Gatehouse/gatehouse.conf). Invalid stored values
// fall back to defaults with a warning rather than stopping the app.

#include "gateway_settings.h"

#include <QStringList>

namespace gatehouse {

GatewaySettings loadGatewaySettings(QStringList* warnings);

} // namespace gatehouse
