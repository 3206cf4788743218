#pragma once
// "Last used" of the saved configs outlives a restart: it is read back from the request log, the
// same records that move it on while the app runs.

#include <QString>

namespace gatehouse {

class ConfigStore;

// Notes in `store` when each of its configs was last named by a logged request. False (and
// `error`) when the log could not be read; configs keep "not used" then.
bool restoreConfigUseFromLog(ConfigStore& store, const QString& logPath, QString* error = nullptr);

} // namespace gatehouse
