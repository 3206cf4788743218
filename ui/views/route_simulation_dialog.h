#pragma once
// "Simulate": runs N requests through the config being edited with chosen targets failing (a status
// per target), without calling anyone, and shows where the requests went: a table and a bar chart.

#include "routing/route_simulator.h"

#include <QDialog>

class QChartView;
class QLabel;
class QSpinBox;
class QTableWidget;

namespace gatehouse {

class RouteSimulationDialog : public QDialog {
    Q_OBJECT
public:
    RouteSimulationDialog(std::shared_ptr<const RoutingConfig> config, QWidget* parent = nullptr);

    QTableWidget* scenarioTable() const { return scenario_; }
    QTableWidget* resultTable() const { return results_; }
    void setRequests(int n);
    void setFailure(const std::string& leafPath, int status);   // 0: the target answers 200
    FailureScenario scenario() const;
    const SimulationResult& lastResult() const { return result_; }

public Q_SLOTS:
    void run();

private:
    std::shared_ptr<const RoutingConfig> config_;
    std::vector<SimulatedLeaf> leaves_;
    QSpinBox* requests_;
    QSpinBox* seed_;
    QTableWidget* scenario_;
    QTableWidget* results_;
    QLabel* summary_;
    QChartView* chart_;
    SimulationResult result_;
};

} // namespace gatehouse
