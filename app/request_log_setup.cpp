#include "request_log_setup.h"

#include "command_line.h"
#include "gateway_service.h"

#include <QDir>
#include <QSettings>
#include <QStandardPaths>

namespace gatehouse {

LogSettings loadLogSettings(QStringList* warnings)
{
    LogSettings s;
    QSettings store;
    auto number = [&](const char* key, qint64 min, qint64 max, qint64 fallback) {
        const QString k = QString::fromLatin1(key);
        if (!store.contains(k))
            return fallback;
        bool ok = false;
        const qint64 v = store.value(k).toLongLong(&ok);
        if (ok && v >= min && v <= max)
            return v;
        warnings->append(QStringLiteral("setting %1 must be a number from %2 to %3; using %4").arg(k).arg(min).arg(max).arg(fallback));
        return fallback;
    };
    s.enabled = store.value(QStringLiteral("logs/enabled"), true).toBool();
    s.storeBodies = store.value(QStringLiteral("logs/store_bodies"), true).toBool();
    s.maxAgeDays = int(number("logs/max_age_days", 0, 36500, s.maxAgeDays));
    s.maxBytes = number("logs/max_megabytes", 0, qint64(1) << 30, s.maxBytes >> 20) << 20;
    return s;
}

QString requestLogPath(const AppOptions& options)
{
    return QDir(dataDirectory(options.dataDir)).filePath(QStringLiteral("requests.sqlite3"));
}

RequestLog::RequestLog(const AppOptions& options, const LogSettings& settings, GatewayService& gateway, Report report)
{
    if (!settings.enabled || options.noRequestLog)
        return;
    store_.setStoreBodies(settings.storeBodies && !options.noLogBodies);
    const QString path = requestLogPath(options);
    QString error;
    if (!store_.open(path, &error)) {
        report(QStringLiteral("the request log at %1 cannot be opened (%2); requests are served but not stored").arg(path, error));
        return;
    }
    QObject::connect(&gateway, &GatewayService::recordsReady, &store_, &LogStore::append);
    QObject::connect(&store_, &LogStore::backlogFull, &store_, [report](qint64 rejected) {
        report(QStringLiteral("the request log cannot keep up: %1 record(s) not stored so far").arg(rejected));
    });
    QObject::connect(&store_, &LogStore::writeFailed, &store_, [report](const QString& message) {
        report(QStringLiteral("the request log cannot write: %1").arg(message));
    });
    const int days = settings.maxAgeDays;
    const qint64 bytes = settings.maxBytes;
    store_.applyRetention(days, bytes);
    retention_.setInterval(3600 * 1000);
    QObject::connect(&retention_, &QTimer::timeout, &store_, [this, days, bytes] { store_.applyRetention(days, bytes); });
    retention_.start();
}

RequestLog::~RequestLog()
{
    retention_.stop();
    store_.close();
}

} // namespace gatehouse
