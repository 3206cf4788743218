#pragma once
// The virtual keys as the application manages them, on the main thread: metadata from the
// KeyMetadataStore, secrets from a SecretStore (the OS keychain, or a secrets file) with
// GATEHOUSE_VK_<SLUG> variables taking precedence. Every change builds a new immutable
// KeySnapshot and emits it; the app pushes it to the gateway (GatewayService::setKeys).

#include "keys/environment_secret_store.h"
#include "keys/key_metadata_store.h"
#include "keys/key_snapshot.h"
#include "keys/secret_store.h"

#include <QFileSystemWatcher>
#include <QObject>
#include <QTimer>
#include <QStringList>
#include <functional>
#include <map>
#include <memory>

namespace gatehouse {

class ProviderRegistry;

class KeyVault : public QObject {
    Q_OBJECT
public:
    using Done = std::function<void(const QString& error)>;   // empty error: success

    KeyVault(QString metadataPath, std::unique_ptr<SecretStore> secrets, std::shared_ptr<const ProviderRegistry> providers,
             QObject* parent = nullptr);
    ~KeyVault() override;

    // Reads the metadata file only (the CLI's list/disable do not need secrets).
    bool openMetadata(QString* error);
    // Reads the metadata and every key's secret; emits loaded() with one line per problem, then
    // snapshotChanged(). Keys whose secret cannot be read stay in the snapshot as unavailable.
    void load();

    const KeyMetadataStore& metadata() const { return metadata_; }
    KeySnapshotPtr snapshot() const { return snapshot_; }
    const SecretStore& secretStore() const { return *secrets_; }

    // Validates, stores the secret, then the metadata. secret may be empty only with
    // key.secretFromEnvironment (nothing is stored).
    void addKey(VirtualKey key, const QString& secret, Done done);
    // Changes everything but the slug, creation time and secret.
    void updateKey(const VirtualKey& key, Done done);
    void rotate(const QString& slug, const QString& secret, Done done);
    void setDisabled(const QString& slug, bool disabled, Done done);
    void removeKey(const QString& slug, Done done);
    // Reloads (metadata and secrets) when another process changes the metadata file, e.g.
    // 'gatehouse keys rotate' while the gateway runs.
    void watchForChanges();
    // Records when keys were last used (from the gateway's records); saved at most once a minute.
    void noteUsed(const QString& slug, qint64 atMs);

    // Empty when the key's fields are acceptable (slug, provider, hosts), else the first problem.
    QString validate(const VirtualKey& key) const;

Q_SIGNALS:
    void loaded(const QStringList& problems);
    void snapshotChanged(gatehouse::KeySnapshotPtr snapshot);

private:
    void publish();
    void applyUsage();
    bool saveMetadata(QString* error);

    KeyMetadataStore metadata_;
    std::unique_ptr<SecretStore> secrets_;
    EnvironmentSecretStore environment_;
    std::shared_ptr<const ProviderRegistry> providers_;
    std::map<QString, QString> loadedSecrets_;     // slug -> secret, main thread only
    std::map<QString, QString> unavailable_;       // slug -> why its secret could not be read
    std::map<QString, qint64> lastUsed_;           // slug -> last use seen by this process
    KeySnapshotPtr snapshot_;
    QFileSystemWatcher* watcher_ = nullptr;
    QTimer* reloadDebounce_ = nullptr;
    bool usageDirty_ = false;
    qint64 usageSavedMs_ = 0;
};

} // namespace gatehouse
