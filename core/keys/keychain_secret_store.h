#pragma once
// Secrets in the OS keychain through QtKeychain (Secret Service on GNOME, KWallet on KDE), under
// the service name "gatehouse" and the key "virtual-key/<slug>". The insecure fallback (plain text
// in a settings file when no keychain runs) stays off: a failure is reported, never papered over.

#include "keys/secret_store.h"

namespace gatehouse {

class KeychainSecretStore : public SecretStore {
public:
    explicit KeychainSecretStore(QString service = QStringLiteral("gatehouse"));

    QString description() const override { return QStringLiteral("the OS keychain"); }
    void read(const QString& slug, Callback done) override;
    void write(const QString& slug, const QString& secret, Callback done) override;
    void remove(const QString& slug, Callback done) override;

private:
    QString service_;
};

} // namespace gatehouse
