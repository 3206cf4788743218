#pragma once
// Saved routing configs that can be created and edited (GUI, `gatehouse configs`), with every saved
// version kept. The current version of each config stays a plain <id>.json in the folder, so the
// folder still works as a --configs directory and can be edited by hand; names, the default id and
// the history live beside them in .history/ (layout in docs/routing.md). Every change yields a new
// ConfigSet for GatewayService::setConfigs; rescans that find nothing new yield none.

#include "routing/config_set.h"
#include "routing/routing_config.h"

#include <QByteArray>
#include <QFileSystemWatcher>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gatehouse {

struct StoredConfigInfo {
    std::string id;              // "pc-prod-fallback"; stable across renames
    QString name;                // display name
    int version = 0;             // current version; 0 when the file was never valid
    qint64 savedAtMs = 0;        // when the current version was saved
    qint64 lastUsedMs = 0;       // last request that named it (this run), 0 = not seen
    bool isDefault = false;
    QString problem;             // the file on disk is invalid: what is wrong (the last valid version is served)
};

struct StoredVersion {
    int version = 0;
    qint64 savedAtMs = 0;
    QString note;                // "rolled back to version 2", "edited outside Gatehouse", ...
};

struct StoreResult {
    bool ok = false;
    QString error;                       // one line for the user
    std::vector<ConfigIssue> issues;     // a refused config: every error, with its JSON path
    std::string id;
    int version = 0;                     // the version now current

    static StoreResult done(std::string id, int version = 0)
    {
        StoreResult r;
        r.ok = true;
        r.id = std::move(id);
        r.version = version;
        return r;
    }
};

struct ConfigValidator {
    ProviderPredicate isKnownProvider;   // empty: providers are not checked
    std::vector<std::string> providerIds;
};

// Validates config text as the store and the editor do: JSON syntax errors carry "line L, column C".
ConfigParseResult validateConfigText(QByteArrayView text, const ConfigValidator& validator);

class ConfigStore : public QObject {
    Q_OBJECT
public:
    using Clock = std::function<qint64()>;   // ms since the epoch
    ConfigStore(QString directory, ConfigValidator validator, Clock clock = {}, QObject* parent = nullptr);

    // Creates the folder if needed and reads it. False only when the folder cannot be used at all;
    // bad files are problems(), never a failure.
    bool open(QString* error);
    const QString& directory() const { return dir_; }
    const ConfigValidator& validator() const { return validator_; }

    std::vector<StoredConfigInfo> list() const;          // by display name
    std::optional<StoredConfigInfo> info(const std::string& id) const;
    std::optional<QByteArray> text(const std::string& id) const;   // the file's current text
    QStringList problems() const;                        // "file: path: message" for each bad file

    StoreResult create(const QString& name, const QByteArray& text = QByteArrayLiteral("{}\n"));
    StoreResult save(const std::string& id, const QByteArray& text, const QString& note = {});
    StoreResult duplicate(const std::string& id, const QString& newName);
    StoreResult rename(const std::string& id, const QString& newName);
    StoreResult remove(const std::string& id);           // the file and its history
    StoreResult setDefault(const std::string& id);       // empty: no default
    // The default for this run only (--default-config); empty: the saved one.
    void overrideDefault(const std::string& id);

    std::vector<StoredVersion> history(const std::string& id) const;   // oldest first
    std::optional<QByteArray> version(const std::string& id, int n) const;
    StoreResult rollback(const std::string& id, int n);  // saves version n's text as a new version

    std::shared_ptr<const ConfigSet> configSet() const { return set_; }
    void noteUsed(const std::string& id, qint64 atMs);   // from request records; kept in memory

    // Rereads the folder (hand edits, other processes). Also runs on its own when watching is on.
    void refresh();
    void setWatching(bool on);

Q_SIGNALS:
    void configSetChanged(std::shared_ptr<const gatehouse::ConfigSet> set);   // the gateway swaps it in
    void changed();                                                          // list, names or versions
    void problemsFound(const QStringList& problems);                         // new bad files on disk
    void usageNoted(const QString& id);                                      // lastUsedMs moved on

private:
    struct Entry {
        QString file;                 // current-version file
        QString name;
        QByteArray diskText;          // what the file held at the last read or write
        QByteArray servedText;        // last valid text (what the gateway uses)
        std::shared_ptr<const RoutingConfig> config;
        std::vector<StoredVersion> versions;
        QString problem;
        qint64 lastUsedMs = 0;
    };

    QString historyDir() const;
    QString historyDir(const std::string& id) const;
    bool writeIndex(QString* error);
    bool writeVersions(const std::string& id, const Entry& e, QString* error);
    StoreResult addVersion(const std::string& id, Entry& e, const QByteArray& text, const QString& note);
    StoreResult refused(const QString& message, std::vector<ConfigIssue> issues = {}) const;
    QString checkName(const QString& name, const std::string& exceptId) const;
    void scan(bool emitSignals);
    void publish(bool force);
    QString listSignature() const;
    void rewatch();

    QString dir_;
    ConfigValidator validator_;
    Clock clock_;
    std::map<std::string, Entry> entries_;
    std::string defaultId_;
    std::string defaultOverride_;
    QStringList scanProblems_;        // duplicate ids, an unreadable index
    QString publishedSignature_;
    std::shared_ptr<const ConfigSet> set_;
    QFileSystemWatcher* watcher_ = nullptr;
    QTimer debounce_;
};

} // namespace gatehouse
