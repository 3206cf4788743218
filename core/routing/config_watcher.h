#pragma once
// Hot reload of saved configs: watches a config file or directory and, after a short quiet period,
// reloads it. A valid result is handed on (the gateway swaps it in for new requests); an invalid one
// is reported and the previous set stays in force.

#include "routing/config_set.h"

#include <QFileSystemWatcher>
#include <QObject>
#include <QTimer>

namespace gatehouse {

class ConfigWatcher : public QObject {
    Q_OBJECT
public:
    ConfigWatcher(QString path, std::string defaultId, std::function<bool(const std::string&)> isKnownProvider,
                  QObject* parent = nullptr);

    ConfigSetLoad loadNow();   // also (re)arms the watch

Q_SIGNALS:
    void reloaded(std::shared_ptr<const gatehouse::ConfigSet> set);
    void reloadFailed(const QStringList& errors);

private:
    void rewatch();

    QString path_;
    std::string defaultId_;
    std::function<bool(const std::string&)> isKnownProvider_;
    QFileSystemWatcher watcher_;
    QTimer debounce_;
};

} // namespace gatehouse
