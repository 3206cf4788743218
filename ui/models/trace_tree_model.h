#pragma once
// One trace as a tree for a QTreeView: requests nested by span, attempts under their request. The
// Waterfall column's WaterfallRole gives each span's start and length as fractions of the trace, for
// WaterfallDelegate to draw.

#include "observability/trace_tree.h"

#include <QAbstractItemModel>

namespace gatehouse {

class TraceTreeModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { SpanColumn, StatusColumn, ModelColumn, StartColumn, DurationColumn, TokensColumn, WaterfallColumn, ColumnCount };
    Q_ENUM(Column)
    enum Role { WaterfallRole = Qt::UserRole,   // QPointF(start fraction, length fraction)
                IsErrorRole, SpanIndexRole };
    Q_ENUM(Role)

    explicit TraceTreeModel(QObject* parent = nullptr);

    void setTrace(gatehouse::TraceTree tree);
    const TraceTree& trace() const { return tree_; }

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    const std::vector<int>& childrenOf(const QModelIndex& parent) const;

    TraceTree tree_;
    std::vector<int> rowInParent_;   // per span: its row among its siblings
};

} // namespace gatehouse
