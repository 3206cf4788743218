#include "port_file.h"

#include <QSaveFile>

namespace gatehouse {

bool writePortFile(const QString& path, quint16 port)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return false;
    f.write(QByteArray::number(port) + '\n');
    return f.commit();
}

} // namespace gatehouse
