#include "keys/keychain_errors.h"

#include <qt6keychain/keychain.h>

namespace gatehouse {

namespace {

const QString kAlternatives = QStringLiteral(
    "Alternatively pass --secrets-file PATH (a JSON file of slug -> secret, mode 0600) or set GATEHOUSE_VK_<SLUG>.");

bool has(const QString& detail, const char* needle)
{
    return detail.contains(QLatin1String(needle), Qt::CaseInsensitive);
}

} // namespace

QString describeKeychainFailure(int code, const QString& detail)
{
    QString what;
    if (code == QKeychain::AccessDeniedByUser) {
        what = QStringLiteral("Access to the OS keychain was denied. Allow Gatehouse when the keyring asks, then try again.");
    } else if (has(detail, "autolaunch") || has(detail, "session bus") || has(detail, "Failed to connect to socket")
               || has(detail, "DBUS_SESSION_BUS_ADDRESS") || has(detail, "Could not connect")) {
        what = QStringLiteral("No D-Bus session bus is reachable, so the OS keychain cannot be used. "
                              "Run Gatehouse inside a desktop session (or under dbus-run-session with a keyring daemon).");
    } else if (has(detail, "org.freedesktop.secrets") || has(detail, "ServiceUnknown") || code == QKeychain::NoBackendAvailable) {
        what = QStringLiteral("No Secret Service is running on the session bus. Install and start a keyring "
                              "(gnome-keyring or KWallet's Secret Service).");
    } else if (has(detail, "locked") || has(detail, "collection/login") || has(detail, "Object does not exist")
               || has(detail, "prompt") || code == QKeychain::AccessDenied) {
        what = QStringLiteral("The OS keyring is locked (or has no login collection). Unlock it: log in to the desktop, "
                              "or run 'gnome-keyring-daemon --unlock'.");
    } else {
        what = QStringLiteral("The OS keychain failed (%1).").arg(detail.isEmpty() ? QStringLiteral("error %1").arg(code) : detail.left(200));
    }
    return what + QLatin1Char(' ') + kAlternatives;
}

} // namespace gatehouse
