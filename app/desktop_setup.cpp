#include "desktop_setup.h"

#include "app_preferences.h"
#include "dialogs/connect_dialog.h"
#include "dialogs/settings_dialog.h"
#include "gateway_restart.h"
#include "gateway_service.h"
#include "main_window.h"
#include "pages/logs_page.h"
#include "pages/playground_page.h"
#include "theme.h"
#include "tray_icon.h"

#include <QApplication>
#include <QLineEdit>
#include <QPointer>
#include <QSettings>
#include <QTabWidget>

#include <cstdio>

namespace gatehouse {

namespace {

LogsPage* findLogsPage(MainWindow& window)
{
    for (int i = 0; i < window.pages()->count(); ++i)
        if (auto* logs = qobject_cast<LogsPage*>(window.pages()->widget(i)))
            return logs;
    return nullptr;
}

// One dialog of a kind at a time: a second request raises the open one.
template <typename Dialog, typename Make>
void showSingle(QPointer<Dialog>& slot, Make make)
{
    if (!slot) {
        slot = make();
        slot->setAttribute(Qt::WA_DeleteOnClose);
    }
    slot->show();
    slot->raise();
    slot->activateWindow();
}

} // namespace

DesktopSetup::DesktopSetup(MainWindow& window, GatewayService& gateway)
    : window_(window)
    , gateway_(gateway)
{
    const Preferences prefs = loadPreferences(QSettings());
    if (prefs.theme != Theme::System)
        applyTheme(prefs.theme);

    auto* playground = new PlaygroundPage(&gateway);
    window.addPage(playground, QObject::tr("Playground"));
    QObject::connect(playground, &PlaygroundPage::showInLogs, &window, [&window](const QString& traceId) {
        if (LogsPage* logs = findLogsPage(window)) {
            window.pages()->setCurrentWidget(logs);
            logs->filterEdit()->setText(QStringLiteral("trace:") + traceId);
            logs->applyFilter();
        }
    });

    auto connectDialog = std::make_shared<QPointer<ConnectDialog>>();
    auto openConnect = [&window, &gateway, connectDialog] {
        showSingle(*connectDialog, [&] { return new ConnectDialog(&gateway, &window); });
        (*connectDialog)->refresh();
    };
    QObject::connect(&window, &MainWindow::connectRequested, &window, openConnect);

    tray_ = new TrayIcon(&window, &gateway, {}, &window);
    tray_->setCloseToTray(prefs.closeToTray);
    QObject::connect(tray_, &TrayIcon::connectRequested, &window, openConnect);
    if (TrayIcon::isSystemTrayAvailable()) {
        tray_->show();
        QApplication::setQuitOnLastWindowClosed(false);   // the tray keeps the app; TrayIcon quits on close
        startHidden_ = prefs.startMinimized;
    }

    auto settingsDialog = std::make_shared<QPointer<SettingsDialog>>();
    QObject::connect(&window, &MainWindow::settingsRequested, &window, [this, settingsDialog] {
        showSingle(*settingsDialog, [this] {
            Preferences running = loadPreferences(QSettings());
            const GatewaySettings& s = gateway_.settings();
            running.port = gateway_.isRunning() ? s.port : 0;   // nothing runs: any gateway change can be applied
            running.bindAddress = s.bindAddress;
            auto* dialog = new SettingsDialog(running, &window_);
            QObject::connect(dialog, &SettingsDialog::saved, tray_, [this](const Preferences& p) { tray_->setCloseToTray(p.closeToTray); });
            QObject::connect(dialog, &SettingsDialog::restartGatewayRequested, &gateway_, [this](const Preferences& p) {
                QString error;
                const GatewaySettings next = gatewaySettingsFor(gateway_.settings(), p, &error);
                if (!error.isEmpty()) {
                    window_.showProblem(error);
                    return;
                }
                restartGateway(gateway_, next);
            });
            return dialog;
        });
    });
}

DesktopSetup::~DesktopSetup() = default;

void DesktopSetup::showWindow()
{
    if (!startHidden_)
        window_.show();
}

} // namespace gatehouse
