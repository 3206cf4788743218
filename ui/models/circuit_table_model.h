#pragma once
// The gateway's circuit breakers as a table: target, state, recent failures against the threshold,
// times opened, and when an open circuit is probed again. Fed whole snapshots from
// GatewayService::circuitsChanged; rows keep their place when only values change, so a selection
// survives updates. The probe countdown is computed from the snapshot's age (tick() moves it on).

#include "routing/circuit_breaker.h"

#include <QAbstractTableModel>
#include <QElapsedTimer>

namespace gatehouse {

class CircuitTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { TargetColumn, StateColumn, FailuresColumn, OpenedColumn, ProbeColumn, ColumnCount };

    explicit CircuitTableModel(QObject* parent = nullptr);

    void setSnapshot(const CircuitSnapshot& snapshot);
    // The probe countdown column changed with time (call every second while a circuit is open).
    void tick();
    bool anyOpen() const;
    const CircuitStatus& status(int row) const { return rows_.at(std::size_t(row)); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QString probeText(const CircuitStatus& c) const;

    std::vector<CircuitStatus> rows_;
    QElapsedTimer age_;   // since the snapshot arrived
};

} // namespace gatehouse
