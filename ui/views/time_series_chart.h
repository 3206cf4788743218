#pragma once
// One dashboard chart: values per time bucket over a date-time axis, as lines or as stacked areas
// (parts of a whole, e.g. requests by provider). Axes are kept and rescaled on each update; series
// are replaced.

#include <QChartView>
#include <QColor>
#include <QPointF>
#include <QString>

#include <vector>

class QDateTimeAxis;
class QValueAxis;

namespace gatehouse {

struct ChartSeries {
    QString name;
    std::vector<double> values;   // one per bucket
    QColor color;
    // Lines only: buckets without a value (no requests: no latency, no error rate) are left out
    // rather than drawn as 0. Empty: every bucket has one.
    std::vector<bool> present;
};

class TimeSeriesChart : public QChartView {
    Q_OBJECT
public:
    enum class Style { Lines, StackedAreas };

    TimeSeriesChart(const QString& title, const QString& unit, QWidget* parent = nullptr);

    void setSeries(qint64 fromMs, qint64 bucketMs, const std::vector<ChartSeries>& series, Style style);
    // Optional upper bound for the value axis (e.g. 100 for percentages); 0: from the data.
    void setFixedMax(double max) { fixedMax_ = max; }
    // Counts (requests, tokens): whole-number axis steps.
    void setIntegral(bool integral) { integral_ = integral; }

    // What is drawn, for tests: each series' name and points (x = bucket start in ms; stacked areas
    // give their upper line, i.e. the running sum; lines skip absent buckets).
    struct Drawn {
        QString name;
        std::vector<QPointF> points;
    };
    std::vector<Drawn> drawn() const;
    QValueAxis* valueAxis() const { return y_; }
    QDateTimeAxis* timeAxis() const { return x_; }

private:
    QDateTimeAxis* x_ = nullptr;
    QValueAxis* y_ = nullptr;
    double fixedMax_ = 0;
    bool integral_ = false;
};

} // namespace gatehouse
