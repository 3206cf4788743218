#include "models/dashboard_group_model.h"

#include "duration_format.h"

#include <QLocale>

namespace gatehouse {

DashboardGroupModel::DashboardGroupModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

int DashboardGroupModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(groups_.size());
}

int DashboardGroupModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString DashboardGroupModel::label(const DashboardGroup& group, GroupBy::Kind kind)
{
    if (group.other)
        return tr("other");
    if (!group.name.isEmpty())
        return group.name;
    return kind == GroupBy::Kind::Metadata ? tr("(untagged)") : tr("(none)");
}

void DashboardGroupModel::setGroups(std::vector<DashboardGroup> groups, qint64 rangeCount, GroupBy::Kind kind)
{
    beginResetModel();
    groups_ = std::move(groups);
    rangeCount_ = rangeCount;
    kind_ = kind;
    endResetModel();
}

QVariant DashboardGroupModel::value(const DashboardGroup& g, int column) const
{
    const MinuteStats& t = g.totals;
    const auto percent = [](qint64 part, qint64 whole) { return whole > 0 ? 100.0 * double(part) / double(whole) : 0.0; };
    switch (column) {
    case GroupColumn: return label(g, kind_);
    case RequestsColumn: return t.count;
    case ShareColumn: return percent(t.count, rangeCount_);
    case ErrorRateColumn: return percent(t.errors, t.count);
    case P50Column: return t.p50Ms;
    case P95Column: return t.p95Ms;
    case P99Column: return t.p99Ms;
    case PromptTokensColumn: return t.promptTokens;
    case CompletionTokensColumn: return t.completionTokens;
    case CostColumn: return t.priced > 0 ? t.costUsd : -1.0;
    default: return {};
    }
}

QVariant DashboardGroupModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const DashboardGroup& g = groups_[std::size_t(index.row())];
    const int column = index.column();
    switch (role) {
    case ValueRole:
        return value(g, column);
    case Qt::DisplayRole: {
        const QVariant v = value(g, column);
        const QLocale locale;
        switch (column) {
        case GroupColumn: return v;
        case ShareColumn:
        case ErrorRateColumn: return locale.toString(v.toDouble(), 'f', 1) + QLatin1Char('%');
        case P50Column:
        case P95Column:
        case P99Column:
            // "other" sums several groups; their percentiles cannot be combined from the totals.
            return v.toDouble() < 0 ? formatMs(-1) : formatMs(v.toDouble()) + QStringLiteral(" ms");
        case CostColumn: return formatCostUsd(g.totals.costUsd, g.totals.priced);
        default: return locale.toString(v.toLongLong());
        }
    }
    case Qt::TextAlignmentRole:
        return column == GroupColumn ? QVariant(Qt::AlignLeft | Qt::AlignVCenter) : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::ToolTipRole:
        if (g.other && (column == P50Column || column == P95Column || column == P99Column))
            return tr("Percentiles of the remaining groups together are not computed");
        return {};
    default:
        return {};
    }
}

QVariant DashboardGroupModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case GroupColumn: return tr("Group");
    case RequestsColumn: return tr("Requests");
    case ShareColumn: return tr("Share");
    case ErrorRateColumn: return tr("Errors");
    case P50Column: return tr("p50");
    case P95Column: return tr("p95");
    case P99Column: return tr("p99");
    case PromptTokensColumn: return tr("Prompt tokens");
    case CompletionTokensColumn: return tr("Completion tokens");
    case CostColumn: return tr("Cost");
    default: return {};
    }
}

} // namespace gatehouse
