#pragma once
// "Circuit breakers": the gateway's breakers live, below the Dashboard's charts. Hidden until a
// config with a circuit_breaker has been used; the countdown to the next probe ticks every second
// while a circuit is open.

#include "routing/circuit_breaker.h"

#include <QGroupBox>
#include <QTimer>

class QLabel;
class QTableView;

namespace gatehouse {

class CircuitTableModel;

class CircuitPanel : public QGroupBox {
    Q_OBJECT
public:
    explicit CircuitPanel(QWidget* parent = nullptr);

    CircuitTableModel* model() const { return model_; }
    QTableView* table() const { return table_; }
    QLabel* summary() const { return summary_; }

public Q_SLOTS:
    void showSnapshot(const gatehouse::CircuitSnapshot& snapshot);

private:
    CircuitTableModel* model_;
    QTableView* table_;
    QLabel* summary_;
    QTimer tick_;
};

} // namespace gatehouse
