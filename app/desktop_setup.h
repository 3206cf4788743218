#pragma once
// The console's desktop side, wired in one place: the Playground page, the Connect and Settings
// dialogs, the tray icon, the theme and "start minimised".

#include <memory>

namespace gatehouse {

class GatewayService;
class MainWindow;
class TrayIcon;

class DesktopSetup {
public:
    DesktopSetup(MainWindow& window, GatewayService& gateway);
    ~DesktopSetup();

    // Shows the window, unless the user asked to start minimised to the tray (and there is one).
    void showWindow();

private:
    MainWindow& window_;
    GatewayService& gateway_;
    TrayIcon* tray_ = nullptr;
    bool startHidden_ = false;
};

} // namespace gatehouse
