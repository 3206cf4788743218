#pragma once
// Secrets from the process environment: GATEHOUSE_VK_<SLUG> (slug upper-cased, '-' -> '_').
// Read-only; for containers and CI where neither a keychain nor a file is wanted. When set, the
// variable wins over the keychain or secrets file for this process.

#include "keys/secret_store.h"

namespace gatehouse {

class EnvironmentSecretStore : public SecretStore {
public:
    QString description() const override { return QStringLiteral("the environment (GATEHOUSE_VK_<SLUG>)"); }
    bool has(const QString& slug) const;
    void read(const QString& slug, Callback done) override;
    void write(const QString& slug, const QString& secret, Callback done) override;
    void remove(const QString& slug, Callback done) override;
};

} // namespace gatehouse
