#include "views/route_simulation_dialog.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QValueAxis>
#include <QVBoxLayout>

namespace gatehouse {

namespace {

enum ScenarioColumn { Target, Fails, Status };
enum ResultColumn { RTarget, Answered, Share, Attempts, Retries, Failures };

} // namespace

RouteSimulationDialog::RouteSimulationDialog(std::shared_ptr<const RoutingConfig> config, QWidget* parent)
    : QDialog(parent)
    , config_(std::move(config))
    , leaves_(config_ ? simulatedLeaves(*config_) : std::vector<SimulatedLeaf>{})
    , requests_(new QSpinBox)
    , seed_(new QSpinBox)
    , scenario_(new QTableWidget(int(leaves_.size()), 3))
    , results_(new QTableWidget(int(leaves_.size()), 6))
    , summary_(new QLabel)
    , chart_(new QChartView)
{
    setWindowTitle(tr("Simulate routing"));
    resize(1100, 720);
    requests_->setRange(1, 1'000'000);
    requests_->setValue(1000);
    seed_->setRange(0, 1'000'000);
    seed_->setValue(1);
    seed_->setToolTip(tr("The same seed gives the same draws"));

    scenario_->setHorizontalHeaderLabels({tr("Target"), tr("Fails"), tr("With status")});
    scenario_->verticalHeader()->hide();
    scenario_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    scenario_->horizontalHeader()->setSectionResizeMode(Target, QHeaderView::Stretch);
    for (int i = 0; i < int(leaves_.size()); ++i) {
        const SimulatedLeaf& leaf = leaves_[std::size_t(i)];
        auto* item = new QTableWidgetItem(QStringLiteral("%1   %2").arg(QString::fromStdString(leaf.path), QString::fromStdString(leaf.label)));
        item->setFlags(Qt::ItemIsEnabled);
        scenario_->setItem(i, Target, item);
        auto* fails = new QCheckBox;
        auto* status = new QSpinBox;
        status->setRange(400, 599);
        status->setValue(503);
        status->setEnabled(false);
        connect(fails, &QCheckBox::toggled, status, &QWidget::setEnabled);
        scenario_->setCellWidget(i, Fails, fails);
        scenario_->setCellWidget(i, Status, status);
    }

    results_->setHorizontalHeaderLabels({tr("Target"), tr("Answered"), tr("Share"), tr("Calls"), tr("Retries"), tr("Failed calls")});
    results_->verticalHeader()->hide();
    results_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    results_->horizontalHeader()->setSectionResizeMode(RTarget, QHeaderView::Stretch);
    results_->setWordWrap(false);
    results_->setEditTriggers(QAbstractItemView::NoEditTriggers);

    auto* chart = new QChart;
    chart->legend()->setVisible(true);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart_->setChart(chart);
    chart_->setRenderHint(QPainter::Antialiasing);
    chart_->setMinimumHeight(240);

    auto* form = new QFormLayout;
    form->addRow(tr("Requests"), requests_);
    form->addRow(tr("Random seed"), seed_);
    auto* runButton = new QPushButton(tr("Run"));
    runButton->setDefault(true);
    connect(runButton, &QPushButton::clicked, this, &RouteSimulationDialog::run);
    auto* top = new QHBoxLayout;
    top->addLayout(form);
    top->addWidget(runButton, 0, Qt::AlignBottom);
    top->addStretch();

    auto* note = new QLabel(tr("Targets answer 200 unless ticked. Retries run without waiting; circuit breakers and "
                               "conditions on metadata are not simulated (conditional routing takes its default)."));
    note->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(note);
    layout->addWidget(scenario_, 1);
    layout->addWidget(summary_);
    auto* out = new QHBoxLayout;
    out->addWidget(results_, 3);
    out->addWidget(chart_, 2);
    layout->addLayout(out, 2);
    layout->addWidget(buttons);
    run();
}

void RouteSimulationDialog::setRequests(int n)
{
    requests_->setValue(n);
}

void RouteSimulationDialog::setFailure(const std::string& leafPath, int status)
{
    for (int i = 0; i < int(leaves_.size()); ++i) {
        if (leaves_[std::size_t(i)].path != leafPath)
            continue;
        static_cast<QCheckBox*>(scenario_->cellWidget(i, Fails))->setChecked(status != 0);
        if (status)
            static_cast<QSpinBox*>(scenario_->cellWidget(i, Status))->setValue(status);
    }
}

FailureScenario RouteSimulationDialog::scenario() const
{
    FailureScenario s;
    for (int i = 0; i < int(leaves_.size()); ++i) {
        if (static_cast<QCheckBox*>(scenario_->cellWidget(i, Fails))->isChecked())
            s.statusByPath[leaves_[std::size_t(i)].path] = static_cast<QSpinBox*>(scenario_->cellWidget(i, Status))->value();
    }
    return s;
}

void RouteSimulationDialog::run()
{
    result_ = simulateRoutes(config_, requests_->value(), scenario(), std::uint64_t(seed_->value()));
    summary_->setText(tr("%1 requests: %2 succeeded, %3 failed; %4 answered by a fallback target; %5 retries.")
                          .arg(result_.requests).arg(result_.succeeded).arg(result_.failed).arg(result_.fellBack).arg(result_.retries));
    auto* answered = new QBarSet(tr("Answered"));
    auto* failedCalls = new QBarSet(tr("Failed calls"));
    QStringList categories;
    for (int i = 0; i < int(leaves_.size()); ++i) {
        const SimulatedLeaf& leaf = leaves_[std::size_t(i)];
        const LeafCounts c = result_.leaves.count(leaf.path) ? result_.leaves.at(leaf.path) : LeafCounts{};
        const double share = result_.requests ? 100.0 * c.answered / result_.requests : 0.0;
        const QString values[] = {QString::fromStdString(leaf.path + "  " + leaf.label), QString::number(c.answered),
                                  QStringLiteral("%1 %").arg(share, 0, 'f', 1), QString::number(c.attempts),
                                  QString::number(c.retries), QString::number(c.failures)};
        for (int col = 0; col < 6; ++col) {
            auto* item = new QTableWidgetItem(values[col]);
            if (col > 0)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            results_->setItem(i, col, item);
        }
        *answered << c.answered;
        *failedCalls << c.failures;
        categories << QString::fromStdString(leaf.path).replace(QLatin1String("config."), QString());
    }
    QChart* chart = chart_->chart();
    chart->removeAllSeries();
    for (QAbstractAxis* axis : chart->axes())
        chart->removeAxis(axis);
    auto* series = new QBarSeries;
    answered->setColor(QColor(0x2e, 0x7d, 0x32));
    failedCalls->setColor(QColor(0xc6, 0x28, 0x28));
    series->append(answered);
    series->append(failedCalls);
    chart->addSeries(series);
    auto* x = new QBarCategoryAxis;
    x->append(categories);
    chart->addAxis(x, Qt::AlignBottom);
    series->attachAxis(x);
    auto* y = new QValueAxis;
    y->setLabelFormat(QStringLiteral("%d"));
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(y);
    y->applyNiceNumbers();
}

} // namespace gatehouse
