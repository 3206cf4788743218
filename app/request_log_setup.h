#pragma once
// The persistent request log as the app runs it: where the file is, what the settings say (retention,
// bodies on/off), the store fed from the gateway's record batches, retention applied at start and
// hourly, and problems reported through one callback (status bar or standard error).

#include "observability/log_store.h"

#include <QString>
#include <QStringList>
#include <QTimer>

#include <functional>
#include <memory>

namespace gatehouse {

class GatewayService;
struct AppOptions;

struct LogSettings {
    bool enabled = true;
    bool storeBodies = true;
    int maxAgeDays = 30;                   // <= 0: no age limit
    qint64 maxBytes = qint64(2) << 30;     // <= 0: no size limit
};

// logs/enabled, logs/store_bodies, logs/max_age_days, logs/max_megabytes; bad values warn and keep the default.
LogSettings loadLogSettings(QStringList* warnings);

QString requestLogPath(const AppOptions& options);

class RequestLog {
public:
    using Report = std::function<void(const QString&)>;

    // Opens the log (unless disabled) and connects it to the gateway. A log that cannot be opened is
    // reported and the gateway runs without it.
    RequestLog(const AppOptions& options, const LogSettings& settings, GatewayService& gateway, Report report);
    ~RequestLog();   // writes everything accepted; stop the gateway first so its last records are in

    LogStore* store() { return store_.isOpen() ? &store_ : nullptr; }

private:
    LogStore store_;
    QTimer retention_;
};

} // namespace gatehouse
