#pragma once
// The saved configs the gateway knows, as one immutable snapshot: requests look a config up by id
// (x-portkey-config: pc-...) and keep the version they started with while a newer set is swapped in.

#include "routing/routing_config.h"

#include <QString>
#include <QStringList>
#include <map>
#include <memory>
#include <string>

namespace gatehouse {

struct SavedConfig {
    std::string id;            // "pc-prod-fallback"
    QString source;            // file it came from
    std::shared_ptr<const RoutingConfig> config;
};

struct ConfigSet {
    std::map<std::string, SavedConfig> configs;
    std::string defaultId;     // used when a request names no config; empty = none

    const SavedConfig* find(const std::string& id) const;
    QStringList ids() const;
};

struct ConfigSetLoad {
    std::shared_ptr<const ConfigSet> set;   // set when every file was valid
    QStringList errors;                     // "file: path: message" for each problem
};

// Loads every *.json in a directory (or one file). A file's id is its name without ".json",
// prefixed "pc-" when it lacks it. Any invalid file fails the whole load: a half-applied set would
// route some requests by configs the user never saw validated.
ConfigSetLoad loadConfigSet(const QString& path, const std::string& defaultId,
                            const std::function<bool(const std::string&)>& isKnownProvider);

// "pc-" + slug of a name: lower case letters, digits and dashes.
std::string configIdFromName(const QString& name);

} // namespace gatehouse
