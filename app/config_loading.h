#pragma once
// Saved routing configs for both modes: loads them at startup and keeps them live: changes are
// validated and swapped into the gateway, or reported. A --configs FILE is read-only and watched;
// a --configs DIR, or without --configs the configs folder in the data directory, is a ConfigStore
// that the GUI and `gatehouse configs` edit.

#include "command_line.h"

#include "routing/config_store.h"

#include <memory>

namespace gatehouse {

class ConfigWatcher;
class GatewayService;

struct LoadedConfigs {
    std::unique_ptr<ConfigWatcher> watcher;   // --configs FILE
    std::unique_ptr<ConfigStore> store;       // a configs folder
    LoadedConfigs();
    LoadedConfigs(LoadedConfigs&&) noexcept;
    ~LoadedConfigs();
};

// With *error set when the configs cannot be loaded (the app then exits).
LoadedConfigs setupConfigs(const AppOptions& options, GatewayService& gateway, QString* error);

// Provider ids checked against the built-in provider table.
ConfigValidator builtInConfigValidator();

// <data-dir>/configs: the store used when --configs is not given.
QString configStoreDirectory(const QString& dataDir);

} // namespace gatehouse
