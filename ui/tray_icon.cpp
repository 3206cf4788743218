#include "tray_icon.h"

#include "gateway_service.h"
#include "main_window.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QElapsedTimer>
#include <QMenu>
#include <QSystemTrayIcon>

namespace gatehouse {

namespace {

constexpr int kSampleIntervalMs = 5000;

} // namespace

TrayIcon::TrayIcon(MainWindow* window, GatewayService* gateway, Clock clock, QObject* parent)
    : QObject(parent)
    , window_(window)
    , gateway_(gateway)
    , clock_(std::move(clock))
{
    if (!clock_) {
        auto started = std::make_shared<QElapsedTimer>();
        started->start();
        clock_ = [started] { return started->elapsed(); };
    }
    menu_ = new QMenu(window_);
    showHide_ = menu_->addAction(tr("Hide window"), this, &TrayIcon::toggleWindow);
    copyUrl_ = menu_->addAction(QIcon::fromTheme(QStringLiteral("edit-copy")), tr("Copy base URL"), this, [this] {
        if (gateway_ && gateway_->isRunning())
            QApplication::clipboard()->setText(gateway_->baseUrl() + QStringLiteral("/v1"));
    });
    connect_ = menu_->addAction(tr("Connect\u2026"), this, &TrayIcon::connectRequested);
    pause_ = menu_->addAction(tr("Pause live view"));
    pause_->setCheckable(true);
    connect(pause_, &QAction::toggled, window_, &MainWindow::setPaused);
    menu_->addSeparator();
    quit_ = menu_->addAction(QIcon::fromTheme(QStringLiteral("application-exit")), tr("Quit Gatehouse"), this, &TrayIcon::quit);
    connect(menu_, &QMenu::aboutToShow, this, [this] {
        showHide_->setText(window_->isVisible() ? tr("Hide window") : tr("Show window"));
        pause_->setChecked(window_->isPaused());
        copyUrl_->setEnabled(gateway_ && gateway_->isRunning());
    });

    icon_ = new QSystemTrayIcon(QApplication::windowIcon(), this);
    icon_->setContextMenu(menu_);
    connect(icon_, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
        if (reason == QSystemTrayIcon::Trigger)
            toggleWindow();
    });
    if (gateway_) {
        connect(gateway_, &GatewayService::stopped, this, &TrayIcon::updateToolTip);
        connect(gateway_, &GatewayService::started, this, &TrayIcon::updateToolTip);
        connect(gateway_, &GatewayService::failed, this, &TrayIcon::updateToolTip);
    }
    window_->installEventFilter(this);
    timer_.setInterval(kSampleIntervalMs);
    connect(&timer_, &QTimer::timeout, this, &TrayIcon::sampleRate);
    timer_.start();
    sampleRate();
}

TrayIcon::~TrayIcon()
{
    window_->removeEventFilter(this);
}

bool TrayIcon::isSystemTrayAvailable()
{
    return QSystemTrayIcon::isSystemTrayAvailable();
}

void TrayIcon::show()
{
    if (isSystemTrayAvailable())
        icon_->show();
}

bool TrayIcon::isVisible() const
{
    return icon_->isVisible();
}

QString TrayIcon::toolTipText() const
{
    const double rate = rate_.perMinute();
    const QString rateText = rate < 10 ? QString::number(rate, 'f', 1) : QString::number(qRound(rate));
    return QStringLiteral("Gatehouse\n%1\n%2").arg(window_->gatewayStatusText(), tr("%1 requests/min").arg(rateText));
}

void TrayIcon::sampleRate()
{
    rate_.sample(clock_(), window_->requestCount());
    updateToolTip();
}

void TrayIcon::updateToolTip()
{
    icon_->setToolTip(toolTipText());
}

void TrayIcon::toggleWindow()
{
    if (window_->isVisible()) {
        window_->hide();
        return;
    }
    window_->showNormal();
    window_->raise();
    window_->activateWindow();
}

void TrayIcon::quit()
{
    quitting_ = true;
    window_->close();   // saves geometry and page
    QCoreApplication::quit();
}

bool TrayIcon::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == window_ && event->type() == QEvent::Close && !quitting_) {
        if (closeToTray_ && icon_->isVisible()) {
            event->ignore();
            window_->hide();
            return true;
        }
        // Closing means quitting (dialogs left open must not keep the app alive).
        QMetaObject::invokeMethod(qApp, &QCoreApplication::quit, Qt::QueuedConnection);
    }
    return QObject::eventFilter(watched, event);
}

} // namespace gatehouse
