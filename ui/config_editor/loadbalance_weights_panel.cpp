#include "config_editor/loadbalance_weights_panel.h"

#include "config_editor/config_key_spelling.h"
#include "models/config_tree_model.h"
#include "views/weight_split_chart.h"

#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QLabel>
#include <QPixmap>
#include <QSignalBlocker>
#include <QSlider>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace gatehouse {

namespace {

// Shows 70 rather than 70.00, and 0.25 as written.
class WeightSpinBox : public QDoubleSpinBox {
public:
    using QDoubleSpinBox::QDoubleSpinBox;
    QString textFromValue(double value) const override { return QString::number(value, 'g', 8); }
};

QString shareText(double share)
{
    if (share <= 0)
        return QStringLiteral("0% · never");
    const double pct = share * 100;
    return QStringLiteral("%1%").arg(pct, 0, 'f', std::fabs(pct - std::round(pct)) < 0.05 ? 0 : 1);
}

} // namespace

LoadbalanceWeightsPanel::LoadbalanceWeightsPanel(ConfigTreeModel* model, QWidget* parent)
    : QWidget(parent)
    , model_(model)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    grid_ = new QGridLayout;
    grid_->setHorizontalSpacing(8);
    grid_->setColumnStretch(2, 1);
    layout->addLayout(grid_);
    empty_ = new QLabel(QStringLiteral("No targets yet: add one with “+ Target”."), this);
    empty_->setEnabled(false);
    layout->addWidget(empty_);
    chart_ = new WeightSplitChart(this);
    chart_->setObjectName(QStringLiteral("weightChart"));
    layout->addWidget(chart_);

    const auto structural = [this] { rebuild(); };
    connect(model_, &QAbstractItemModel::rowsInserted, this, structural);
    connect(model_, &QAbstractItemModel::rowsRemoved, this, structural);
    connect(model_, &QAbstractItemModel::rowsMoved, this, structural);
    connect(model_, &QAbstractItemModel::modelReset, this, structural);
    connect(model_, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex& tl) {
        if (group_.isValid() && (tl.parent() == QModelIndex(group_) || tl.siblingAtColumn(0) == QModelIndex(group_)))
            refresh();
    });
}

void LoadbalanceWeightsPanel::setGroup(const QModelIndex& group, const QModelIndex& highlight)
{
    group_ = group.siblingAtColumn(0);
    highlight_ = highlight.siblingAtColumn(0);
    rebuild();
}

void LoadbalanceWeightsPanel::rebuild()
{
    for (Row& r : rows_) {
        delete r.swatch;
        delete r.name;
        delete r.slider;
        delete r.spin;
        delete r.share;
    }
    rows_.clear();
    const int n = group_.isValid() ? model_->rowCount(group_) : 0;
    for (int i = 0; i < n; ++i) {
        Row r;
        QPixmap swatch(12, 12);
        swatch.fill(WeightSplitChart::colorAt(i));
        r.swatch = new QLabel(this);
        r.swatch->setPixmap(swatch);
        r.name = new QLabel(this);
        r.name->setMinimumWidth(90);
        r.name->setMaximumWidth(220);
        r.slider = new QSlider(Qt::Horizontal, this);
        r.slider->setObjectName(QStringLiteral("weightSlider%1").arg(i));
        r.slider->setMinimumWidth(120);
        r.spin = new WeightSpinBox(this);
        r.spin->setObjectName(QStringLiteral("weightSpin%1").arg(i));
        r.spin->setRange(0, 1'000'000);
        r.spin->setDecimals(2);
        r.spin->setKeyboardTracking(false);
        r.spin->setMinimumWidth(70);
        r.share = new QLabel(this);
        r.share->setObjectName(QStringLiteral("weightShare%1").arg(i));
        r.share->setMinimumWidth(78);
        r.share->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
        grid_->addWidget(r.swatch, i, 0);
        grid_->addWidget(r.name, i, 1);
        grid_->addWidget(r.slider, i, 2);
        grid_->addWidget(r.spin, i, 3);
        grid_->addWidget(r.share, i, 4);
        // One slider drag is one undo step, and so is each value committed in a spin box.
        connect(r.slider, &QSlider::sliderPressed, this, [this] { ++gesture_; });
        connect(r.slider, &QSlider::valueChanged, this, [this, i](int v) { setWeight(i, v / scale_); });
        connect(r.spin, &QDoubleSpinBox::valueChanged, this, [this, i](double v) {
            ++gesture_;
            setWeight(i, v);
        });
        rows_.push_back(r);
    }
    empty_->setVisible(group_.isValid() && n == 0);
    chart_->setVisible(n > 0);
    refresh();
}

void LoadbalanceWeightsPanel::refresh()
{
    if (!group_.isValid())
        return;
    const int n = int(rows_.size());
    if (model_->rowCount(group_) != n) {
        rebuild();
        return;
    }
    std::vector<double> weights;
    double sum = 0, maxW = 0;
    for (int i = 0; i < n; ++i) {
        const double w = std::max(0.0, model_->weight(model_->index(i, 0, group_)));
        weights.push_back(w);
        sum += w;
        maxW = std::max(maxW, w);
    }
    // While every weight is at most 1 (Portkey's 0.7 / 0.3 style) a slider step is 0.01; above,
    // a step is 1. Not switched mid-drag.
    const bool dragging = std::any_of(rows_.begin(), rows_.end(), [](const Row& r) { return r.slider->isSliderDown(); });
    if (!dragging)
        scale_ = maxW <= 1 ? 100 : 1;
    const int sliderMax = scale_ == 100 ? 100 : std::max(100, int(std::ceil(maxW)));

    std::vector<WeightSplitChart::Part> parts;
    for (int i = 0; i < n; ++i) {
        const QModelIndex child = model_->index(i, 0, group_);
        Row& r = rows_[std::size_t(i)];
        const QSignalBlocker b1(r.slider), b2(r.spin);
        QString title = model_->title(child);
        r.name->setText(title);
        r.name->setToolTip(title);
        QFont f = r.name->font();
        f.setBold(child == QModelIndex(highlight_));
        r.name->setFont(f);
        if (!dragging)
            r.slider->setRange(0, sliderMax);
        if (!r.slider->isSliderDown())
            r.slider->setValue(int(std::lround(weights[std::size_t(i)] * scale_)));
        r.spin->setSingleStep(scale_ == 100 ? 0.05 : 1);
        if (r.spin->value() != weights[std::size_t(i)])
            r.spin->setValue(weights[std::size_t(i)]);
        const double share = sum > 0 ? weights[std::size_t(i)] / sum : 0;
        r.share->setText(shareText(share));
        r.share->setEnabled(share > 0);
        parts.push_back({title, weights[std::size_t(i)]});
    }
    chart_->setParts(parts);
}

void LoadbalanceWeightsPanel::setWeight(int row, double weight)
{
    if (!group_.isValid() || row >= model_->rowCount(group_))
        return;
    weight = std::max(0.0, std::round(weight * 100) / 100);
    const QModelIndex child = model_->index(row, 0, group_);
    model_->editNode(child, QStringLiteral("weight #%1").arg(gesture_), [weight](nlohmann::json& o) {
        const std::string key = spelledKey(o, "weight");
        if (weight == std::floor(weight) && weight < 1e15)
            o[key] = static_cast<long long>(weight);
        else
            o[key] = weight;
    });
}

} // namespace gatehouse
