#include "app_settings.h"

#include "cache/cache_database.h"
#include "upstream/extra_ca_file.h"

#include <QHostAddress>
#include <QSettings>

namespace gatehouse {

GatewaySettings loadGatewaySettings(QStringList* warnings)
{
    GatewaySettings s;
    s.cachePath = defaultCachePath();
    QSettings store;
    if (store.contains(QStringLiteral("gateway/port"))) {
        bool ok = false;
        const uint v = store.value(QStringLiteral("gateway/port")).toUInt(&ok);
        if (ok && v <= 65535)
            s.port = quint16(v);
        else
            warnings->append(QStringLiteral("setting gateway/port is not a port number; using %1").arg(s.port));
    }
    if (store.contains(QStringLiteral("gateway/bind"))) {
        const QString v = store.value(QStringLiteral("gateway/bind")).toString();
        if (QHostAddress().setAddress(v))
            s.bindAddress = v;
        else
            warnings->append(QStringLiteral("setting gateway/bind is not an IP address; using %1").arg(s.bindAddress));
    }
    if (store.contains(QStringLiteral("gateway/max_body_bytes"))) {
        bool ok = false;
        const qint64 v = store.value(QStringLiteral("gateway/max_body_bytes")).toLongLong(&ok);
        if (ok && v >= 1024)
            s.maxBodyBytes = v;
        else
            warnings->append(QStringLiteral("setting gateway/max_body_bytes is invalid; using %1").arg(s.maxBodyBytes));
    }
    if (store.contains(QStringLiteral("gateway/max_concurrent_requests"))) {
        bool ok = false;
        const int v = store.value(QStringLiteral("gateway/max_concurrent_requests")).toInt(&ok);
        if (ok && v >= 1 && v <= 1'000'000)
            s.maxConcurrentRequests = v;
        else
            warnings->append(QStringLiteral("setting gateway/max_concurrent_requests is invalid; using %1").arg(s.maxConcurrentRequests));
    }
    if (const QString ca = store.value(QStringLiteral("gateway/upstream_ca_file")).toString(); !ca.isEmpty()) {
        if (const QString why = extraCaFileProblem(ca); why.isEmpty())
            s.upstreamCaFile = ca;
        else
            warnings->append(QStringLiteral("setting gateway/upstream_ca_file is not used: %1").arg(why));
    }
    return s;
}

} // namespace gatehouse
