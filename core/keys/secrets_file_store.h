#pragma once
// Secrets in a file the user names on the command line (--secrets-file), for machines without a
// keychain: a JSON object {"<slug>": "<secret>", ...}. Refused unless only its owner can read it
// (mode 0600 or 0400), so a secret never sits in a world-readable file because of a typo.
// Rewritten whole (QSaveFile, mode 0600) when the CLI adds, rotates or deletes a key.

#include "keys/secret_store.h"

#include <QString>
#include <map>
#include <optional>

namespace gatehouse {

class SecretsFileStore : public SecretStore {
public:
    explicit SecretsFileStore(QString path);

    // Empty when the file may be used (or does not exist yet), else the reason it is refused.
    static QString permissionProblem(const QString& path);

    QString description() const override { return QStringLiteral("the secrets file %1").arg(path_); }
    void read(const QString& slug, Callback done) override;
    void write(const QString& slug, const QString& secret, Callback done) override;
    void remove(const QString& slug, Callback done) override;

private:
    std::optional<std::map<QString, QString>> load(QString* error) const;
    bool save(const std::map<QString, QString>& secrets, QString* error) const;

    QString path_;
};

} // namespace gatehouse
