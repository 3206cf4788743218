#pragma once
// Command-line flags over persisted settings: what the user typed wins for this run only.

#include "gateway_settings.h"

#include <QString>
#include <QStringList>
#include <optional>

namespace gatehouse {

struct AppOptions {
    bool headless = false;
    bool logRequests = false;
    QString portFile;            // write the bound port here once listening
    QString configsPath;         // saved routing configs: a .json file or a directory of them
    QString defaultConfig;       // id of the config used when a request names none
    QString dataDir;             // request log (and other state) here instead of the user's data folder
    bool noRequestLog = false;   // serve without storing records
    bool noLogBodies = false;    // store records without request/response bodies
    QString otlpEndpoint;        // OTLP/HTTP traces URL; empty: the OTEL_EXPORTER_OTLP_* variables decide
    QString gatewayKeyFile;      // local gateway API keys (x-portkey-api-key), one per line
    QString secretsFile;         // virtual keys' secrets in a 0600 JSON file instead of the OS keychain
    GatewaySettings gateway;
};

struct CommandLineResult {
    std::optional<AppOptions> options;   // empty: exit with exitCode after printing message
    int exitCode = 0;
    QString message;
};

// Where the request log, the virtual keys' details and other state live: --data-dir, else the
// user's data folder (~/.local/share/Gatehouse/gatehouse).
QString dataDirectory(const QString& dataDirOption);

// defaults: what QSettings (or built-in defaults) say; arguments: the process's argv.
CommandLineResult parseCommandLine(const QStringList& arguments, const GatewaySettings& defaults);

// True if argv asks for headless mode: decided before any QCoreApplication exists.
bool wantsHeadless(int argc, char** argv);

} // namespace gatehouse
