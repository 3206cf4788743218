#include "headless_runner.h"
#include "port_file.h"

#include "config_loading.h"
#include "gateway_service.h"
#include "request_log_setup.h"
#include "trace_export_setup.h"
#include "routing/circuit_changes.h"
#include "routing/config_watcher.h"
#include "signal_watcher.h"
#include "key_spend_setup.h"
#include "vault_setup.h"

#include "keys/key_spend_tracker.h"
#include "keys/key_vault.h"

#include <QCoreApplication>

#include <cstdio>
#include <memory>

namespace gatehouse {

namespace {

void logLine(const QString& line)
{
    std::fprintf(stderr, "%s\n", qPrintable(line));
    std::fflush(stderr);
}

} // namespace

int runHeadless(QCoreApplication& app, const AppOptions& options)
{
    GatewayService gateway;
    SignalWatcher signals;
    int exitCode = 0;
    int signalsSeen = 0;

    QObject::connect(&gateway, &GatewayService::started, &app, [&](const QString& baseUrl) {
        logLine(QStringLiteral("gatehouse: gateway listening on %1/v1 (headless; SIGINT or SIGTERM stops it)").arg(baseUrl));
        if (!options.portFile.isEmpty() && !writePortFile(options.portFile, gateway.port())) {
            logLine(QStringLiteral("gatehouse: cannot write the port file %1").arg(options.portFile));
            exitCode = 1;
            gateway.stop();
        }
    });
    QObject::connect(&gateway, &GatewayService::failed, &app, [&](const QString& message) {
        logLine(QStringLiteral("gatehouse: the gateway could not start: %1").arg(message));
        exitCode = 1;
        app.quit();
    });
    QObject::connect(&gateway, &GatewayService::stopped, &app, [&] {
        logLine(QStringLiteral("gatehouse: stopped"));
        app.quit();
    });
    QObject::connect(&signals, &SignalWatcher::terminationRequested, &app, [&](int) {
        if (++signalsSeen > 1) {
            logLine(QStringLiteral("gatehouse: second signal, exiting now"));
            std::fflush(stderr);
            std::_Exit(130);
        }
        logLine(QStringLiteral("gatehouse: shutting down; finishing in-flight requests"));
        gateway.stop();
    });
    if (options.logRequests) {
        QObject::connect(&gateway, &GatewayService::recordsReady, &app, [](const RecordBatch& batch) {
            for (const RequestRecord& r : *batch) {
                std::fprintf(stderr, "%s %s %s %s %s %d %.1fms%s\n",
                             qPrintable(r.receivedAt.toString(Qt::ISODateWithMs)), qPrintable(r.method), qPrintable(r.path),
                             qPrintable(r.provider.isEmpty() ? QStringLiteral("-") : r.provider),
                             qPrintable(r.model.isEmpty() ? QStringLiteral("-") : r.model), r.status, r.totalMs,
                             r.errorMessage.isEmpty() ? "" : qPrintable(QStringLiteral(" error: ") + r.errorMessage.left(200)));
            }
        });
    }
    // A target starting or stopping being skipped is worth a line on a server's log.
    auto circuits = std::make_shared<std::vector<CircuitStatus>>();
    QObject::connect(&gateway, &GatewayService::circuitsChanged, &app, [circuits](const CircuitSnapshot& now) {
        for (const QString& line : describeCircuitChanges(*circuits, *now))
            logLine(QStringLiteral("gatehouse: ") + line);
        *circuits = *now;
    });
    QString configError;
    const auto configs = setupConfigs(options, gateway, &configError);
    if (!configError.isEmpty()) {
        logLine(QStringLiteral("gatehouse: ") + configError);
        return 2;
    }
    QStringList logWarnings;
    const LogSettings logSettings = loadLogSettings(&logWarnings);
    for (const QString& w : logWarnings)
        logLine(QStringLiteral("gatehouse: ") + w);
    RequestLog requestLog(options, logSettings, gateway, [](const QString& m) { logLine(QStringLiteral("gatehouse: ") + m); });
    if (requestLog.store())
        logLine(QStringLiteral("gatehouse: request log: %1").arg(requestLog.store()->path()));
    QString exportError;
    const auto traceExport = setupTraceExport(options, gateway, [](const QString& m) { logLine(QStringLiteral("gatehouse: ") + m); }, &exportError);
    if (!exportError.isEmpty()) {
        logLine(QStringLiteral("gatehouse: ") + exportError);
        return 2;
    }
    QString vaultError;
    const auto vault = setupVault(options, gateway, [](const QString& line, bool) { logLine(QStringLiteral("gatehouse: ") + line); }, &vaultError);
    if (!vault) {
        logLine(QStringLiteral("gatehouse: ") + vaultError);
        return 2;
    }
    const auto spend = setupKeySpend(gateway, requestLog.store(), *vault, [](const QString& line, bool) { logLine(QStringLiteral("gatehouse: ") + line); });
    QObject::connect(vault.get(), &KeyVault::loaded, &app, [&] { gateway.start(options.gateway); }, Qt::SingleShotConnection);
    vault->load();
    const int rc = app.exec();
    gateway.stopAndWait();   // the last records reach the log before it closes
    if (traceExport)
        traceExport->flushAndWait(3000);
    return exitCode != 0 ? exitCode : rc;
}

} // namespace gatehouse
