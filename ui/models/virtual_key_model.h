#pragma once
// The virtual keys as a table for the Keys page: what the vault holds (never a secret), whether each
// key's secret could be read, its limits, and its spend this UTC day and month against its budgets
// (from the KeySpendTracker). Rebuilt whole when the vault publishes a snapshot (keys are few);
// spend cells change in place when the tracker reports new records.

#include "keys/key_spend_ledger.h"
#include "keys/virtual_key.h"

#include <QAbstractTableModel>

#include <map>
#include <vector>

namespace gatehouse {

class KeySpendTracker;
class KeyVault;

class VirtualKeyModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { SlugColumn, NameColumn, ProviderColumn, StatusColumn, LastUsedColumn, RatesColumn, TodayColumn, MonthColumn,
                  RequestsTodayColumn, ColumnCount };
    Q_ENUM(Column)
    enum Role { SlugRole = Qt::UserRole, DisabledRole, OverBudgetRole };
    Q_ENUM(Role)

    // spend may be null (no budgets shown as spent).
    VirtualKeyModel(KeyVault* vault, KeySpendTracker* spend, QObject* parent = nullptr);

    const VirtualKey* keyAt(int row) const;
    int rowOf(const QString& slug) const;   // -1 when absent
    bool isOverBudget(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

public Q_SLOTS:
    void reload();
    void refreshSpend();

private:
    struct Row {
        VirtualKey key;
        QString unavailable;   // why the secret could not be read; empty when it could
        KeySpend spend;
    };
    QString statusText(const Row& r) const;

    KeyVault* vault_;
    KeySpendTracker* spend_;
    std::vector<Row> rows_;
};

} // namespace gatehouse
