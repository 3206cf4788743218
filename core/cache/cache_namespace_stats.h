#pragma once
// What one cache namespace holds, for the window's Cache dialog: entries and the bytes they take
// (answers, vectors and keys, as counted against the cache's byte bound).

#include <QList>
#include <QMetaType>
#include <QString>

namespace gatehouse {

struct CacheNamespaceStats {
    QString name;        // "" is the default namespace
    qint64 entries = 0;
    qint64 bytes = 0;
};

using CacheNamespaceList = QList<CacheNamespaceStats>;   // sorted by name

} // namespace gatehouse

Q_DECLARE_METATYPE(gatehouse::CacheNamespaceList)
