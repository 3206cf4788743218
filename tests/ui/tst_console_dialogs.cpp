// Settings, start at login, theme, tray and the start-failure message, offscreen:
//  - preferences round-trip through QSettings under the keys the app reads at start, and invalid
//    ones (port, address, exposed without a key, unreadable key file) are refused with a reason;
//  - the Settings dialog saves only valid values and never shows a gateway key;
//  - start at login writes and removes $XDG_CONFIG_HOME/autostart/gatehouse.desktop;
//  - a port held by another program gives "Port N is in use ..." with a Settings button, and a
//    restart on the freed port brings the gateway up;
//  - the tray's request rate and tooltip, with an injected clock;
//  - the Connect dialog fills its lists from the gateway and copies the snippet.

#include "app_preferences.h"
#include "autostart.h"
#include "connect_snippets.h"
#include "dialogs/connect_dialog.h"
#include "dialogs/settings_dialog.h"
#include "gateway_restart.h"
#include "gateway_service.h"
#include "main_window.h"
#include "request_rate.h"
#include "routing/config_set.h"
#include "sample_records.h"
#include "theme.h"
#include "tray_icon.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPalette>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace gatehouse;

namespace {

QString writeKeyFile(const QString& path, const QByteArray& content, QFile::Permissions perms)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    f.write(content);
    f.close();
    f.setPermissions(perms);
    return path;
}

QString screenshotDir()
{
    const QString env = qEnvironmentVariable("GATEHOUSE_SCREENSHOT_DIR");
    return env.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::TempLocation) : env;
}

} // namespace

class TestConsoleDialogs : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void preferencesRoundTrip();
    void preferenceValidation();
    void settingsDialogSavesValidValuesOnly();
    void settingsDialogSaysWhatNeedsARestart();
    void autostartFileWrittenAndRemoved();
    void themeAppliesAndRestores();
    void portInUseMessageAndRestart();
    void requestRateOverTheLastMinute();
    void trayTooltipAndMenu();
    void connectDialogListsAndCopies();

private:
    QTemporaryDir dir_;
};

void TestConsoleDialogs::initTestCase()
{
    QVERIFY(dir_.isValid());
    // Before any QSettings: the settings file and the autostart entry land in the temp dir.
    qputenv("XDG_CONFIG_HOME", dir_.filePath(QStringLiteral("config")).toUtf8());
    QCoreApplication::setOrganizationName(QStringLiteral("Gatehouse"));
    QCoreApplication::setApplicationName(QStringLiteral("gatehouse"));
}

void TestConsoleDialogs::init()
{
    QSettings().clear();
    QString error;
    QVERIFY(setAutostartEnabled(false, {}, &error));
}

void TestConsoleDialogs::preferencesRoundTrip()
{
    Preferences p;
    p.port = 9911;
    p.bindAddress = QStringLiteral("::1");
    p.logMaxAgeDays = 7;
    p.logMaxMegabytes = 100;
    p.storeBodies = false;
    p.theme = Theme::Dark;
    p.closeToTray = false;
    p.startMinimized = true;
    {
        QSettings store;
        savePreferences(store, p);
    }
    const QSettings store;
    // The keys app_settings.cpp and request_log_setup.cpp read at start.
    QCOMPARE(store.value(QStringLiteral("gateway/port")).toInt(), 9911);
    QCOMPARE(store.value(QStringLiteral("gateway/bind")).toString(), QStringLiteral("::1"));
    QCOMPARE(store.value(QStringLiteral("logs/max_age_days")).toInt(), 7);
    QCOMPARE(store.value(QStringLiteral("logs/max_megabytes")).toLongLong(), 100);
    QCOMPARE(store.value(QStringLiteral("logs/store_bodies")).toBool(), false);
    QVERIFY(!store.contains(QStringLiteral("gateway/api_key_file")));
    const Preferences back = loadPreferences(store);
    QVERIFY(back.gatewayEquals(p));
    QVERIFY(back.logEquals(p));
    QCOMPARE(back.theme, Theme::Dark);
    QCOMPARE(back.closeToTray, false);
    QCOMPARE(back.startMinimized, true);
}

void TestConsoleDialogs::preferenceValidation()
{
    Preferences p;
    QVERIFY(preferenceProblems(p).isEmpty());
    p.port = 0;
    QVERIFY(preferenceProblems(p).join(QString()).contains(QStringLiteral("Port must be a number from 1 to 65535")));
    p.port = 65536;
    QCOMPARE(preferenceProblems(p).size(), 1);
    p.port = 8787;
    p.bindAddress = QStringLiteral("localhost:80");
    QVERIFY(preferenceProblems(p).join(QString()).contains(QStringLiteral("Bind address must be an IP address")));
    // Beyond loopback only with gateway keys: the command line's rule.
    p.bindAddress = QStringLiteral("0.0.0.0");
    QVERIFY(preferenceProblems(p).join(QString()).contains(QStringLiteral("choose a gateway key file first")));
    p.gatewayKeyFile = writeKeyFile(dir_.filePath(QStringLiteral("keys-open")), "gk-secret-1\n", QFile::ReadOwner | QFile::WriteOwner | QFile::ReadOther);
    QVERIFY(!preferenceProblems(p).isEmpty());   // readable by others: refused like --gateway-key-file
    p.gatewayKeyFile = writeKeyFile(dir_.filePath(QStringLiteral("keys")), "# team\ngk-secret-1\ngk-secret-2\n", QFile::ReadOwner | QFile::WriteOwner);
    int keys = 0;
    QVERIFY2(preferenceProblems(p, &keys).isEmpty(), qPrintable(preferenceProblems(p).join(QLatin1Char('\n'))));
    QCOMPARE(keys, 2);
    for (const QString& problem : preferenceProblems(p))
        QVERIFY(!problem.contains(QStringLiteral("gk-secret")));
    p.gatewayKeyFile = dir_.filePath(QStringLiteral("missing"));
    QVERIFY(preferenceProblems(p).join(QString()).contains(QStringLiteral("Gateway key file")));
    p.gatewayKeyFile.clear();
    p.bindAddress = QStringLiteral("127.0.0.1");
    p.logMaxAgeDays = -1;
    QCOMPARE(preferenceProblems(p).size(), 1);
}

void TestConsoleDialogs::settingsDialogSavesValidValuesOnly()
{
    SettingsDialog d{Preferences()};
    QVERIFY(d.saveButton()->isEnabled());
    d.bindCombo()->setCurrentText(QStringLiteral("0.0.0.0"));
    QVERIFY(!d.saveButton()->isEnabled());
    QVERIFY(!d.problems().isEmpty());
    QVERIFY(!d.save());
    QVERIFY(!QSettings().contains(QStringLiteral("gateway/bind")));   // nothing written

    const QString keyFile = writeKeyFile(dir_.filePath(QStringLiteral("dialog-keys")), "gk-secret-dialog\n", QFile::ReadOwner | QFile::WriteOwner);
    d.keyFileEdit()->setText(keyFile);
    QVERIFY2(d.saveButton()->isEnabled(), qPrintable(d.problems().join(QLatin1Char('\n'))));
    d.portBox()->setValue(9000);
    d.retentionDaysBox()->setValue(3);
    d.storeBodiesBox()->setChecked(false);
    QVERIFY(d.save());
    const QSettings store;
    QCOMPARE(store.value(QStringLiteral("gateway/bind")).toString(), QStringLiteral("0.0.0.0"));
    QCOMPARE(store.value(QStringLiteral("gateway/port")).toInt(), 9000);
    QCOMPARE(store.value(QStringLiteral("gateway/api_key_file")).toString(), keyFile);
    QCOMPARE(store.value(QStringLiteral("logs/max_age_days")).toInt(), 3);
    QCOMPARE(store.value(QStringLiteral("logs/store_bodies")).toBool(), false);
    // The key file's path is shown, its keys never.
    for (const QLabel* l : d.findChildren<QLabel*>())
        QVERIFY(!l->text().contains(QStringLiteral("gk-secret")));
    for (const QLineEdit* e : d.findChildren<QLineEdit*>())
        QVERIFY(!e->text().contains(QStringLiteral("gk-secret")));

    // A new dialog shows what was saved.
    SettingsDialog again{Preferences()};
    QCOMPARE(again.portBox()->value(), 9000);
    QCOMPARE(again.keyFileEdit()->text(), keyFile);
    QVERIFY(!again.storeBodiesBox()->isChecked());
}

void TestConsoleDialogs::settingsDialogSaysWhatNeedsARestart()
{
    Preferences running;   // what the gateway runs with: 127.0.0.1:8787
    SettingsDialog d(running);
    QVERIFY(!d.restartButton()->isEnabled());
    QVERIFY(d.restartNote().isEmpty());
    d.portBox()->setValue(8790);
    QVERIFY(d.restartButton()->isEnabled());
    QVERIFY(d.restartNote().contains(QStringLiteral("Save and restart gateway")));
    d.retentionMegabytesBox()->setValue(10);
    QVERIFY(d.restartNote().contains(QStringLiteral("next starts")));
    d.show();
    d.grab().save(screenshotDir() + QStringLiteral("/settings_dialog.png"));
    QSignalSpy restart(&d, &SettingsDialog::restartGatewayRequested);
    d.restartButton()->click();
    QCOMPARE(restart.count(), 1);
    QCOMPARE(restart.at(0).at(0).value<Preferences>().port, 8790);
    QCOMPARE(QSettings().value(QStringLiteral("gateway/port")).toInt(), 8790);
}

void TestConsoleDialogs::autostartFileWrittenAndRemoved()
{
    const QString expected = dir_.filePath(QStringLiteral("config/autostart/gatehouse.desktop"));
    QCOMPARE(autostartFilePath(), expected);
    QVERIFY(!isAutostartEnabled());
    {
        SettingsDialog d{Preferences()};
        QVERIFY(!d.autostartBox()->isChecked());
        d.autostartBox()->setChecked(true);
        QVERIFY(d.save());
    }
    QVERIFY(QFile::exists(expected));
    QFile f(expected);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QString entry = QString::fromUtf8(f.readAll());
    QVERIFY(entry.startsWith(QStringLiteral("[Desktop Entry]\n")));
    QVERIFY(entry.contains(QStringLiteral("Exec=\"%1\"").arg(QCoreApplication::applicationFilePath())));
    QVERIFY(entry.contains(QStringLiteral("Type=Application")));
    {
        SettingsDialog d{Preferences()};
        QVERIFY(d.autostartBox()->isChecked());
        d.autostartBox()->setChecked(false);
        QVERIFY(d.save());
    }
    QVERIFY(!QFile::exists(expected));
    QVERIFY(autostartEntry(QStringLiteral("/opt/a \"b\"/$x")).contains(QStringLiteral("Exec=\"/opt/a \\\"b\\\"/\\$x\"")));
}

void TestConsoleDialogs::themeAppliesAndRestores()
{
    const QColor original = QApplication::palette().color(QPalette::Window);
    applyTheme(Theme::Dark);
    QVERIFY(QApplication::palette().color(QPalette::Window).lightness() < 80);
    QCOMPARE(QApplication::style()->name().toLower(), QStringLiteral("fusion"));
    applyTheme(Theme::Light);
    QVERIFY(QApplication::palette().color(QPalette::Window).lightness() > 160);
    applyTheme(Theme::System);
    QCOMPARE(QApplication::palette().color(QPalette::Window), original);
    QCOMPARE(currentTheme(), Theme::System);
}

void TestConsoleDialogs::portInUseMessageAndRestart()
{
    QTcpServer squatter;
    QVERIFY(squatter.listen(QHostAddress::LocalHost, 0));
    const quint16 port = squatter.serverPort();
    GatewayService gateway;
    MainWindow window(&gateway);
    QSignalSpy failed(&gateway, &GatewayService::failed);
    GatewaySettings s;
    s.port = port;
    gateway.start(s);
    QVERIFY(failed.wait(5000));
    QCOMPARE(window.gatewayStatusText(),
             QStringLiteral("Gateway failed: Port %1 is in use by another program. Stop it, or choose another port in Settings (or --port).").arg(port));
    QVERIFY(!window.fixButton()->isHidden());
    QSignalSpy settings(&window, &MainWindow::settingsRequested);
    window.fixButton()->click();
    QCOMPARE(settings.count(), 1);

    // Once the port is free, applying the same preferences starts the gateway there.
    squatter.close();
    Preferences p;
    p.port = port;
    QString error;
    const GatewaySettings next = gatewaySettingsFor(gateway.settings(), p, &error);
    QVERIFY(error.isEmpty());
    QSignalSpy started(&gateway, &GatewayService::started);
    restartGateway(gateway, next);
    QVERIFY(started.wait(5000));
    QCOMPARE(window.gatewayStatusText(), QStringLiteral("Gateway listening on http://127.0.0.1:%1/v1").arg(port));
    QVERIFY(window.fixButton()->isHidden());
    // And a restart of a running gateway onto another port (0: any free one) goes through stop + start.
    QSignalSpy stopped(&gateway, &GatewayService::stopped);
    GatewaySettings any = next;
    any.port = 0;
    restartGateway(gateway, any);
    QVERIFY(started.wait(5000));
    QCOMPARE(stopped.count(), 1);
    QVERIFY(gateway.isRunning());
    QVERIFY(gateway.port() != 0);
    gateway.stopAndWait();
}

void TestConsoleDialogs::requestRateOverTheLastMinute()
{
    RequestRate r;
    QCOMPARE(r.perMinute(), 0.0);
    r.sample(0, 0);
    QCOMPARE(r.perMinute(), 0.0);
    r.sample(30'000, 10);
    QCOMPARE(r.perMinute(), 20.0);
    r.sample(60'000, 10);
    QCOMPARE(r.perMinute(), 10.0);
    r.sample(120'000, 10);   // nothing for a whole minute
    QCOMPARE(r.perMinute(), 0.0);
    r.sample(125'000, 2);    // the counts were cleared: start over
    QCOMPARE(r.perMinute(), 0.0);
    r.sample(135'000, 7);
    QCOMPARE(r.perMinute(), 30.0);
}

void TestConsoleDialogs::trayTooltipAndMenu()
{
    GatewayService gateway;
    MainWindow window(&gateway);
    qint64 now = 0;
    TrayIcon tray(&window, &gateway, [&now] { return now; });
    Q_EMIT gateway.started(QStringLiteral("http://127.0.0.1:8787"));
    window.addRecords(test::sampleBatch(0, 6));
    now = 30'000;
    tray.sampleRate();
    QCOMPARE(tray.requestsPerMinute(), 12.0);
    QCOMPARE(tray.toolTipText(), QStringLiteral("Gatehouse\nGateway listening on http://127.0.0.1:8787/v1\n12 requests/min"));
    QVERIFY(!window.isPaused());
    tray.pauseAction()->trigger();
    QVERIFY(window.isPaused());
    tray.pauseAction()->trigger();
    QVERIFY(!window.isPaused());
    QSignalSpy connectSpy(&tray, &TrayIcon::connectRequested);
    tray.connectAction()->trigger();
    QCOMPARE(connectSpy.count(), 1);
    QStringList texts;
    for (QAction* a : tray.menu()->actions())
        if (!a->isSeparator())
            texts << a->text();
    QCOMPARE(texts, (QStringList{QStringLiteral("Hide window"), QStringLiteral("Copy base URL"), QStringLiteral("Connect\u2026"),
                                 QStringLiteral("Pause live view"), QStringLiteral("Quit Gatehouse")}));
}

void TestConsoleDialogs::connectDialogListsAndCopies()
{
    GatewayService gateway;
    auto configs = std::make_shared<ConfigSet>();
    configs->configs["pc-team"] = SavedConfig{"pc-team", QStringLiteral("team.json"), nullptr};
    configs->defaultId = "pc-team";
    gateway.setConfigs(configs);
    QSignalSpy started(&gateway, &GatewayService::started);
    GatewaySettings s;
    s.port = 0;
    gateway.start(s);
    QVERIFY(started.wait(5000));

    MainWindow window(&gateway);
    QSignalSpy connectSpy(&window, &MainWindow::connectRequested);
    window.connectAction()->trigger();
    QCOMPARE(connectSpy.count(), 1);

    ConnectDialog d(&gateway);
    // The saved default config is picked first.
    QCOMPARE(d.input().route, ConnectRoute::Config);
    QCOMPARE(d.input().routeValue, QStringLiteral("pc-team"));
    QCOMPARE(d.input().baseUrl, gateway.baseUrl());
    d.setRoute(ConnectRoute::Provider, QStringLiteral("mock"));
    QCOMPARE(d.modelEdit()->text(), QStringLiteral("mock-gpt"));
    QVERIFY(d.routeValueCombo()->findText(QStringLiteral("openai")) >= 0);
    d.traceEdit()->setText(QStringLiteral("trace-from-test"));
    d.setCurrentLanguage(SnippetLanguage::Curl);
    QCOMPARE(d.currentSnippet(), connectSnippet(SnippetLanguage::Curl, d.input()));
    QVERIFY(d.currentSnippet().contains(QStringLiteral("x-portkey-trace-id: trace-from-test")));
    QVERIFY(d.currentSnippet().contains(gateway.baseUrl() + QStringLiteral("/v1/chat/completions")));
    d.copyButton()->click();
    QCOMPARE(QApplication::clipboard()->text(), d.currentSnippet());
    d.setCurrentLanguage(SnippetLanguage::LangChainPython);
    d.show();
    d.grab().save(screenshotDir() + QStringLiteral("/connect_dialog.png"));
    const QString before = d.traceEdit()->text();
    d.newTraceId();
    QVERIFY(d.traceEdit()->text() != before);
    QVERIFY(d.traceEdit()->text().startsWith(QStringLiteral("run-")));
    gateway.stopAndWait();
}

QTEST_MAIN(TestConsoleDialogs)
#include "tst_console_dialogs.moc"
