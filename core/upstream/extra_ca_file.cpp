#include "upstream/extra_ca_file.h"

#include <QFile>
#include <QSslCertificate>

namespace gatehouse {

QString extraCaFileProblem(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("cannot read the CA file '%1': %2").arg(path, file.errorString());
    if (file.size() > 16 * 1024 * 1024)
        return QStringLiteral("the CA file '%1' is larger than 16 MiB; it should hold PEM certificates").arg(path);
    if (QSslCertificate::fromData(file.readAll(), QSsl::Pem).isEmpty())
        return QStringLiteral("the CA file '%1' holds no PEM certificate (\"-----BEGIN CERTIFICATE-----\")").arg(path);
    return {};
}

} // namespace gatehouse
