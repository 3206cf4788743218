#include "views/weight_split_chart.h"

#include <QLegend>
#include <QLegendMarker>
#include <QPieSeries>
#include <QPieSlice>

#include <algorithm>
#include <array>

namespace gatehouse {

QColor WeightSplitChart::colorAt(int i)
{
    // Tableau 10, as on the dashboard.
    static const std::array<QRgb, 10> palette{0x4e79a7, 0xf28e2b, 0x59a14f, 0xe15759, 0x76b7b2,
                                              0xedc948, 0xb07aa1, 0xff9da7, 0x9c755f, 0xbab0ac};
    return QColor::fromRgb(palette[std::size_t(i) % palette.size()]);
}

WeightSplitChart::WeightSplitChart(QWidget* parent)
    : QChartView(parent)
{
    auto* c = new QChart;
    c->setMargins(QMargins(0, 0, 0, 0));
    c->setBackgroundRoundness(0);
    c->setBackgroundVisible(false);   // sits on the form's own background
    c->legend()->setAlignment(Qt::AlignRight);
    c->setAnimationOptions(QChart::NoAnimation);   // follows a dragged slider without lag
    series_ = new QPieSeries;
    series_->setPieSize(0.85);
    series_->setHoleSize(0.45);
    c->addSeries(series_);
    setChart(c);
    setRenderHint(QPainter::Antialiasing);
    setStyleSheet(QStringLiteral("background: transparent;"));
    setMinimumHeight(180);
}

void WeightSplitChart::setParts(const std::vector<Part>& parts)
{
    double sum = 0;
    for (const Part& p : parts)
        sum += std::max(0.0, p.weight);
    if (series_->count() != int(parts.size())) {
        series_->clear();
        for (std::size_t i = 0; i < parts.size(); ++i) {
            auto* s = series_->append(QString(), 1);
            s->setColor(colorAt(int(i)));
            s->setBorderColor(Qt::white);
        }
    }
    const auto slices = series_->slices();
    for (std::size_t i = 0; i < parts.size(); ++i) {
        QPieSlice* s = slices[int(i)];
        const double w = std::max(0.0, parts[i].weight);
        const double pct = sum > 0 ? 100 * w / sum : 0;
        s->setValue(w);
        s->setLabel(pct == 0 ? QStringLiteral("%1  ·  never").arg(parts[i].label)
                             : QStringLiteral("%1  ·  %2%").arg(parts[i].label).arg(pct, 0, 'f', pct == int(pct) ? 0 : 1));
        s->setLabelVisible(false);   // the legend carries the text; labels around a small pie collide
    }
}

std::vector<WeightSplitChart::Drawn> WeightSplitChart::drawn() const
{
    std::vector<Drawn> out;
    double sum = 0;
    for (QPieSlice* s : series_->slices())
        sum += s->value();
    for (QPieSlice* s : series_->slices())
        out.push_back({s->label(), sum > 0 ? s->value() / sum : 0});
    return out;
}

} // namespace gatehouse
