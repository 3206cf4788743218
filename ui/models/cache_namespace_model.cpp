#include "models/cache_namespace_model.h"

#include <QLocale>

namespace gatehouse {

CacheNamespaceModel::CacheNamespaceModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void CacheNamespaceModel::setNamespaces(const CacheNamespaceList& namespaces)
{
    beginResetModel();
    rows_ = namespaces;
    endResetModel();
}

int CacheNamespaceModel::rowOf(const QString& cacheNamespace) const
{
    for (int i = 0; i < rows_.size(); ++i) {
        if (rows_[i].name == cacheNamespace)
            return i;
    }
    return -1;
}

qint64 CacheNamespaceModel::totalEntries() const
{
    qint64 n = 0;
    for (const auto& r : rows_)
        n += r.entries;
    return n;
}

qint64 CacheNamespaceModel::totalBytes() const
{
    qint64 n = 0;
    for (const auto& r : rows_)
        n += r.bytes;
    return n;
}

int CacheNamespaceModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(rows_.size());
}

int CacheNamespaceModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CacheNamespaceModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rows_.size() || index.column() >= ColumnCount)
        return {};
    const CacheNamespaceStats& r = rows_[index.row()];
    if (role == NamespaceRole)
        return r.name;
    if (role == Qt::TextAlignmentRole && index.column() != NameColumn)
        return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
    if (role == Qt::ToolTipRole && index.column() == NameColumn && r.name.isEmpty())
        return tr("Requests without an x-portkey-cache-namespace header");
    if (role != Qt::DisplayRole)
        return {};
    const QLocale locale;
    switch (index.column()) {
    case NameColumn: return r.name.isEmpty() ? tr("(default)") : r.name;
    case EntriesColumn: return locale.toString(r.entries);
    case BytesColumn: return locale.formattedDataSize(r.bytes);
    }
    return {};
}

QVariant CacheNamespaceModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return tr("Namespace");
    case EntriesColumn: return tr("Entries");
    case BytesColumn: return tr("Size");
    }
    return {};
}

} // namespace gatehouse
