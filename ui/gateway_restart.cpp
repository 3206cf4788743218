#include "gateway_restart.h"

#include "gateway_service.h"
#include "pipeline/gateway_access.h"

namespace gatehouse {

GatewaySettings gatewaySettingsFor(GatewaySettings base, const Preferences& p, QString* error)
{
    GatewaySettings s = base;
    s.port = quint16(p.port);
    s.bindAddress = p.bindAddress;
    s.apiKeyDigests.clear();
    if (!p.gatewayKeyFile.isEmpty()) {
        s.apiKeyDigests = loadGatewayKeyFile(p.gatewayKeyFile, error);
        if (s.apiKeyDigests.empty())
            return base;
    }
    return s;
}

void restartGateway(GatewayService& gateway, const GatewaySettings& settings)
{
    if (!gateway.isRunning()) {
        gateway.start(settings);
        return;
    }
    QObject::connect(&gateway, &GatewayService::stopped, &gateway, [&gateway, settings] { gateway.start(settings); },
                     Qt::SingleShotConnection);
    gateway.stop();
}

} // namespace gatehouse
