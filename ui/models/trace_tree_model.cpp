#include "models/trace_tree_model.h"

#include "duration_format.h"

#include <QBrush>
#include <QColor>
#include <QLocale>
#include <QPointF>

namespace gatehouse {

TraceTreeModel::TraceTreeModel(QObject* parent)
    : QAbstractItemModel(parent)
{
}

void TraceTreeModel::setTrace(TraceTree tree)
{
    beginResetModel();
    tree_ = std::move(tree);
    rowInParent_.assign(tree_.spans.size(), 0);
    for (std::size_t r = 0; r < tree_.roots.size(); ++r)
        rowInParent_[std::size_t(tree_.roots[r])] = int(r);
    for (const TraceSpan& s : tree_.spans) {
        for (std::size_t r = 0; r < s.children.size(); ++r)
            rowInParent_[std::size_t(s.children[r])] = int(r);
    }
    endResetModel();
}

const std::vector<int>& TraceTreeModel::childrenOf(const QModelIndex& parent) const
{
    return parent.isValid() ? tree_.spans[std::size_t(parent.internalId())].children : tree_.roots;
}

QModelIndex TraceTreeModel::index(int row, int column, const QModelIndex& parent) const
{
    if (column < 0 || column >= ColumnCount || row < 0 || (parent.isValid() && parent.column() != 0))
        return {};
    const auto& children = childrenOf(parent);
    if (row >= int(children.size()))
        return {};
    return createIndex(row, column, quintptr(children[std::size_t(row)]));
}

QModelIndex TraceTreeModel::parent(const QModelIndex& child) const
{
    if (!child.isValid())
        return {};
    const int p = tree_.spans[std::size_t(child.internalId())].parent;
    if (p < 0)
        return {};
    return createIndex(rowInParent_[std::size_t(p)], 0, quintptr(p));
}

int TraceTreeModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid() && parent.column() != 0)
        return 0;
    return int(childrenOf(parent).size());
}

int TraceTreeModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

QVariant TraceTreeModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const TraceSpan& s = tree_.spans[std::size_t(index.internalId())];
    const bool error = s.status >= 400 || s.status == 0;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case SpanColumn: return s.name;
        case StatusColumn: return s.status == 0 ? QStringLiteral("\u2014") : QString::number(s.status);
        case ModelColumn: return s.provider.isEmpty() ? s.model : s.provider + QLatin1Char(' ') + s.model;
        case StartColumn: return QStringLiteral("+") + formatMs(s.startMs);
        case DurationColumn: return formatMs(s.durationMs);
        case TokensColumn: return s.totalTokens < 0 ? QString() : QLocale().toString(s.totalTokens);
        }
        return {};
    case Qt::ToolTipRole:
        if (!s.error.isEmpty())
            return s.error;
        return s.spanId;
    case Qt::ForegroundRole:
        if (index.column() == StatusColumn && error)
            return QBrush(QColor(0xb0, 0x00, 0x20));
        if (s.kind == TraceSpan::Kind::Attempt && index.column() == SpanColumn)
            return QBrush(QColor(0x60, 0x60, 0x60));
        return {};
    case WaterfallRole: {
        const double total = tree_.durationMs > 0 ? tree_.durationMs : 1;
        return QPointF(s.startMs / total, s.durationMs / total);
    }
    case IsErrorRole: return error;
    case SpanIndexRole: return int(index.internalId());
    }
    return {};
}

QVariant TraceTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case SpanColumn: return tr("Span");
    case StatusColumn: return tr("Status");
    case ModelColumn: return tr("Provider / model");
    case StartColumn: return tr("Start (ms)");
    case DurationColumn: return tr("Duration (ms)");
    case TokensColumn: return tr("Tokens");
    case WaterfallColumn: return tr("Timeline");
    }
    return {};
}

} // namespace gatehouse
