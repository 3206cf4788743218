#include "vault_setup.h"

#include "command_line.h"
#include "gateway_service.h"
#include "keys/key_vault.h"
#include "keys/keychain_secret_store.h"
#include "keys/secrets_file_store.h"
#include "providers/provider_registry.h"

#include <QDir>

namespace gatehouse {

std::unique_ptr<SecretStore> makeSecretStore(const QString& secretsFile, QString* error)
{
    if (secretsFile.isEmpty())
        return std::make_unique<KeychainSecretStore>();
    if (const QString p = SecretsFileStore::permissionProblem(secretsFile); !p.isEmpty()) {
        *error = p;
        return nullptr;
    }
    return std::make_unique<SecretsFileStore>(secretsFile);
}

std::unique_ptr<KeyVault> setupVault(const AppOptions& options, GatewayService& gateway,
                                     std::function<void(const QString& line, bool problem)> log, QString* error)
{
    auto store = makeSecretStore(options.secretsFile, error);
    if (!store)
        return nullptr;
    auto vault = std::make_unique<KeyVault>(QDir(dataDirectory(options.dataDir)).filePath(QStringLiteral("virtual-keys.json")), std::move(store), ProviderRegistry::builtIn());
    KeyVault* v = vault.get();
    QObject::connect(v, &KeyVault::snapshotChanged, &gateway, [&gateway](KeySnapshotPtr snapshot) { gateway.setKeys(std::move(snapshot)); });
    QObject::connect(v, &KeyVault::loaded, &gateway, [v, log](const QStringList& problems) {
        const int n = int(v->metadata().keys().size());
        if (n > 0)
            log(QStringLiteral("%1 virtual key(s) loaded from %2").arg(n).arg(v->secretStore().description()), false);
        for (const QString& p : problems)
            log(p, true);
    });
    QObject::connect(&gateway, &GatewayService::recordsReady, v, [v](const RecordBatch& batch) {
        for (const RequestRecord& r : *batch) {
            if (!r.virtualKey.isEmpty())
                v->noteUsed(r.virtualKey, r.receivedAt.toMSecsSinceEpoch());
        }
    });
    v->watchForChanges();
    return vault;
}

} // namespace gatehouse
