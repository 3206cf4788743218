#include "views/time_series_chart.h"

#include <QAreaSeries>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace gatehouse {

namespace {

// A step of 1, 2 or 5 times a power of ten that splits [0, top] into about four intervals; whole
// numbers for counts.
double niceStep(double top, bool integral)
{
    const double raw = std::max(top, 1e-9) / 4;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = magnitude;
    for (double m : {1.0, 2.0, 5.0, 10.0}) {
        step = m * magnitude;
        if (step >= raw)
            break;
    }
    return integral ? std::max(1.0, std::ceil(step)) : step;
}

QString timeFormat(qint64 spanMs)
{
    return spanMs > 24LL * 3600 * 1000 ? QStringLiteral("ddd HH:mm") : QStringLiteral("HH:mm");
}

} // namespace

TimeSeriesChart::TimeSeriesChart(const QString& title, const QString& unit, QWidget* parent)
    : QChartView(parent)
{
    auto* c = new QChart;
    c->setTitle(title);
    c->legend()->setAlignment(Qt::AlignBottom);
    c->setMargins(QMargins(4, 4, 4, 4));
    c->setBackgroundRoundness(0);
    x_ = new QDateTimeAxis;
    x_->setTickCount(7);
    y_ = new QValueAxis;
    y_->setLabelFormat(QStringLiteral("%g"));
    y_->setTitleText(unit);
    y_->setMin(0);
    c->addAxis(x_, Qt::AlignBottom);
    c->addAxis(y_, Qt::AlignLeft);
    setChart(c);
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(320, 200);
}

void TimeSeriesChart::setSeries(qint64 fromMs, qint64 bucketMs, const std::vector<ChartSeries>& series, Style style)
{
    QChart* c = chart();
    c->removeAllSeries();
    std::size_t buckets = 0;
    for (const ChartSeries& s : series)
        buckets = std::max(buckets, s.values.size());
    const qint64 untilMs = fromMs + qint64(buckets) * bucketMs;
    x_->setFormat(timeFormat(untilMs - fromMs));
    // Ticks on bucket boundaries at even steps (15 min: every 3 min, 1 h: 10 min, 7 d: a day).
    int intervals = 6;
    for (int candidate : {6, 5, 7, 8, 4}) {
        if (buckets > 0 && buckets % std::size_t(candidate) == 0) {
            intervals = candidate;
            break;
        }
    }
    x_->setTickCount(intervals + 1);
    x_->setRange(QDateTime::fromMSecsSinceEpoch(fromMs), QDateTime::fromMSecsSinceEpoch(untilMs));

    double top = 0;
    std::vector<double> base(buckets, 0.0);   // running sum below the next stacked area
    for (const ChartSeries& s : series) {
        auto* upper = new QLineSeries;
        upper->setName(s.name);
        for (std::size_t i = 0; i < s.values.size(); ++i) {
            if (style == Style::Lines && i < s.present.size() && !s.present[i])
                continue;
            const double x = double(fromMs + qint64(i) * bucketMs);
            const double y = style == Style::StackedAreas ? base[i] + s.values[i] : s.values[i];
            upper->append(x, y);
            top = std::max(top, y);
        }
        QPen pen(s.color);
        pen.setWidthF(style == Style::Lines ? 2.0 : 1.0);
        if (style == Style::Lines) {
            upper->setPen(pen);
            upper->setPointsVisible(upper->count() <= 20);   // so a lone bucket between gaps shows
            c->addSeries(upper);
            upper->attachAxis(x_);
            upper->attachAxis(y_);
            continue;
        }
        auto* lower = new QLineSeries;
        for (std::size_t i = 0; i < s.values.size(); ++i) {
            lower->append(double(fromMs + qint64(i) * bucketMs), base[i]);
            base[i] += s.values[i];
        }
        auto* area = new QAreaSeries(upper, lower);
        area->setName(s.name);
        area->setPen(pen);
        QColor fill = s.color;
        fill.setAlpha(170);
        area->setBrush(fill);
        c->addSeries(area);
        area->attachAxis(x_);
        area->attachAxis(y_);
    }
    // Round steps from 0 (QValueAxis' own applyNiceNumbers() gives 3.75 and 11.25), with headroom so
    // the top line is not drawn on the frame.
    const double max = fixedMax_ > 0 ? std::max(fixedMax_, top) : std::max(integral_ ? 4.0 : 1e-3, top * 1.05);
    const double step = niceStep(max, integral_);
    y_->setTickType(QValueAxis::TicksDynamic);
    y_->setTickAnchor(0);
    y_->setTickInterval(step);
    y_->setRange(0, std::ceil(max / step - 1e-9) * step);
    y_->setLabelFormat(step < 1 ? QStringLiteral("%g") : QStringLiteral("%.0f"));
}

std::vector<TimeSeriesChart::Drawn> TimeSeriesChart::drawn() const
{
    std::vector<Drawn> out;
    for (QAbstractSeries* s : chart()->series()) {
        const QLineSeries* line = nullptr;
        if (auto* area = qobject_cast<QAreaSeries*>(s))
            line = area->upperSeries();
        else
            line = qobject_cast<QLineSeries*>(s);
        if (!line)
            continue;
        const QList<QPointF> points = line->points();
        out.push_back({s->name(), std::vector<QPointF>(points.begin(), points.end())});
    }
    return out;
}

} // namespace gatehouse
