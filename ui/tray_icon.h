#pragma once
// The tray icon: the gateway's state and request rate in its tooltip, and a menu to show or hide the
// window, copy the base URL, open Connect, pause the live view and quit. With "close to tray" on,
// closing the window hides it instead of quitting. Without a system tray nothing is shown and the
// window closes as usual.

#include "request_rate.h"

#include <QObject>
#include <QTimer>
#include <functional>

class QAction;
class QMenu;
class QSystemTrayIcon;

namespace gatehouse {

class GatewayService;
class MainWindow;

class TrayIcon : public QObject {
    Q_OBJECT
public:
    using Clock = std::function<qint64()>;   // ms; defaults to the monotonic clock

    TrayIcon(MainWindow* window, GatewayService* gateway, Clock clock = {}, QObject* parent = nullptr);
    ~TrayIcon() override;

    static bool isSystemTrayAvailable();
    void show();                       // if a system tray exists
    bool isVisible() const;

    void setCloseToTray(bool on) { closeToTray_ = on; }
    bool closeToTray() const { return closeToTray_; }

    QMenu* menu() const { return menu_; }
    QAction* showHideAction() const { return showHide_; }
    QAction* copyUrlAction() const { return copyUrl_; }
    QAction* connectAction() const { return connect_; }
    QAction* pauseAction() const { return pause_; }
    QAction* quitAction() const { return quit_; }

    QString toolTipText() const;
    void sampleRate();                 // called every few seconds; tests call it with their clock
    double requestsPerMinute() const { return rate_.perMinute(); }

Q_SIGNALS:
    void connectRequested();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void toggleWindow();
    void updateToolTip();
    void quit();

    MainWindow* window_;
    GatewayService* gateway_;
    Clock clock_;
    RequestRate rate_;
    QTimer timer_;
    QSystemTrayIcon* icon_ = nullptr;
    QMenu* menu_ = nullptr;
    QAction* showHide_ = nullptr;
    QAction* copyUrl_ = nullptr;
    QAction* connect_ = nullptr;
    QAction* pause_ = nullptr;
    QAction* quit_ = nullptr;
    bool closeToTray_ = true;
    bool quitting_ = false;
};

} // namespace gatehouse
