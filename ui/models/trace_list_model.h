#pragma once
// The list of traces (one row per trace id), newest first, as LogReader::traces() returns them.

#include "observability/log_query.h"

#include <QAbstractTableModel>

#include <vector>

namespace gatehouse {

class TraceListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { StartedColumn, TraceColumn, RequestsColumn, ErrorsColumn, DurationColumn, TokensColumn, ModelColumn, ColumnCount };
    Q_ENUM(Column)
    enum Role { TraceIdRole = Qt::UserRole };

    explicit TraceListModel(QObject* parent = nullptr);

    void setTraces(std::vector<gatehouse::TraceSummary> traces);
    const TraceSummary& traceAt(int row) const { return traces_[std::size_t(row)]; }
    int rowOf(const QString& traceId) const;   // -1 when not listed

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<TraceSummary> traces_;
};

} // namespace gatehouse
