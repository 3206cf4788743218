#include "models/trace_list_model.h"

#include "duration_format.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QLocale>

namespace gatehouse {

TraceListModel::TraceListModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void TraceListModel::setTraces(std::vector<TraceSummary> traces)
{
    beginResetModel();
    traces_ = std::move(traces);
    endResetModel();
}

int TraceListModel::rowOf(const QString& traceId) const
{
    for (std::size_t i = 0; i < traces_.size(); ++i) {
        if (traces_[i].traceId == traceId)
            return int(i);
    }
    return -1;
}

int TraceListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(traces_.size());
}

int TraceListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TraceListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TraceSummary& t = traces_[std::size_t(index.row())];
    const QLocale l;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case StartedColumn: return l.toString(QDateTime::fromMSecsSinceEpoch(t.startedAtMs).toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        case TraceColumn: return t.traceId;
        case RequestsColumn: return l.toString(t.requests);
        case ErrorsColumn: return t.errors ? l.toString(t.errors) : QString();
        case DurationColumn: return formatMs(t.durationMs);
        case TokensColumn: return t.totalTokens ? l.toString(t.totalTokens) : QString();
        case ModelColumn: return t.model;
        }
        return {};
    case Qt::ForegroundRole:
        if (index.column() == ErrorsColumn && t.errors)
            return QBrush(QColor(0xb0, 0x00, 0x20));
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == RequestsColumn || index.column() == ErrorsColumn || index.column() == DurationColumn
            || index.column() == TokensColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case TraceIdRole: return t.traceId;
    }
    return {};
}

QVariant TraceListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case StartedColumn: return tr("Started");
    case TraceColumn: return tr("Trace");
    case RequestsColumn: return tr("Requests");
    case ErrorsColumn: return tr("Errors");
    case DurationColumn: return tr("Duration (ms)");
    case TokensColumn: return tr("Tokens");
    case ModelColumn: return tr("Model");
    }
    return {};
}

} // namespace gatehouse
