#include "keys/secret_store.h"

#include <QTimer>

namespace gatehouse {

void postSecretResult(SecretStore::Callback done, SecretResult result)
{
    QTimer::singleShot(0, [done = std::move(done), result = std::move(result)]() mutable { done(std::move(result)); });
}

} // namespace gatehouse
