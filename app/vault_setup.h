#pragma once
// The key vault for both modes: picks where secrets live (--secrets-file, else the OS keychain;
// GATEHOUSE_VK_<SLUG> variables win over either), loads every secret asynchronously, pushes each
// new snapshot to the gateway, and starts the gateway once the first snapshot is there, so no
// request is answered "unknown key" while the keychain is still being read.

#include "command_line.h"

#include <functional>
#include <memory>

namespace gatehouse {

class GatewayService;
class KeyVault;
class SecretStore;

// The store the options ask for; null with *error set when it is refused (e.g. a 0644 secrets file).
std::unique_ptr<SecretStore> makeSecretStore(const QString& secretsFile, QString* error);

// log: one line for the user (stderr; problems also in the window). Null with *error set when the
// vault cannot be used.
std::unique_ptr<KeyVault> setupVault(const AppOptions& options, GatewayService& gateway,
                                     std::function<void(const QString& line, bool problem)> log, QString* error);

} // namespace gatehouse
