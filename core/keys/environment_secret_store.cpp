#include "keys/environment_secret_store.h"

#include "keys/virtual_key.h"

namespace gatehouse {

bool EnvironmentSecretStore::has(const QString& slug) const
{
    return !qEnvironmentVariableIsEmpty(qPrintable(secretEnvironmentVariable(slug)));
}

void EnvironmentSecretStore::read(const QString& slug, Callback done)
{
    SecretResult r;
    const QString name = secretEnvironmentVariable(slug);
    r.secret = qEnvironmentVariable(qPrintable(name));
    r.ok = !r.secret.isEmpty();
    r.notFound = !r.ok;
    if (!r.ok)
        r.message = QStringLiteral("The environment variable %1 is not set.").arg(name);
    postSecretResult(std::move(done), std::move(r));
}

void EnvironmentSecretStore::write(const QString& slug, const QString&, Callback done)
{
    SecretResult r;
    r.message = QStringLiteral("Secrets from the environment cannot be changed by Gatehouse: set %1 instead.").arg(secretEnvironmentVariable(slug));
    postSecretResult(std::move(done), std::move(r));
}

void EnvironmentSecretStore::remove(const QString& slug, Callback done)
{
    write(slug, {}, std::move(done));
}

} // namespace gatehouse
