#include "gui_runner.h"

#include "config_loading.h"
#include "desktop_setup.h"
#include "key_spend_setup.h"
#include "port_file.h"
#include "request_log_setup.h"
#include "signal_watcher.h"
#include "trace_export_setup.h"
#include "vault_setup.h"

#include "gateway_service.h"
#include "keys/key_spend_tracker.h"
#include "keys/key_vault.h"
#include "log_query_worker.h"
#include "main_window.h"
#include "pages/configs_page.h"
#include "config_editor/config_tree_editor.h"
#include "config_editor/visual_config_tab.h"
#include "dialogs/cache_dialog.h"
#include "pages/dashboard_page.h"
#include "views/circuit_panel.h"
#include "pages/keys_page.h"
#include "pages/logs_page.h"
#include "pages/traces_page.h"
#include "routing/config_use_history.h"
#include "routing/config_watcher.h"

#include <QApplication>
#include <QIcon>
#include <QPointer>
#include <QTabWidget>

#include <cstdio>

namespace gatehouse {

namespace {


// Charts from the request log, refreshed as rows are written; with no log the page explains how to get one.
// The cache tile opens the Cache dialog (one at a time).
void addDashboardPage(MainWindow& window, LogStore* log, GatewayService& gateway)
{
    auto* page = new DashboardPage(log ? log->path() : QString());
    if (log)
        QObject::connect(log, &LogStore::recordsWritten, page, &DashboardPage::notifyRecordsWritten);
    QObject::connect(&gateway, &GatewayService::circuitsChanged, page->circuitPanel(), &CircuitPanel::showSnapshot);
    QObject::connect(&window, &MainWindow::circuitsRequested, page, [&window, page] { window.pages()->setCurrentWidget(page); });
    auto dialog = std::make_shared<QPointer<CacheDialog>>();
    QObject::connect(page, &DashboardPage::manageCacheRequested, &window, [&window, &gateway, dialog] {
        if (!*dialog) {
            *dialog = new CacheDialog(&gateway, &window);
            (*dialog)->setAttribute(Qt::WA_DeleteOnClose);
        }
        (*dialog)->show();
        (*dialog)->raise();
        (*dialog)->refresh();
    });
    window.addPage(page, QObject::tr("Dashboard"));
}

// Virtual keys: list, create/edit/rotate/disable/delete, spend against budgets, a test request.
void addKeysPage(MainWindow& window, KeyVault& vault, KeySpendTracker& spend, GatewayService& gateway)
{
    window.addPage(new KeysPage(&vault, &spend, &gateway), QObject::tr("Keys"));
}

} // namespace

int runGui(QApplication& app, const AppOptions& options)
{
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/gatehouse/icons/gatehouse.svg")));
    // Wayland shells find the window's icon and name through the installed .desktop file (packaging/).
    QGuiApplication::setDesktopFileName(QStringLiteral("org.gatehouse.Gatehouse"));
    GatewayService gateway;
    QString configError;
    const auto configs = setupConfigs(options, gateway, &configError);
    if (!configError.isEmpty()) {
        std::fprintf(stderr, "gatehouse: %s\n", qPrintable(configError));
        return 2;
    }
    MainWindow window(&gateway);
    // What a script driving the window needs, as in headless mode: the port, and why a start failed.
    QObject::connect(&gateway, &GatewayService::started, &app, [&gateway, &options](const QString& baseUrl) {
        std::fprintf(stderr, "gatehouse: listening on %s/v1\n", qPrintable(baseUrl));
        if (!options.portFile.isEmpty() && !writePortFile(options.portFile, gateway.port()))
            std::fprintf(stderr, "gatehouse: cannot write the port file %s\n", qPrintable(options.portFile));
    });
    QObject::connect(&gateway, &GatewayService::failed, &app, [](const QString& message) {
        std::fprintf(stderr, "gatehouse: the gateway did not start: %s\n", qPrintable(message));
    });
    QString vaultError;
    // Keychain problems (locked, no Secret Service) show in the window too, not only on stderr.
    const auto vault = setupVault(options, gateway, [&window](const QString& line, bool problem) {
        std::fprintf(stderr, "gatehouse: %s\n", qPrintable(line));
        if (problem)
            window.showProblem(line);
    }, &vaultError);
    if (!vault) {
        std::fprintf(stderr, "gatehouse: %s\n", qPrintable(vaultError));
        return 2;
    }
    QStringList logWarnings;
    const LogSettings logSettings = loadLogSettings(&logWarnings);
    for (const QString& w : logWarnings)
        std::fprintf(stderr, "gatehouse: %s\n", qPrintable(w));
    // Lasting problems go to standard error and the status bar.
    const auto report = [&window](const QString& message) {
        std::fprintf(stderr, "gatehouse: %s\n", qPrintable(message));
        window.showProblem(message);
    };
    RequestLog requestLog(options, logSettings, gateway, report);
    if (LogStore* store = requestLog.store()) {
        // The pages share one reader thread; as a child of the window it outlives them.
        auto* worker = new LogQueryWorker(store->path(), &window);
        auto* logs = new LogsPage(worker, &gateway);
        auto* traces = new TracesPage(worker);
        window.addPage(logs, QObject::tr("Logs"));
        window.addPage(traces, QObject::tr("Traces"));
        QObject::connect(logs, &LogsPage::openTrace, traces, [&window, traces](const QString& traceId) {
            window.pages()->setCurrentWidget(traces);
            traces->showTrace(traceId);
        });
    }
    QString exportError;
    const auto traceExport = setupTraceExport(options, gateway, report, &exportError);
    if (!exportError.isEmpty()) {
        std::fprintf(stderr, "gatehouse: %s\n", qPrintable(exportError));
        return 2;
    }
    addDashboardPage(window, requestLog.store(), gateway);
    const auto spend = setupKeySpend(gateway, requestLog.store(), *vault, [&report](const QString& line, bool) { report(line); });
    addKeysPage(window, *vault, *spend, gateway);
    if (ConfigStore* store = configs.store.get()) {
        QString useError;
        if (LogStore* log = requestLog.store(); log && !restoreConfigUseFromLog(*store, log->path(), &useError))
            report(QStringLiteral("configs' \"last used\" starts empty: the request log could not be read (%1)").arg(useError));
        auto* page = new ConfigsPage(store);
        auto* visual = new VisualConfigTab(page);
        // Targets can name a virtual key: offer the vault's slugs.
        const auto offerKeys = [visual](const KeySnapshotPtr& keys) {
            QStringList slugs;
            if (keys)
                for (const auto& [slug, key] : keys->keys)
                    slugs << slug;
            visual->editor()->setVirtualKeys(slugs);
        };
        QObject::connect(vault.get(), &KeyVault::snapshotChanged, visual, offerKeys);
        window.addPage(page, QObject::tr("Configs"));
        page->guardClose(&window);
        QObject::connect(&gateway, &GatewayService::recordsReady, store, [store](const RecordBatch& batch) {
            for (const RequestRecord& r : *batch) {
                if (!r.configId.isEmpty())
                    store->noteUsed(r.configId.toStdString(), r.receivedAt.toMSecsSinceEpoch());
            }
        });
    }
    DesktopSetup desktop(window, gateway);   // Playground, Connect, Settings, tray, theme
    desktop.showWindow();
    SignalWatcher signals;
    QObject::connect(&signals, &SignalWatcher::terminationRequested, &app, &QCoreApplication::quit);
    QObject::connect(&app, &QCoreApplication::aboutToQuit, &gateway, [&gateway] { gateway.stopAndWait(); });
    QObject::connect(vault.get(), &KeyVault::loaded, &app, [&] { gateway.start(options.gateway); }, Qt::SingleShotConnection);
    vault->load();
    const int rc = app.exec();
    if (traceExport)
        traceExport->flushAndWait(3000);
    return rc;
}

} // namespace gatehouse
