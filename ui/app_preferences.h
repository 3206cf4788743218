#pragma once
// What the Settings dialog edits, read from and written to QSettings under the keys the app reads at
// start (app/app_settings.cpp, app/request_log_setup.cpp, app/command_line.cpp) plus the desktop
// ones (ui/*). Validation mirrors the command line's rules, so nothing saved here stops the next start.

#include <QString>
#include <QStringList>

class QSettings;

namespace gatehouse {

enum class Theme { System, Light, Dark };

struct Preferences {
    // gateway (gateway/port, gateway/bind, gateway/api_key_file): applied by restarting the gateway
    int port = 8787;
    QString bindAddress = QStringLiteral("127.0.0.1");
    QString gatewayKeyFile;          // one key per line, mode 0600; empty: no access control (loopback only)
    // request log (logs/max_age_days, logs/max_megabytes, logs/store_bodies): applied at the next start
    int logMaxAgeDays = 30;          // 0: no age limit
    qint64 logMaxMegabytes = 2048;   // 0: no size limit
    bool storeBodies = true;
    // desktop (ui/theme, ui/close_to_tray, ui/start_minimized): applied at once
    Theme theme = Theme::System;
    bool closeToTray = true;         // closing the window hides it to the tray (when there is one)
    bool startMinimized = false;     // start hidden in the tray

    bool gatewayEquals(const Preferences& o) const
    {
        return port == o.port && bindAddress == o.bindAddress && gatewayKeyFile == o.gatewayKeyFile;
    }
    bool logEquals(const Preferences& o) const
    {
        return logMaxAgeDays == o.logMaxAgeDays && logMaxMegabytes == o.logMaxMegabytes && storeBodies == o.storeBodies;
    }
};

Preferences loadPreferences(const QSettings& store);
void savePreferences(QSettings& store, const Preferences& p);

// Problems that forbid saving, each a sentence naming the field; empty when p can be saved.
// keyCount, when given, receives how many keys the gateway key file holds.
QStringList preferenceProblems(const Preferences& p, int* keyCount = nullptr);

QString themeName(Theme theme);              // "system", "light", "dark"
Theme themeFromName(const QString& name);    // unknown: System

} // namespace gatehouse
