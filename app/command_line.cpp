#include "command_line.h"

#include "pipeline/gateway_access.h"
#include "upstream/extra_ca_file.h"

#include <QCommandLineParser>
#include <QHostAddress>
#include <QStandardPaths>
#include <QSettings>
#include <cstring>

namespace gatehouse {

QString dataDirectory(const QString& dataDirOption)
{
    return dataDirOption.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) : dataDirOption;
}

bool wantsHeadless(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--headless") == 0)
            return true;
    }
    return false;
}

CommandLineResult parseCommandLine(const QStringList& arguments, const GatewaySettings& defaults)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Gatehouse: a local LLM gateway with an OpenAI-compatible API (Portkey headers and configs), "
        "and a desktop console for its traffic."));
    p.addHelpOption();
    p.addVersionOption();
    const QCommandLineOption headless(QStringLiteral("headless"), QStringLiteral("Run the gateway without a window (servers, CI)."));
    const QCommandLineOption port(QStringLiteral("port"), QStringLiteral("Port to listen on (default %1; 0 picks a free one).").arg(defaults.port), QStringLiteral("port"));
    const QCommandLineOption bind(QStringLiteral("bind"), QStringLiteral("Address to listen on (default %1).").arg(defaults.bindAddress), QStringLiteral("address"));
    const QCommandLineOption maxBody(QStringLiteral("max-body-bytes"), QStringLiteral("Largest request body accepted (default %1).").arg(defaults.maxBodyBytes), QStringLiteral("bytes"));
    const QCommandLineOption maxConcurrent(QStringLiteral("max-concurrent-requests"), QStringLiteral("Requests served at once (default %1); beyond it the answer is 503 with Retry-After.").arg(defaults.maxConcurrentRequests), QStringLiteral("n"));
    const QCommandLineOption portFile(QStringLiteral("port-file"), QStringLiteral("Write the bound port to this file once listening."), QStringLiteral("file"));
    const QCommandLineOption logRequests(QStringLiteral("log-requests"), QStringLiteral("Print one line per request to standard error."));
    const QCommandLineOption configs(QStringLiteral("configs"), QStringLiteral("Saved routing configs: a directory of them (ids pc-<file name>, versioned) or one read-only .json file; reloaded when they change. Default: configs/ in the data directory."), QStringLiteral("path"));
    const QCommandLineOption defaultConfig(QStringLiteral("default-config"), QStringLiteral("Config id used when a request names none."), QStringLiteral("id"));
    const QCommandLineOption dataDir(QStringLiteral("data-dir"), QStringLiteral("Folder for the request log and other state (default: the user's data folder)."), QStringLiteral("dir"));
    const QCommandLineOption noRequestLog(QStringLiteral("no-request-log"), QStringLiteral("Do not store request records on disk."));
    const QCommandLineOption noLogBodies(QStringLiteral("no-log-bodies"), QStringLiteral("Store request records without their request and response bodies."));
    const QCommandLineOption otlp(QStringLiteral("otlp-endpoint"), QStringLiteral("Send traces to this OTLP/HTTP collector URL, e.g. http://127.0.0.1:4318/v1/traces (default: OTEL_EXPORTER_OTLP_ENDPOINT)."), QStringLiteral("url"));
    const QCommandLineOption gatewayKeys(QStringLiteral("gateway-key-file"), QStringLiteral("Require x-portkey-api-key to match a key in this file (one per line, mode 0600). Needed to bind beyond loopback."), QStringLiteral("file"));
    const QCommandLineOption secretsFile(QStringLiteral("secrets-file"), QStringLiteral("Read virtual keys' secrets from this JSON file (mode 0600) instead of the OS keychain."), QStringLiteral("file"));
    const QCommandLineOption cacheFile(QStringLiteral("cache-file"), QStringLiteral("Response cache file (default cache.sqlite3 in the data folder); \"\" keeps the cache in memory only."), QStringLiteral("file"));
    const QCommandLineOption upstreamCa(QStringLiteral("upstream-ca-file"), QStringLiteral("Also trust the CA certificates in this PEM file for HTTPS upstreams (a private CA, a self-hosted model server); the system's stay trusted."), QStringLiteral("file"));
    p.addOptions({headless, port, bind, maxBody, maxConcurrent, portFile, logRequests, configs, defaultConfig, dataDir, noRequestLog, noLogBodies,
                  otlp, gatewayKeys, secretsFile, cacheFile, upstreamCa});

    CommandLineResult r;
    if (!p.parse(arguments)) {
        r.exitCode = 2;
        r.message = p.errorText() + QStringLiteral("\nTry 'gatehouse --help'.");
        return r;
    }
    if (p.isSet(QStringLiteral("help"))) {
        r.message = p.helpText();
        return r;
    }
    if (p.isSet(QStringLiteral("version"))) {
        r.message = QStringLiteral("gatehouse " GATEHOUSE_VERSION);
        return r;
    }
    AppOptions o;
    o.gateway = defaults;
    o.headless = p.isSet(headless);
    o.logRequests = p.isSet(logRequests);
    o.portFile = p.value(portFile);
    o.configsPath = p.value(configs);
    o.defaultConfig = p.value(defaultConfig);
    o.dataDir = p.value(dataDir);
    o.noRequestLog = p.isSet(noRequestLog);
    o.noLogBodies = p.isSet(noLogBodies);
    o.otlpEndpoint = p.value(otlp);
    auto fail = [&r](const QString& message) {
        r.exitCode = 2;
        r.message = message;
        return r;
    };
    if (p.isSet(port)) {
        bool ok = false;
        const uint v = p.value(port).toUInt(&ok);
        if (!ok || v > 65535)
            return fail(QStringLiteral("--port must be a number from 0 to 65535 (got '%1').").arg(p.value(port)));
        o.gateway.port = quint16(v);
    }
    if (p.isSet(bind)) {
        QHostAddress a;
        if (!a.setAddress(p.value(bind)))
            return fail(QStringLiteral("--bind must be an IP address such as 127.0.0.1 or ::1 (got '%1').").arg(p.value(bind)));
        o.gateway.bindAddress = p.value(bind);
    }
    if (p.isSet(maxBody)) {
        bool ok = false;
        const qint64 v = p.value(maxBody).toLongLong(&ok);
        if (!ok || v < 1024 || v > (qint64(1) << 32))
            return fail(QStringLiteral("--max-body-bytes must be from 1024 to 4294967296 (got '%1').").arg(p.value(maxBody)));
        o.gateway.maxBodyBytes = v;
    }
    if (p.isSet(maxConcurrent)) {
        bool ok = false;
        const int v = p.value(maxConcurrent).toInt(&ok);
        if (!ok || v < 1 || v > 1'000'000)
            return fail(QStringLiteral("--max-concurrent-requests must be from 1 to 1000000 (got '%1').").arg(p.value(maxConcurrent)));
        o.gateway.maxConcurrentRequests = v;
    }
    if (p.isSet(upstreamCa)) {
        if (const QString why = extraCaFileProblem(p.value(upstreamCa)); !why.isEmpty())
            return fail(QStringLiteral("--upstream-ca-file: %1.").arg(why));
        o.gateway.upstreamCaFile = p.value(upstreamCa);
    }
    if (p.isSet(dataDir) && o.dataDir.trimmed().isEmpty())
        return fail(QStringLiteral("--data-dir needs a folder."));
    o.secretsFile = p.value(secretsFile);
    o.gatewayKeyFile = p.isSet(gatewayKeys) ? p.value(gatewayKeys) : QSettings().value(QStringLiteral("gateway/api_key_file")).toString();
    if (!o.gatewayKeyFile.isEmpty()) {
        QString error;
        o.gateway.apiKeyDigests = loadGatewayKeyFile(o.gatewayKeyFile, &error);
        if (o.gateway.apiKeyDigests.empty())
            return fail(error);
    }
    if (const QString why = exposureProblem(o.gateway); !why.isEmpty())
        return fail(why);
    if (p.isSet(cacheFile))
        o.gateway.cachePath = p.value(cacheFile);
    else if (p.isSet(dataDir))
        o.gateway.cachePath = o.dataDir + QStringLiteral("/cache.sqlite3");   // all state in the one folder
    r.options = o;
    return r;
}

} // namespace gatehouse
