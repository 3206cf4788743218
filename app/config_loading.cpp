#include "config_loading.h"

#include "gateway_service.h"
#include "providers/provider_registry.h"
#include "routing/config_watcher.h"

#include <QDir>
#include <QFileInfo>

#include <cstdio>

namespace gatehouse {

LoadedConfigs::LoadedConfigs() = default;
LoadedConfigs::LoadedConfigs(LoadedConfigs&&) noexcept = default;
LoadedConfigs::~LoadedConfigs() = default;

ConfigValidator builtInConfigValidator()
{
    const auto providers = ProviderRegistry::builtIn();
    ConfigValidator v;
    v.isKnownProvider = [providers](const std::string& id) { return providers->find(QString::fromStdString(id)) != nullptr; };
    for (const QString& id : providers->ids())
        v.providerIds.push_back(id.toStdString());
    return v;
}

QString configStoreDirectory(const QString& dataDir)
{
    return QDir(dataDir).filePath(QStringLiteral("configs"));
}

namespace {

std::unique_ptr<ConfigWatcher> watchFile(const AppOptions& options, GatewayService& gateway, QString* error)
{
    const ConfigValidator validator = builtInConfigValidator();
    auto watcher = std::make_unique<ConfigWatcher>(options.configsPath, options.defaultConfig.toStdString(), validator.isKnownProvider);
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

} // namespace

LoadedConfigs setupConfigs(const AppOptions& options, GatewayService& gateway, QString* error)
{
    LoadedConfigs out;
    if (QFileInfo(options.configsPath).isFile()) {
        out.watcher = watchFile(options, gateway, error);
        return out;
    }
    const bool explicitDir = !options.configsPath.isEmpty();
    if (explicitDir && !QFileInfo(options.configsPath).isDir()) {
        *error = QStringLiteral("invalid configs:\n  %1: no such file or directory").arg(options.configsPath);
        return out;
    }
    const QString dir = explicitDir ? options.configsPath : configStoreDirectory(dataDirectory(options.dataDir));
    auto store = std::make_unique<ConfigStore>(dir, builtInConfigValidator());
    store->overrideDefault(options.defaultConfig.toStdString());
    if (!store->open(error))
        return out;
    // A folder named on the command line must be valid as a whole, as before the store existed; the
    // app's own folder is reported and served as far as it is valid, so the editor can fix it.
    if (explicitDir && !store->problems().isEmpty()) {
        *error = QStringLiteral("invalid configs:\n  ") + store->problems().join(QStringLiteral("\n  "));
        return out;
    }
    for (const QString& problem : store->problems())
        std::fprintf(stderr, "gatehouse: config problem (the last valid version, if any, is used): %s\n", qPrintable(problem));
    const auto set = store->configSet();
    gateway.setConfigs(set);
    if (explicitDir || !set->configs.empty())
        std::fprintf(stderr, "gatehouse: loaded %d config(s) from %s: %s\n", int(set->configs.size()), qPrintable(dir),
                     qPrintable(set->ids().join(QStringLiteral(", "))));
    QObject::connect(store.get(), &ConfigStore::configSetChanged, &gateway, [&gateway](std::shared_ptr<const ConfigSet> s) {
        gateway.setConfigs(s);
        std::fprintf(stderr, "gatehouse: configs reloaded: %s\n", qPrintable(s->ids().join(QStringLiteral(", "))));
    });
    QObject::connect(store.get(), &ConfigStore::problemsFound, &gateway, [](const QStringList& problems) {
        std::fprintf(stderr, "gatehouse: config change not applied (the last valid version stays in force):\n  %s\n",
                     qPrintable(problems.join(QStringLiteral("\n  "))));
    });
    store->setWatching(true);
    out.store = std::move(store);
    return out;
}

} // namespace gatehouse
