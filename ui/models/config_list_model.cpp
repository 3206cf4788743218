#include "models/config_list_model.h"

#include <QBrush>
#include <QDateTime>
#include <QFont>
#include <QPalette>

namespace gatehouse {

ConfigListModel::ConfigListModel(ConfigStore* store, QObject* parent)
    : QAbstractTableModel(parent)
    , store_(store)
{
    connect(store_, &ConfigStore::changed, this, &ConfigListModel::reload);
    connect(store_, &ConfigStore::usageNoted, this, [this](const QString& id) {
        const int row = rowOf(id.toStdString());
        const auto info = store_->info(id.toStdString());
        if (row < 0 || !info)
            return;
        rows_[std::size_t(row)].lastUsedMs = info->lastUsedMs;
        Q_EMIT dataChanged(index(row, LastUsed), index(row, LastUsed));
    });
    rows_ = store_->list();
}

void ConfigListModel::reload()
{
    beginResetModel();
    rows_ = store_->list();
    endResetModel();
}

int ConfigListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(rows_.size());
}

int ConfigListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

int ConfigListModel::rowOf(const std::string& id) const
{
    for (std::size_t i = 0; i < rows_.size(); ++i) {
        if (rows_[i].id == id)
            return int(i);
    }
    return -1;
}

std::string ConfigListModel::idAt(int row) const
{
    return row >= 0 && row < int(rows_.size()) ? rows_[std::size_t(row)].id : std::string();
}

QVariant ConfigListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const StoredConfigInfo& c = rows_[std::size_t(index.row())];
    if (role == IdRole)
        return QString::fromStdString(c.id);
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Name: return c.name;
        case Id: return QString::fromStdString(c.id);
        case Version: return c.version ? QStringLiteral("v%1").arg(c.version) : QStringLiteral("—");
        case Default: return c.isDefault ? tr("default") : QString();
        case LastUsed: {
            if (!c.lastUsedMs)
                return tr("—");
            const QDateTime at = QDateTime::fromMSecsSinceEpoch(c.lastUsedMs);
            // Today's uses by the time alone: the column stays narrow where it matters most.
            return at.date() == QDate::currentDate() ? at.toString(QStringLiteral("HH:mm:ss")) : at.toString(QStringLiteral("yyyy-MM-dd HH:mm"));
        }
        }
    }
    if (role == Qt::ToolTipRole) {
        if (!c.problem.isEmpty())
            return tr("The file is invalid, the last valid version is in use:\n%1").arg(c.problem);
        if (index.column() == LastUsed && c.lastUsedMs)
            return QDateTime::fromMSecsSinceEpoch(c.lastUsedMs).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        return tr("x-portkey-config: %1").arg(QString::fromStdString(c.id));
    }
    if (role == Qt::FontRole && c.isDefault && index.column() == Name) {
        QFont f;
        f.setBold(true);
        return f;
    }
    if (role == Qt::ForegroundRole && !c.problem.isEmpty())
        return QBrush(QColor(0xc6, 0x28, 0x28));
    return {};
}

QVariant ConfigListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name: return tr("Name");
    case Id: return tr("Id");
    case Version: return tr("Version");
    case Default: return tr("Default");
    case LastUsed: return tr("Last used");
    }
    return {};
}

} // namespace gatehouse
