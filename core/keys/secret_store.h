#pragma once
// Where virtual keys' secrets live. Every operation is asynchronous (the OS keychain answers over
// D-Bus) and reports on the calling thread's event loop, never from inside the call. Used on the
// main thread (or by the CLI): the gateway thread never touches a SecretStore, it gets snapshots.

#include <QString>
#include <functional>

namespace gatehouse {

struct SecretResult {
    bool ok = false;
    bool notFound = false;   // the store works but holds nothing under this slug
    QString secret;          // read: the secret
    QString message;         // failure: what went wrong and what to do, never the secret
};

class SecretStore {
public:
    using Callback = std::function<void(SecretResult)>;
    virtual ~SecretStore() = default;

    virtual QString description() const = 0;   // for messages: "the OS keychain", "the secrets file X"
    virtual void read(const QString& slug, Callback done) = 0;
    virtual void write(const QString& slug, const QString& secret, Callback done) = 0;
    virtual void remove(const QString& slug, Callback done) = 0;
};

// Reports result from the event loop (for stores whose work is done synchronously).
void postSecretResult(SecretStore::Callback done, SecretResult result);

} // namespace gatehouse
