#include "routing/config_store.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace gatehouse {

namespace {

using nlohmann::json;

constexpr qint64 kMaxConfigBytes = 1024 * 1024;   // as loadConfigSet
constexpr int kMaxNameLength = 100;
const char* const kIndexFile = "index.json";
const char* const kVersionsFile = "versions.json";

std::optional<QByteArray> readFile(const QString& path, QString* error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("cannot read: %1").arg(f.errorString());
        return std::nullopt;
    }
    if (f.size() > kMaxConfigBytes) {
        if (error)
            *error = QStringLiteral("larger than 1 MiB");
        return std::nullopt;
    }
    return f.readAll();
}

// Atomic: readers (the gateway's loader, a second Gatehouse, an editor) see the old or the new file.
bool writeFile(const QString& path, const QByteArray& bytes, QString* error)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, f.errorString());
        return false;
    }
    return true;
}

std::optional<json> readJsonFile(const QString& path)
{
    const auto bytes = readFile(path, nullptr);
    if (!bytes)
        return std::nullopt;
    json j = json::parse(bytes->begin(), bytes->end(), nullptr, false);
    if (j.is_discarded())
        return std::nullopt;
    return j;
}

QString issuesText(const std::vector<ConfigIssue>& issues)
{
    QStringList lines;
    for (const ConfigIssue& i : issues)
        lines << QString::fromStdString(formatConfigIssue(i));
    return lines.join(QStringLiteral("; "));
}

} // namespace

ConfigParseResult validateConfigText(QByteArrayView text, const ConfigValidator& validator)
{
    // nlohmann's exception says where the syntax breaks; parseRoutingConfig only says that it does.
    try {
        [[maybe_unused]] const json probe = json::parse(text.begin(), text.end());
    } catch (const json::parse_error& e) {
        if (!text.trimmed().isEmpty()) {
            const QByteArrayView before = text.first(std::min<qsizetype>(text.size(), qsizetype(e.byte > 0 ? e.byte - 1 : 0)));
            const qsizetype line = before.count('\n') + 1;
            const qsizetype column = before.size() - (before.lastIndexOf('\n') + 1) + 1;
            // "[json.exception.parse_error.101] parse error at line 4, column 1: syntax error while
            // parsing value - unexpected '}'; expected ..." -> the part after " - " (we give line and column).
            std::string what = e.what();
            if (const auto p = what.find(" - "); p != std::string::npos)
                what = what.substr(p + 3);
            else if (const auto q = what.rfind(": "); q != std::string::npos)
                what = what.substr(q + 2);
            ConfigParseResult r;
            r.errors.push_back({"", "is not valid JSON (line " + std::to_string(line) + ", column " + std::to_string(column) + "): " + what});
            return r;
        }
    }
    if (validator.isKnownProvider)
        return parseRoutingConfig(text, validator.isKnownProvider, validator.providerIds);
    return parseRoutingConfig(text);
}

ConfigStore::ConfigStore(QString directory, ConfigValidator validator, Clock clock, QObject* parent)
    : QObject(parent)
    , dir_(std::move(directory))
    , validator_(std::move(validator))
    , clock_(clock ? std::move(clock) : Clock([] { return QDateTime::currentMSecsSinceEpoch(); }))
    , debounce_(this)
{
    debounce_.setSingleShot(true);
    debounce_.setInterval(250);   // editors write files in several steps
    connect(&debounce_, &QTimer::timeout, this, &ConfigStore::refresh);
}

bool ConfigStore::open(QString* error)
{
    if (!QDir().mkpath(historyDir())) {
        *error = QStringLiteral("cannot create the configs folder %1").arg(dir_);
        return false;
    }
    scan(false);
    publish(true);
    return true;
}

QString ConfigStore::historyDir() const
{
    return QDir(dir_).filePath(QStringLiteral(".history"));
}

QString ConfigStore::historyDir(const std::string& id) const
{
    return QDir(historyDir()).filePath(QString::fromStdString(id));
}

std::vector<StoredConfigInfo> ConfigStore::list() const
{
    std::vector<StoredConfigInfo> out;
    for (const auto& [id, e] : entries_)
        out.push_back(*info(id));
    std::stable_sort(out.begin(), out.end(), [](const StoredConfigInfo& a, const StoredConfigInfo& b) {
        return a.name.compare(b.name, Qt::CaseInsensitive) < 0;
    });
    return out;
}

std::optional<StoredConfigInfo> ConfigStore::info(const std::string& id) const
{
    const auto it = entries_.find(id);
    if (it == entries_.end())
        return std::nullopt;
    const Entry& e = it->second;
    StoredConfigInfo i;
    i.id = id;
    i.name = e.name;
    if (!e.versions.empty()) {
        i.version = e.versions.back().version;
        i.savedAtMs = e.versions.back().savedAtMs;
    }
    i.lastUsedMs = e.lastUsedMs;
    i.isDefault = set_ && set_->defaultId == id;
    i.problem = e.problem;
    return i;
}

std::optional<QByteArray> ConfigStore::text(const std::string& id) const
{
    const auto it = entries_.find(id);
    if (it == entries_.end())
        return std::nullopt;
    return it->second.diskText;
}

QStringList ConfigStore::problems() const
{
    QStringList out = scanProblems_;
    for (const auto& [id, e] : entries_) {
        if (!e.problem.isEmpty())
            out << QStringLiteral("%1: %2").arg(e.file, e.problem);
    }
    const std::string wanted = defaultOverride_.empty() ? defaultId_ : defaultOverride_;
    if (!wanted.empty() && !(set_ && set_->find(wanted)))
        out << QStringLiteral("the default config %1 is not among the valid configs").arg(QString::fromStdString(wanted));
    return out;
}

StoreResult ConfigStore::refused(const QString& message, std::vector<ConfigIssue> issues) const
{
    StoreResult r;
    r.error = message;
    r.issues = std::move(issues);
    return r;
}

QString ConfigStore::checkName(const QString& name, const std::string& exceptId) const
{
    const QString n = name.trimmed();
    if (n.isEmpty())
        return QStringLiteral("A config needs a name.");
    if (n.size() > kMaxNameLength)
        return QStringLiteral("A config name has at most %1 characters.").arg(kMaxNameLength);
    for (const QChar c : n) {
        if (c.category() == QChar::Other_Control)
            return QStringLiteral("A config name cannot contain control characters.");
    }
    for (const auto& [id, e] : entries_) {
        if (id != exceptId && e.name.compare(n, Qt::CaseInsensitive) == 0)
            return QStringLiteral("There is already a config named '%1' (%2).").arg(e.name, QString::fromStdString(id));
    }
    return {};
}

StoreResult ConfigStore::create(const QString& name, const QByteArray& text)
{
    if (const QString problem = checkName(name, {}); !problem.isEmpty())
        return refused(problem);
    const std::string id = configIdFromName(name.trimmed());
    if (id.size() <= 3)
        return refused(QStringLiteral("A config name needs at least one letter or digit (it becomes the id pc-<name>)."));
    if (entries_.count(id) || QFileInfo::exists(QDir(dir_).filePath(QString::fromStdString(id) + QStringLiteral(".json"))))
        return refused(QStringLiteral("The id %1 is taken by another config; choose another name.").arg(QString::fromStdString(id)));
    const ConfigParseResult parsed = validateConfigText(QByteArrayView(text), validator_);
    if (!parsed.config)
        return refused(QStringLiteral("The config is invalid: %1").arg(issuesText(parsed.errors)), parsed.errors);
    // A leftover history of a deleted config with this id must not become this one's past.
    QDir(historyDir(id)).removeRecursively();
    Entry e;
    e.file = QDir(dir_).filePath(QString::fromStdString(id) + QStringLiteral(".json"));
    e.name = name.trimmed();
    StoreResult r = addVersion(id, e, text, QStringLiteral("created"));
    if (!r.ok)
        return r;
    entries_[id] = std::move(e);
    QString error;
    if (!writeIndex(&error))
        return refused(error);
    publish(false);
    Q_EMIT changed();
    return r;
}

StoreResult ConfigStore::addVersion(const std::string& id, Entry& e, const QByteArray& text, const QString& note)
{
    const ConfigParseResult parsed = validateConfigText(QByteArrayView(text), validator_);
    if (!parsed.config)
        return refused(QStringLiteral("The config is invalid: %1").arg(issuesText(parsed.errors)), parsed.errors);
    const int n = e.versions.empty() ? 1 : e.versions.back().version + 1;
    QString error;
    if (!QDir().mkpath(historyDir(id)))
        return refused(QStringLiteral("cannot create %1").arg(historyDir(id)));
    if (!writeFile(QDir(historyDir(id)).filePath(QString::number(n) + QStringLiteral(".json")), text, &error))
        return refused(error);
    if (e.diskText != text && !writeFile(e.file, text, &error))
        return refused(error);
    e.versions.push_back({n, clock_(), note});
    if (!writeVersions(id, e, &error)) {
        e.versions.pop_back();
        return refused(error);
    }
    auto config = std::make_shared<RoutingConfig>(*parsed.config);
    config->sourceId = id;
    config->version = n;
    e.config = std::move(config);
    e.diskText = text;
    e.servedText = text;
    e.problem.clear();
    return StoreResult::done(id, n);
}

StoreResult ConfigStore::save(const std::string& id, const QByteArray& text, const QString& note)
{
    const auto it = entries_.find(id);
    if (it == entries_.end())
        return refused(QStringLiteral("There is no config %1.").arg(QString::fromStdString(id)));
    Entry& e = it->second;
    if (!e.versions.empty() && e.diskText == text && e.problem.isEmpty()) {   // nothing changed: no new version
        return StoreResult::done(id, e.versions.back().version);
    }
    StoreResult r = addVersion(id, e, text, note);
    if (r.ok) {
        publish(false);
        Q_EMIT changed();
    }
    return r;
}

StoreResult ConfigStore::duplicate(const std::string& id, const QString& newName)
{
    const auto it = entries_.find(id);
    if (it == entries_.end())
        return refused(QStringLiteral("There is no config %1.").arg(QString::fromStdString(id)));
    return create(newName, it->second.diskText);
}

StoreResult ConfigStore::rename(const std::string& id, const QString& newName)
{
    const auto it = entries_.find(id);
    if (it == entries_.end())
        return refused(QStringLiteral("There is no config %1.").arg(QString::fromStdString(id)));
    if (const QString problem = checkName(newName, id); !problem.isEmpty())
        return refused(problem);
    const QString old = it->second.name;
    it->second.name = newName.trimmed();
    QString error;
    if (!writeIndex(&error)) {
        it->second.name = old;
        return refused(error);
    }
    Q_EMIT changed();
    return StoreResult::done(id, it->second.versions.empty() ? 0 : it->second.versions.back().version);
}

StoreResult ConfigStore::remove(const std::string& id)
{
    const auto it = entries_.find(id);
    if (it == entries_.end())
        return refused(QStringLiteral("There is no config %1.").arg(QString::fromStdString(id)));
    if (QFileInfo::exists(it->second.file) && !QFile::remove(it->second.file))
        return refused(QStringLiteral("cannot delete %1").arg(it->second.file));
    QDir(historyDir(id)).removeRecursively();
    entries_.erase(it);
    if (defaultId_ == id)
        defaultId_.clear();
    QString error;
    writeIndex(&error);   // a stale name in the index is harmless: names of missing files are dropped on read
    publish(false);
    Q_EMIT changed();
    return StoreResult::done(id);
}

StoreResult ConfigStore::setDefault(const std::string& id)
{
    if (!id.empty() && !entries_.count(id))
        return refused(QStringLiteral("There is no config %1.").arg(QString::fromStdString(id)));
    const std::string old = defaultId_;
    defaultId_ = id;
    QString error;
    if (!writeIndex(&error)) {
        defaultId_ = old;
        return refused(error);
    }
    publish(false);
    Q_EMIT changed();
    return StoreResult::done(id);
}

void ConfigStore::overrideDefault(const std::string& id)
{
    defaultOverride_ = id;
    publish(false);
}

std::vector<StoredVersion> ConfigStore::history(const std::string& id) const
{
    const auto it = entries_.find(id);
    return it == entries_.end() ? std::vector<StoredVersion>{} : it->second.versions;
}

std::optional<QByteArray> ConfigStore::version(const std::string& id, int n) const
{
    const auto it = entries_.find(id);
    if (it == entries_.end())
        return std::nullopt;
    const auto& v = it->second.versions;
    if (std::none_of(v.begin(), v.end(), [n](const StoredVersion& s) { return s.version == n; }))
        return std::nullopt;
    return readFile(QDir(historyDir(id)).filePath(QString::number(n) + QStringLiteral(".json")), nullptr);
}

StoreResult ConfigStore::rollback(const std::string& id, int n)
{
    const auto old = version(id, n);
    if (!old)
        return refused(QStringLiteral("%1 has no version %2.").arg(QString::fromStdString(id)).arg(n));
    Entry& e = entries_.at(id);
    if (e.diskText == *old && e.problem.isEmpty())
        return refused(QStringLiteral("Version %1 is what %2 holds now.").arg(n).arg(QString::fromStdString(id)));
    return save(id, *old, QStringLiteral("rolled back to version %1").arg(n));
}

void ConfigStore::noteUsed(const std::string& id, qint64 atMs)
{
    const auto it = entries_.find(id);
    if (it != entries_.end() && atMs > it->second.lastUsedMs) {
        it->second.lastUsedMs = atMs;
        Q_EMIT usageNoted(QString::fromStdString(id));
    }
}

bool ConfigStore::writeIndex(QString* error)
{
    json configs = json::object();
    for (const auto& [id, e] : entries_)
        configs[id] = json{{"name", e.name.toStdString()}, {"file", QFileInfo(e.file).fileName().toStdString()}};
    const json index{{"format", 1}, {"default", defaultId_}, {"configs", configs}};
    return writeFile(QDir(historyDir()).filePath(QString::fromLatin1(kIndexFile)), QByteArray::fromStdString(index.dump(2) + "\n"), error);
}

bool ConfigStore::writeVersions(const std::string& id, const Entry& e, QString* error)
{
    json versions = json::array();
    for (const StoredVersion& v : e.versions)
        versions.push_back(json{{"version", v.version}, {"saved_at", v.savedAtMs}, {"note", v.note.toStdString()}});
    return writeFile(QDir(historyDir(id)).filePath(QString::fromLatin1(kVersionsFile)), QByteArray::fromStdString(versions.dump(2) + "\n"), error);
}

void ConfigStore::refresh()
{
    scan(true);
    rewatch();
}

void ConfigStore::setWatching(bool on)
{
    if (on && !watcher_) {
        watcher_ = new QFileSystemWatcher(this);
        connect(watcher_, &QFileSystemWatcher::fileChanged, &debounce_, qOverload<>(&QTimer::start));
        connect(watcher_, &QFileSystemWatcher::directoryChanged, &debounce_, qOverload<>(&QTimer::start));
        rewatch();
    } else if (!on && watcher_) {
        delete watcher_;
        watcher_ = nullptr;
    }
}

void ConfigStore::rewatch()
{
    if (!watcher_)
        return;
    if (!watcher_->files().isEmpty())
        watcher_->removePaths(watcher_->files());
    if (!watcher_->directories().isEmpty())
        watcher_->removePaths(watcher_->directories());
    watcher_->addPath(dir_);
    for (const auto& [id, e] : entries_)
        watcher_->addPath(e.file);
}

void ConfigStore::scan(bool emitSignals)
{
    const std::optional<json> index = readJsonFile(QDir(historyDir()).filePath(QString::fromLatin1(kIndexFile)));
    QStringList problems;
    std::map<std::string, QString> names;
    std::string savedDefault;
    if (index && index->is_object()) {
        if (const auto d = index->find("default"); d != index->end() && d->is_string())
            savedDefault = d->get<std::string>();
        if (const auto c = index->find("configs"); c != index->end() && c->is_object()) {
            for (const auto& [id, v] : c->items()) {
                if (v.is_object() && v.contains("name") && v["name"].is_string())
                    names[id] = QString::fromStdString(v["name"].get<std::string>());
            }
        }
    } else if (QFileInfo::exists(QDir(historyDir()).filePath(QString::fromLatin1(kIndexFile)))) {
        problems << QStringLiteral("%1: unreadable; config names fall back to file names")
                        .arg(QDir(historyDir()).filePath(QString::fromLatin1(kIndexFile)));
    }

    std::map<std::string, Entry> next;
    bool indexDirty = false;
    const QFileInfoList files = QDir(dir_).entryInfoList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    for (const QFileInfo& f : files) {
        const std::string id = configIdFromName(f.completeBaseName());
        if (id.size() <= 3 || next.count(id)) {
            problems << QStringLiteral("%1: id %2 is used by another file").arg(f.filePath(), QString::fromStdString(id));
            continue;
        }
        Entry e;
        if (const auto old = entries_.find(id); old != entries_.end())
            e.lastUsedMs = old->second.lastUsedMs;
        e.file = f.filePath();
        const auto name = names.find(id);
        e.name = name != names.end() ? name->second : f.completeBaseName();
        indexDirty |= name == names.end();
        if (const auto versions = readJsonFile(QDir(historyDir(id)).filePath(QString::fromLatin1(kVersionsFile)));
            versions && versions->is_array()) {
            for (const json& v : *versions) {
                if (v.is_object() && v.value("version", 0) > 0)
                    e.versions.push_back({v.value("version", 0), v.value("saved_at", qint64(0)), QString::fromStdString(v.value("note", std::string()))});
            }
        }
        QString readError;
        const std::optional<QByteArray> text = readFile(f.filePath(), &readError);
        std::optional<QByteArray> latest;
        if (!e.versions.empty())
            latest = readFile(QDir(historyDir(id)).filePath(QString::number(e.versions.back().version) + QStringLiteral(".json")), nullptr);
        if (!text) {
            e.problem = readError;
        } else {
            e.diskText = *text;
            if (latest && *latest == *text) {
                const ConfigParseResult parsed = validateConfigText(QByteArrayView(*text), validator_);
                if (parsed.config) {
                    auto config = std::make_shared<RoutingConfig>(*parsed.config);
                    config->sourceId = id;
                    config->version = e.versions.back().version;
                    e.config = std::move(config);
                    e.servedText = *text;
                } else {   // the provider table changed under a saved version
                    e.problem = issuesText(parsed.errors);
                }
            } else {
                // New to the store, or edited by hand: valid text becomes a version of its own.
                Entry probe = e;
                probe.diskText = *text;   // it is on disk already: addVersion must not rewrite it
                const StoreResult r = addVersion(id, probe, *text,
                                                 e.versions.empty() ? QStringLiteral("found in the folder") : QStringLiteral("edited outside Gatehouse"));
                if (r.ok) {
                    e = std::move(probe);
                } else {
                    e.problem = r.issues.empty() ? r.error : issuesText(r.issues);
                    if (latest) {   // keep serving the last valid version
                        const ConfigParseResult parsed = validateConfigText(QByteArrayView(*latest), validator_);
                        if (parsed.config) {
                            auto config = std::make_shared<RoutingConfig>(*parsed.config);
                            config->sourceId = id;
                            config->version = e.versions.back().version;
                            e.config = std::move(config);
                            e.servedText = *latest;
                        }
                    }
                }
            }
        }
        next.emplace(id, std::move(e));
    }
    const QString before = listSignature();
    const QStringList problemsBefore = this->problems();
    entries_ = std::move(next);
    defaultId_ = savedDefault;
    scanProblems_ = problems;   // the folder's own problems; entries carry theirs
    if (indexDirty) {
        QString error;
        if (!writeIndex(&error))
            scanProblems_ << error;
    }
    if (!emitSignals)
        return;
    publish(false);
    if (listSignature() != before)
        Q_EMIT changed();
    const QStringList problemsNow = this->problems();
    if (problemsNow != problemsBefore && !problemsNow.isEmpty())
        Q_EMIT problemsFound(problemsNow);
}

QString ConfigStore::listSignature() const
{
    QString s;
    for (const StoredConfigInfo& i : list())
        s += QStringLiteral("%1|%2|%3|%4|%5\n").arg(QString::fromStdString(i.id), i.name).arg(i.version).arg(i.isDefault).arg(i.problem);
    return s;
}

void ConfigStore::publish(bool force)
{
    auto set = std::make_shared<ConfigSet>();
    QString signature;
    for (const auto& [id, e] : entries_) {
        if (!e.config)
            continue;
        set->configs.emplace(id, SavedConfig{id, e.file, e.config});
        signature += QString::fromStdString(id) + QLatin1Char('|') + QString::number(e.config->version) + QLatin1Char('|')
                   + QString::fromUtf8(e.servedText) + QLatin1Char('\n');
    }
    const std::string wanted = defaultOverride_.empty() ? defaultId_ : defaultOverride_;
    if (set->find(wanted))
        set->defaultId = wanted;
    signature += QStringLiteral("default|") + QString::fromStdString(set->defaultId);
    if (!force && signature == publishedSignature_)
        return;   // a rescan after our own write, or a touch that changed nothing
    publishedSignature_ = signature;
    set_ = std::move(set);
    if (!force)
        Q_EMIT configSetChanged(set_);
}

} // namespace gatehouse
