#pragma once
// QtKeychain's error codes and texts (they differ by backend and failure) turned into one clear
// sentence that says what is wrong and what to do. Documented in docs/vault.md.

#include <QString>

namespace gatehouse {

// code: QKeychain::Error; detail: Job::errorString().
QString describeKeychainFailure(int code, const QString& detail);

} // namespace gatehouse
