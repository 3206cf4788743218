#pragma once
// The response cache's namespaces as a table for the Cache dialog: name, entries, bytes. Replaced
// whole with each listing (namespaces are few).

#include "cache/cache_namespace_stats.h"

#include <QAbstractTableModel>

namespace gatehouse {

class CacheNamespaceModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { NameColumn, EntriesColumn, BytesColumn, ColumnCount };
    Q_ENUM(Column)
    enum Role { NamespaceRole = Qt::UserRole };   // the namespace itself ("" for the default one)
    Q_ENUM(Role)

    explicit CacheNamespaceModel(QObject* parent = nullptr);

    void setNamespaces(const CacheNamespaceList& namespaces);
    const CacheNamespaceList& namespaces() const { return rows_; }
    int rowOf(const QString& cacheNamespace) const;   // -1 when absent
    qint64 totalEntries() const;
    qint64 totalBytes() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    CacheNamespaceList rows_;
};

} // namespace gatehouse
