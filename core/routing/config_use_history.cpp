#include "routing/config_use_history.h"

#include "observability/log_query.h"
#include "routing/config_store.h"

#include <QFileInfo>

namespace gatehouse {

bool restoreConfigUseFromLog(ConfigStore& store, const QString& logPath, QString* error)
{
    if (!QFileInfo::exists(logPath))
        return true;   // no log yet: nothing was used
    LogReader reader;
    if (!reader.open(logPath, error))
        return false;
    for (const StoredConfigInfo& c : store.list()) {
        if (const qint64 at = reader.lastUseOfConfig(QString::fromStdString(c.id)))
            store.noteUsed(c.id, at);
    }
    if (!reader.lastError().isEmpty()) {
        if (error)
            *error = reader.lastError();
        return false;
    }
    return true;
}

} // namespace gatehouse
