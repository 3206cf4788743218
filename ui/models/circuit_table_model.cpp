#include "models/circuit_table_model.h"

#include <QBrush>
#include <QColor>

namespace gatehouse {

CircuitTableModel::CircuitTableModel(QObject* parent)
    : QAbstractTableModel(parent)
{
    age_.start();
}

void CircuitTableModel::setSnapshot(const CircuitSnapshot& snapshot)
{
    std::vector<CircuitStatus> next = snapshot ? *snapshot : std::vector<CircuitStatus>{};
    age_.restart();
    bool sameRows = next.size() == rows_.size();
    for (std::size_t i = 0; sameRows && i < next.size(); ++i)
        sameRows = next[i].key == rows_[i].key;
    if (!sameRows) {
        beginResetModel();
        rows_ = std::move(next);
        endResetModel();
        return;
    }
    rows_ = std::move(next);
    if (!rows_.empty())
        Q_EMIT dataChanged(index(0, 0), index(int(rows_.size()) - 1, ColumnCount - 1));
}

void CircuitTableModel::tick()
{
    if (!rows_.empty())
        Q_EMIT dataChanged(index(0, ProbeColumn), index(int(rows_.size()) - 1, ProbeColumn), {Qt::DisplayRole});
}

bool CircuitTableModel::anyOpen() const
{
    for (const CircuitStatus& c : rows_) {
        if (c.state != CircuitState::Closed)
            return true;
    }
    return false;
}

int CircuitTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(rows_.size());
}

int CircuitTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString CircuitTableModel::probeText(const CircuitStatus& c) const
{
    switch (c.state) {
    case CircuitState::Closed:
        return QString();
    case CircuitState::HalfOpen:
        return tr("next request");
    case CircuitState::Open: {
        const qint64 left = c.probeInMs - age_.elapsed();
        return left > 0 ? tr("in %1 s").arg((left + 999) / 1000) : tr("next request");
    }
    }
    return QString();
}

QVariant CircuitTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= int(rows_.size()) || index.column() >= ColumnCount)
        return {};
    const CircuitStatus& c = rows_[std::size_t(index.row())];
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case TargetColumn: return QString::fromStdString(c.key);
        case StateColumn:
            return c.state == CircuitState::Open ? tr("Open — skipped")
                 : c.state == CircuitState::HalfOpen ? tr("Half-open — probing") : tr("Closed");
        case FailuresColumn:
            return c.state == CircuitState::Closed ? tr("%1 of %2 in %3 s").arg(c.recentFailures).arg(c.config.failureThreshold).arg(c.config.windowMs / 1000.0)
                                                   : QString();
        case OpenedColumn: return c.timesOpened;
        case ProbeColumn: return probeText(c);
        }
    } else if (role == Qt::ForegroundRole && index.column() == StateColumn) {
        if (c.state == CircuitState::Open)
            return QBrush(QColor(0xc6, 0x28, 0x28));
        if (c.state == CircuitState::HalfOpen)
            return QBrush(QColor(0xb2, 0x6a, 0x00));
    } else if (role == Qt::ToolTipRole && index.column() == TargetColumn) {
        return tr("Opens after %1 failures within %2 ms; stays open %3 ms, then one request probes it.")
            .arg(c.config.failureThreshold)
            .arg(c.config.windowMs)
            .arg(c.config.cooldownMs);
    } else if (role == Qt::TextAlignmentRole && index.column() == OpenedColumn) {
        return int(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
}

QVariant CircuitTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TargetColumn: return tr("Target");
    case StateColumn: return tr("Circuit");
    case FailuresColumn: return tr("Recent failures");
    case OpenedColumn: return tr("Times opened");
    case ProbeColumn: return tr("Probe");
    }
    return {};
}

} // namespace gatehouse
