#pragma once
// Saved routing configs for both modes: loads --configs at startup (refusing to start on an invalid
// set) and keeps it live: changes are validated and swapped into the gateway, or reported.

#include "command_line.h"

#include <memory>

namespace gatehouse {

class ConfigWatcher;
class GatewayService;

// Null with *error set when the configs cannot be loaded; null without error when none were asked for.
std::unique_ptr<ConfigWatcher> setupConfigs(const AppOptions& options, GatewayService& gateway, QString* error);

} // namespace gatehouse
