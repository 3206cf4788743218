#include "autostart.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

namespace gatehouse {

QString autostartFilePath()
{
    QString base = qEnvironmentVariable("XDG_CONFIG_HOME");
    if (base.isEmpty() || !QDir::isAbsolutePath(base))   // the spec says relative values are ignored
        base = QDir::homePath() + QStringLiteral("/.config");
    return base + QStringLiteral("/autostart/gatehouse.desktop");
}

bool isAutostartEnabled()
{
    return QFileInfo::exists(autostartFilePath());
}

QString autostartEntry(const QString& program)
{
    // Exec quoting per the Desktop Entry spec: double quotes, with \ " ` $ escaped.
    QString quoted = program;
    for (const char c : {'\\', '"', '`', '$'})
        quoted.replace(QLatin1Char(c), QStringLiteral("\\") + QLatin1Char(c));
    return QStringLiteral("[Desktop Entry]\n"
                          "Type=Application\n"
                          "Name=Gatehouse\n"
                          "Comment=Local LLM gateway and console\n"
                          "Exec=\"%1\"\n"
                          "Icon=gatehouse\n"
                          "Terminal=false\n"
                          "X-GNOME-Autostart-enabled=true\n")
        .arg(quoted);
}

bool setAutostartEnabled(bool enabled, const QString& program, QString* error)
{
    const QString path = autostartFilePath();
    if (!enabled) {
        if (QFileInfo::exists(path) && !QFile::remove(path)) {
            *error = QStringLiteral("cannot remove %1").arg(path);
            return false;
        }
        return true;
    }
    if (!QDir().mkpath(QFileInfo(path).absolutePath())) {
        *error = QStringLiteral("cannot create the folder %1").arg(QFileInfo(path).absolutePath());
        return false;
    }
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(autostartEntry(program).toUtf8()) < 0 || !f.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, f.errorString());
        return false;
    }
    return true;
}

} // namespace gatehouse
