#include "config_loading.h"

#include "gateway_service.h"
#include "providers/provider_registry.h"
#include "routing/config_watcher.h"

#include <cstdio>

namespace gatehouse {

std::unique_ptr<ConfigWatcher> setupConfigs(const AppOptions& options, GatewayService& gateway, QString* error)
{
    if (options.configsPath.isEmpty())
        return nullptr;
    const auto providers = ProviderRegistry::builtIn();
    auto known = [providers](const std::string& id) { return providers->find(QString::fromStdString(id)) != nullptr; };
    auto watcher = std::make_unique<ConfigWatcher>(options.configsPath, options.defaultConfig.toStdString(), known);
    const ConfigSetLoad load = watcher->loadNow();
    if (!load.set) {
        *error = QStringLiteral("invalid configs:\n  ") + load.errors.join(QStringLiteral("\n  "));
        return nullptr;
    }
    gateway.setConfigs(load.set);
    std::fprintf(stderr, "gatehouse: loaded %d config(s) from %s: %s\n", int(load.set->configs.size()),
                 qPrintable(options.configsPath), qPrintable(load.set->ids().join(QStringLiteral(", "))));
    QObject::connect(watcher.get(), &ConfigWatcher::reloaded, &gateway, [&gateway](std::shared_ptr<const ConfigSet> set) {
        gateway.setConfigs(set);
        std::fprintf(stderr, "gatehouse: configs reloaded: %s\n", qPrintable(set->ids().join(QStringLiteral(", "))));
    });
    QObject::connect(watcher.get(), &ConfigWatcher::reloadFailed, &gateway, [](const QStringList& errors) {
        std::fprintf(stderr, "gatehouse: config change not applied (the previous configs stay in force):\n  %s\n",
                     qPrintable(errors.join(QStringLiteral("\n  "))));
    });
    return watcher;
}

} // namespace gatehouse
