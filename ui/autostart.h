#pragma once
// "Start at login": an XDG autostart entry, $XDG_CONFIG_HOME/autostart/gatehouse.desktop
// (~/.config/autostart when the variable is unset), which desktop sessions run at login.

#include <QString>

namespace gatehouse {

QString autostartFilePath();
bool isAutostartEnabled();
// Writes the entry (Exec = program) or removes it. False with *error set when that fails.
bool setAutostartEnabled(bool enabled, const QString& program, QString* error);
// The entry's text for a program path.
QString autostartEntry(const QString& program);

} // namespace gatehouse
