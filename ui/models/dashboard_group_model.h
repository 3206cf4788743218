#pragma once
// The dashboard's breakdown table: one row per group (provider, model or metadata value) over the
// chosen range, largest first, "other" last. Replaced as a whole on each refresh (a few rows); cell
// text is made in data().

#include "pages/dashboard_data.h"

#include <QAbstractTableModel>

#include <vector>

namespace gatehouse {

class DashboardGroupModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        GroupColumn,
        RequestsColumn,
        ShareColumn,        // % of the range's requests
        ErrorRateColumn,    // % of the group's requests
        P50Column,
        P95Column,
        P99Column,
        PromptTokensColumn,
        CompletionTokensColumn,
        CostColumn,         // USD over the requests with a known price
        ColumnCount
    };
    Q_ENUM(Column)

    // Raw numbers for sorting and tests: qint64 counts, double percentages and latencies (-1 unknown).
    static constexpr int ValueRole = Qt::UserRole;

    explicit DashboardGroupModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setGroups(std::vector<DashboardGroup> groups, qint64 rangeCount, GroupBy::Kind kind);
    const DashboardGroup& groupAt(int row) const { return groups_[std::size_t(row)]; }

    // How a group is called in the table and in the chart legend.
    static QString label(const DashboardGroup& group, GroupBy::Kind kind);

private:
    QVariant value(const DashboardGroup& g, int column) const;

    std::vector<DashboardGroup> groups_;
    qint64 rangeCount_ = 0;
    GroupBy::Kind kind_ = GroupBy::Kind::Provider;
};

} // namespace gatehouse
