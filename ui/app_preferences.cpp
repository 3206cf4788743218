#include "app_preferences.h"

#include "gateway_settings.h"
#include "pipeline/gateway_access.h"

#include <QHostAddress>
#include <QSettings>

namespace gatehouse {

namespace {

int intValue(const QSettings& store, const char* key, int min, int max, int fallback)
{
    bool ok = false;
    const qint64 v = store.value(QString::fromLatin1(key)).toLongLong(&ok);
    return ok && v >= min && v <= max ? int(v) : fallback;
}

} // namespace

Preferences loadPreferences(const QSettings& store)
{
    Preferences p;
    p.port = intValue(store, "gateway/port", 0, 65535, p.port);
    const QString bind = store.value(QStringLiteral("gateway/bind")).toString();
    if (QHostAddress().setAddress(bind))
        p.bindAddress = bind;
    p.gatewayKeyFile = store.value(QStringLiteral("gateway/api_key_file")).toString();
    p.logMaxAgeDays = intValue(store, "logs/max_age_days", 0, 36500, p.logMaxAgeDays);
    bool ok = false;
    const qint64 mb = store.value(QStringLiteral("logs/max_megabytes")).toLongLong(&ok);
    if (ok && mb >= 0 && mb <= (qint64(1) << 30))
        p.logMaxMegabytes = mb;
    p.storeBodies = store.value(QStringLiteral("logs/store_bodies"), p.storeBodies).toBool();
    p.theme = themeFromName(store.value(QStringLiteral("ui/theme")).toString());
    p.closeToTray = store.value(QStringLiteral("ui/close_to_tray"), p.closeToTray).toBool();
    p.startMinimized = store.value(QStringLiteral("ui/start_minimized"), p.startMinimized).toBool();
    return p;
}

void savePreferences(QSettings& store, const Preferences& p)
{
    store.setValue(QStringLiteral("gateway/port"), p.port);
    store.setValue(QStringLiteral("gateway/bind"), p.bindAddress);
    if (p.gatewayKeyFile.isEmpty())
        store.remove(QStringLiteral("gateway/api_key_file"));
    else
        store.setValue(QStringLiteral("gateway/api_key_file"), p.gatewayKeyFile);
    store.setValue(QStringLiteral("logs/max_age_days"), p.logMaxAgeDays);
    store.setValue(QStringLiteral("logs/max_megabytes"), p.logMaxMegabytes);
    store.setValue(QStringLiteral("logs/store_bodies"), p.storeBodies);
    store.setValue(QStringLiteral("ui/theme"), themeName(p.theme));
    store.setValue(QStringLiteral("ui/close_to_tray"), p.closeToTray);
    store.setValue(QStringLiteral("ui/start_minimized"), p.startMinimized);
    store.sync();
}

QStringList preferenceProblems(const Preferences& p, int* keyCount)
{
    QStringList problems;
    if (p.port < 1 || p.port > 65535)
        problems << QStringLiteral("Port must be a number from 1 to 65535.");
    GatewaySettings s;
    s.bindAddress = p.bindAddress.trimmed();
    if (!QHostAddress().setAddress(s.bindAddress))
        problems << QStringLiteral("Bind address must be an IP address such as 127.0.0.1 or ::1 (got '%1').").arg(p.bindAddress);
    if (keyCount)
        *keyCount = 0;
    if (!p.gatewayKeyFile.isEmpty()) {
        QString error;
        s.apiKeyDigests = loadGatewayKeyFile(p.gatewayKeyFile, &error);
        if (s.apiKeyDigests.empty())
            problems << QStringLiteral("Gateway key file: %1").arg(error);
        else if (keyCount)
            *keyCount = int(s.apiKeyDigests.size());
    }
    // The same rule the command line and the gateway apply: beyond loopback only with keys.
    if (problems.isEmpty()) {
        if (!exposureProblem(s).isEmpty())
            problems << QStringLiteral("Listening on %1 reaches beyond this machine: choose a gateway key file first, "
                                       "or anyone who can reach the address could use your provider keys.").arg(s.bindAddress);
    }
    if (p.logMaxAgeDays < 0 || p.logMaxAgeDays > 36500)
        problems << QStringLiteral("Log retention must be from 0 (no limit) to 36500 days.");
    if (p.logMaxMegabytes < 0 || p.logMaxMegabytes > (qint64(1) << 30))
        problems << QStringLiteral("Log size limit must be from 0 (no limit) to 1073741824 MB.");
    return problems;
}

QString themeName(Theme theme)
{
    switch (theme) {
    case Theme::Light: return QStringLiteral("light");
    case Theme::Dark: return QStringLiteral("dark");
    case Theme::System: break;
    }
    return QStringLiteral("system");
}

Theme themeFromName(const QString& name)
{
    if (name == QLatin1String("light"))
        return Theme::Light;
    if (name == QLatin1String("dark"))
        return Theme::Dark;
    return Theme::System;
}

} // namespace gatehouse
