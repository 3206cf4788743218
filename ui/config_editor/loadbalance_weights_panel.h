#pragma once
// The weights of a load balancer's targets: per target a slider and a spin box, the share it gets
// (weight / sum of weights, 0 = never chosen) and a pie of the split that follows a dragged slider.
// Each change is an undoable edit of that target's `weight`; one drag is one undo step.

#include <QPersistentModelIndex>
#include <QWidget>

#include <vector>

class QDoubleSpinBox;
class QGridLayout;
class QLabel;
class QSlider;

namespace gatehouse {

class ConfigTreeModel;
class WeightSplitChart;

class LoadbalanceWeightsPanel : public QWidget {
    Q_OBJECT
public:
    explicit LoadbalanceWeightsPanel(ConfigTreeModel* model, QWidget* parent = nullptr);

    // `group` is the loadbalance node; `highlight` one of its targets (drawn in bold), may be empty.
    void setGroup(const QModelIndex& group, const QModelIndex& highlight = {});
    QModelIndex group() const { return group_; }
    QModelIndex highlight() const { return highlight_; }

    int targetCount() const { return int(rows_.size()); }
    QSlider* slider(int row) const { return rows_.at(std::size_t(row)).slider; }
    QDoubleSpinBox* spinBox(int row) const { return rows_.at(std::size_t(row)).spin; }
    QLabel* shareLabel(int row) const { return rows_.at(std::size_t(row)).share; }
    WeightSplitChart* chart() const { return chart_; }

private:
    struct Row {
        QLabel* swatch = nullptr;
        QLabel* name = nullptr;
        QSlider* slider = nullptr;
        QDoubleSpinBox* spin = nullptr;
        QLabel* share = nullptr;
    };

    void rebuild();
    void refresh();
    void setWeight(int row, double weight);

    ConfigTreeModel* model_;
    QPersistentModelIndex group_;
    QPersistentModelIndex highlight_;
    QGridLayout* grid_ = nullptr;
    QLabel* empty_ = nullptr;
    WeightSplitChart* chart_ = nullptr;
    std::vector<Row> rows_;
    double scale_ = 1;
    int gesture_ = 0;   // part of the edit's field name: edits merge within one gesture only   // slider units per weight unit (100 while every weight is <= 1)
};

} // namespace gatehouse
