#include "keys/key_vault.h"

#include "pipeline/client_options.h"
#include "providers/provider_registry.h"

#include <QDateTime>
#include <algorithm>
#include <QDir>
#include <QFileInfo>

namespace gatehouse {

KeyVault::KeyVault(QString metadataPath, std::unique_ptr<SecretStore> secrets, std::shared_ptr<const ProviderRegistry> providers,
                   QObject* parent)
    : QObject(parent)
    , metadata_(std::move(metadataPath))
    , secrets_(std::move(secrets))
    , providers_(std::move(providers))
    , snapshot_(std::make_shared<const KeySnapshot>())
    , usageSavedMs_(QDateTime::currentMSecsSinceEpoch())
{
    qRegisterMetaType<gatehouse::KeySnapshotPtr>("gatehouse::KeySnapshotPtr");
}

KeyVault::~KeyVault()
{
    if (usageDirty_ && !metadata_.changedOnDisk())
        saveMetadata(nullptr);
}

bool KeyVault::openMetadata(QString* error)
{
    return metadata_.load(error);
}

void KeyVault::load()
{
    loadedSecrets_.clear();
    unavailable_.clear();
    auto problems = std::make_shared<QStringList>();
    QString error;
    if (!metadata_.load(&error))
        problems->append(error);
    applyUsage();   // uses seen by this process but not saved yet
    auto pending = std::make_shared<int>(1);   // one for this function, so an empty vault finishes too
    auto finishOne = [this, pending, problems] {
        if (--*pending > 0)
            return;
        publish();
        Q_EMIT loaded(*problems);
    };
    for (const VirtualKey& k : metadata_.keys()) {
        const QString slug = k.slug;
        const bool fromEnv = k.secretFromEnvironment || environment_.has(slug);
        SecretStore& store = fromEnv ? static_cast<SecretStore&>(environment_) : *secrets_;
        ++*pending;
        store.read(slug, [this, slug, problems, finishOne](SecretResult r) {
            if (r.ok) {
                loadedSecrets_[slug] = r.secret;
            } else {
                unavailable_[slug] = r.message;
                problems->append(QStringLiteral("virtual key '%1': %2").arg(slug, r.message));
            }
            finishOne();
        });
    }
    QMetaObject::invokeMethod(this, finishOne, Qt::QueuedConnection);
}

void KeyVault::watchForChanges()
{
    if (watcher_)
        return;
    watcher_ = new QFileSystemWatcher(this);
    reloadDebounce_ = new QTimer(this);
    reloadDebounce_->setSingleShot(true);
    reloadDebounce_->setInterval(100);   // a save is a write + rename: react once
    const QString dir = QFileInfo(metadata_.path()).absolutePath();
    QDir().mkpath(dir);
    watcher_->addPath(dir);   // QSaveFile replaces the file, so the directory is what reliably changes
    connect(watcher_, &QFileSystemWatcher::directoryChanged, reloadDebounce_, qOverload<>(&QTimer::start));
    connect(reloadDebounce_, &QTimer::timeout, this, [this] {
        if (metadata_.changedOnDisk())
            load();
    });
}

QString KeyVault::validate(const VirtualKey& key) const
{
    if (const QString p = slugProblem(key.slug); !p.isEmpty())
        return QStringLiteral("Invalid slug '%1': %2.").arg(key.slug.left(64), p);
    if (key.provider.isEmpty())
        return QStringLiteral("A virtual key needs a provider. Valid providers: %1.").arg(providers_->ids().join(QStringLiteral(", ")));
    const Provider* p = providers_->find(key.provider);
    if (!p)
        return QStringLiteral("Unknown provider '%1'. Valid providers: %2.").arg(key.provider.left(64), providers_->ids().join(QStringLiteral(", ")));
    if (!key.customHost.isEmpty()) {
        if (auto e = validateCustomHost(key.customHost.toUtf8(), QStringLiteral("custom host")))
            return e->message;
    }
    return {};
}

void KeyVault::addKey(VirtualKey key, const QString& secret, Done done)
{
    if (const QString p = validate(key); !p.isEmpty())
        return done(p);
    if (metadata_.find(key.slug))
        return done(QStringLiteral("A virtual key '%1' exists already; use rotate to replace its secret.").arg(key.slug));
    if (const Provider* p = providers_->find(key.provider))
        key.provider = p->id();   // aliases are stored under the canonical id
    if (key.createdMs == 0)
        key.createdMs = QDateTime::currentMSecsSinceEpoch();
    auto commit = [this, key, secret, done] {
        metadata_.upsert(key);
        QString error;
        if (!saveMetadata(&error)) {
            metadata_.remove(key.slug);
            return done(error);
        }
        if (!key.secretFromEnvironment)
            loadedSecrets_[key.slug] = secret;
        unavailable_.erase(key.slug);
        publish();
        done({});
    };
    if (key.secretFromEnvironment)
        return commit();
    if (secret.isEmpty())
        return done(QStringLiteral("The secret is empty."));
    secrets_->write(key.slug, secret, [commit, done](SecretResult r) {
        if (!r.ok)
            return done(r.message);
        commit();
    });
}

void KeyVault::updateKey(const VirtualKey& key, Done done)
{
    VirtualKey* existing = metadata_.find(key.slug);
    if (!existing)
        return done(QStringLiteral("There is no virtual key '%1'.").arg(key.slug.left(64)));
    if (const QString p = validate(key); !p.isEmpty())
        return done(p);
    const VirtualKey before = *existing;
    VirtualKey next = key;
    next.createdMs = before.createdMs;
    next.lastUsedMs = before.lastUsedMs;
    *existing = next;
    QString error;
    if (!saveMetadata(&error)) {
        *metadata_.find(key.slug) = before;
        return done(error);
    }
    publish();
    done({});
}

void KeyVault::rotate(const QString& slug, const QString& secret, Done done)
{
    const VirtualKey* k = metadata_.find(slug);
    if (!k)
        return done(QStringLiteral("There is no virtual key '%1'.").arg(slug.left(64)));
    if (k->secretFromEnvironment)
        return done(QStringLiteral("The secret of '%1' comes from %2; change that variable instead.").arg(slug, secretEnvironmentVariable(slug)));
    if (secret.isEmpty())
        return done(QStringLiteral("The secret is empty."));
    secrets_->write(slug, secret, [this, slug, secret, done](SecretResult r) {
        if (!r.ok)
            return done(r.message);
        loadedSecrets_[slug] = secret;
        unavailable_.erase(slug);
        if (VirtualKey* k = metadata_.find(slug)) {
            k->secretUpdatedMs = QDateTime::currentMSecsSinceEpoch();
            saveMetadata(nullptr);   // only a signal to other processes; the secret is already stored
        }
        publish();
        done({});
    });
}

void KeyVault::setDisabled(const QString& slug, bool disabled, Done done)
{
    VirtualKey* k = metadata_.find(slug);
    if (!k)
        return done(QStringLiteral("There is no virtual key '%1'.").arg(slug.left(64)));
    k->disabled = disabled;
    QString error;
    if (!saveMetadata(&error)) {
        metadata_.find(slug)->disabled = !disabled;
        return done(error);
    }
    publish();
    done({});
}

void KeyVault::removeKey(const QString& slug, Done done)
{
    const VirtualKey* k = metadata_.find(slug);
    if (!k)
        return done(QStringLiteral("There is no virtual key '%1'.").arg(slug.left(64)));
    auto forget = [this, slug, done] {
        metadata_.remove(slug);
        QString error;
        if (!saveMetadata(&error))
            return done(error);
        loadedSecrets_.erase(slug);
        unavailable_.erase(slug);
        publish();
        done({});
    };
    if (k->secretFromEnvironment)
        return forget();
    // The secret goes first: a key whose metadata is gone but whose secret stays would be invisible.
    secrets_->remove(slug, [forget, done](SecretResult r) {
        if (!r.ok)
            return done(r.message);
        forget();
    });
}

void KeyVault::noteUsed(const QString& slug, qint64 atMs)
{
    qint64& last = lastUsed_[slug];
    last = std::max(last, atMs);
    VirtualKey* k = metadata_.find(slug);
    if (!k || atMs <= k->lastUsedMs)
        return;
    k->lastUsedMs = atMs;
    usageDirty_ = true;
    // At most once a minute, and never over a change another process made (it is reloaded first).
    if (atMs - usageSavedMs_ >= 60'000 && !metadata_.changedOnDisk())
        saveMetadata(nullptr);
}

void KeyVault::applyUsage()
{
    for (const auto& [slug, atMs] : lastUsed_) {
        if (VirtualKey* k = metadata_.find(slug); k && k->lastUsedMs < atMs) {
            k->lastUsedMs = atMs;
            usageDirty_ = true;
        }
    }
}

bool KeyVault::saveMetadata(QString* error)
{
    const bool ok = metadata_.save(error);
    if (ok) {
        usageDirty_ = false;
        usageSavedMs_ = QDateTime::currentMSecsSinceEpoch();
    }
    return ok;
}

void KeyVault::publish()
{
    auto next = std::make_shared<KeySnapshot>();
    for (const VirtualKey& k : metadata_.keys()) {
        ResolvedKey r;
        r.key = k;
        if (const auto s = loadedSecrets_.find(k.slug); s != loadedSecrets_.end())
            r.secret = s->second;
        if (const auto u = unavailable_.find(k.slug); u != unavailable_.end())
            r.unavailable = u->second;
        else if (r.secret.isEmpty())
            r.unavailable = k.secretFromEnvironment
                ? QStringLiteral("set %1 in the gateway's environment.").arg(secretEnvironmentVariable(k.slug))
                : QStringLiteral("no secret is stored; set one with 'gatehouse keys rotate'.");
        next->keys.emplace(k.slug, std::move(r));
    }
    snapshot_ = std::move(next);
    Q_EMIT snapshotChanged(snapshot_);
}

} // namespace gatehouse
