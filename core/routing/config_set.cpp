#include "routing/config_set.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace gatehouse {

const SavedConfig* ConfigSet::find(const std::string& id) const
{
    const auto it = configs.find(id);
    return it == configs.end() ? nullptr : &it->second;
}

QStringList ConfigSet::ids() const
{
    QStringList out;
    for (const auto& [id, c] : configs)
        out << QString::fromStdString(id);
    return out;
}

std::string configIdFromName(const QString& name)
{
    QString slug;
    for (const QChar c : name.toLower()) {
        if ((c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('0') && c <= QLatin1Char('9')))
            slug += c;
        else if (!slug.endsWith(QLatin1Char('-')))
            slug += QLatin1Char('-');
    }
    while (slug.endsWith(QLatin1Char('-')))
        slug.chop(1);
    while (slug.startsWith(QLatin1Char('-')))
        slug.remove(0, 1);
    if (!slug.startsWith(QLatin1String("pc-")))
        slug.prepend(QLatin1String("pc-"));
    return slug.toStdString();
}

ConfigSetLoad loadConfigSet(const QString& path, const std::string& defaultId,
                            const std::function<bool(const std::string&)>& isKnownProvider)
{
    ConfigSetLoad out;
    QStringList files;
    const QFileInfo info(path);
    if (info.isDir()) {
        for (const QFileInfo& f : QDir(path).entryInfoList({QStringLiteral("*.json")}, QDir::Files, QDir::Name))
            files << f.filePath();
    } else if (info.isFile()) {
        files << path;
    } else {
        out.errors << QStringLiteral("%1: no such file or directory").arg(path);
        return out;
    }
    auto set = std::make_shared<ConfigSet>();
    constexpr qint64 kMaxConfigBytes = 1024 * 1024;
    for (const QString& file : files) {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly)) {
            out.errors << QStringLiteral("%1: cannot read: %2").arg(file, f.errorString());
            continue;
        }
        if (f.size() > kMaxConfigBytes) {
            out.errors << QStringLiteral("%1: larger than 1 MiB").arg(file);
            continue;
        }
        const QByteArray text = f.readAll();
        ConfigParseResult parsed = parseRoutingConfig(QByteArrayView(text), isKnownProvider);
        if (!parsed.config) {
            for (const ConfigIssue& e : parsed.errors)
                out.errors << QStringLiteral("%1: %2").arg(file, QString::fromStdString(formatConfigIssue(e)));
            continue;
        }
        const std::string id = configIdFromName(QFileInfo(file).completeBaseName());
        auto config = std::make_shared<RoutingConfig>(*parsed.config);
        config->sourceId = id;
        config->version = 1;
        if (set->configs.count(id)) {
            out.errors << QStringLiteral("%1: id %2 is used by another file").arg(file, QString::fromStdString(id));
            continue;
        }
        set->configs.emplace(id, SavedConfig{id, file, std::move(config)});
    }
    if (!defaultId.empty() && !set->find(defaultId)) {
        out.errors << QStringLiteral("default config %1 is not among the loaded configs (%2)")
                          .arg(QString::fromStdString(defaultId), set->ids().join(QStringLiteral(", ")));
    }
    set->defaultId = defaultId;
    if (out.errors.isEmpty())
        out.set = std::move(set);
    return out;
}

} // namespace gatehouse
