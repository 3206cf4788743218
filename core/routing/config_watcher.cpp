#include "routing/config_watcher.h"

#include <QDir>
#include <QFileInfo>

namespace gatehouse {

ConfigWatcher::ConfigWatcher(QString path, std::string defaultId, std::function<bool(const std::string&)> isKnownProvider,
                             QObject* parent)
    : QObject(parent)
    , path_(std::move(path))
    , defaultId_(std::move(defaultId))
    , isKnownProvider_(std::move(isKnownProvider))
    , watcher_(this)
    , debounce_(this)
{
    debounce_.setSingleShot(true);
    debounce_.setInterval(250);   // editors write files in several steps
    connect(&watcher_, &QFileSystemWatcher::fileChanged, &debounce_, qOverload<>(&QTimer::start));
    connect(&watcher_, &QFileSystemWatcher::directoryChanged, &debounce_, qOverload<>(&QTimer::start));
    connect(&debounce_, &QTimer::timeout, this, [this] {
        ConfigSetLoad load = loadNow();
        if (load.set)
            Q_EMIT reloaded(load.set);
        else
            Q_EMIT reloadFailed(load.errors);
    });
}

ConfigSetLoad ConfigWatcher::loadNow()
{
    rewatch();
    return loadConfigSet(path_, defaultId_, isKnownProvider_);
}

void ConfigWatcher::rewatch()
{
    if (!watcher_.files().isEmpty())
        watcher_.removePaths(watcher_.files());
    if (!watcher_.directories().isEmpty())
        watcher_.removePaths(watcher_.directories());
    const QFileInfo info(path_);
    if (info.isDir()) {
        watcher_.addPath(path_);
        for (const QFileInfo& f : QDir(path_).entryInfoList({QStringLiteral("*.json")}, QDir::Files))
            watcher_.addPath(f.filePath());
    } else if (info.exists()) {
        watcher_.addPath(path_);
    }
}

} // namespace gatehouse
