#pragma once
// A pie of how a load balancer splits requests among its targets (weight / sum of weights).
// Targets with weight 0 get no slice; their legend entry says "never".

#include <QChartView>
#include <QColor>
#include <QString>

#include <vector>

class QPieSeries;

namespace gatehouse {

class WeightSplitChart : public QChartView {
    Q_OBJECT
public:
    struct Part {
        QString label;
        double weight = 0;
    };

    explicit WeightSplitChart(QWidget* parent = nullptr);

    // Updates the slices in place when the targets are the same, so dragging a slider does not
    // rebuild the chart.
    void setParts(const std::vector<Part>& parts);

    // What is drawn, for tests: each slice's legend label and share (0..1).
    struct Drawn {
        QString label;
        double share = 0;
    };
    std::vector<Drawn> drawn() const;

    static QColor colorAt(int i);

private:
    QPieSeries* series_ = nullptr;
};

} // namespace gatehouse
