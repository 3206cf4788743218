#pragma once
// The saved configs as a table for the Configs page: name, id, version, default, last used. Rebuilt
// from the store whenever it changes (the list is short).

#include "routing/config_store.h"

#include <QAbstractTableModel>

namespace gatehouse {

class ConfigListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Name, Id, Version, Default, LastUsed, ColumnCount };
    static constexpr int IdRole = Qt::UserRole + 1;

    explicit ConfigListModel(ConfigStore* store, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    int rowOf(const std::string& id) const;   // -1 when absent
    std::string idAt(int row) const;
    void reload();

private:
    ConfigStore* store_;
    std::vector<StoredConfigInfo> rows_;
};

} // namespace gatehouse
