#include "views/circuit_panel.h"

#include "models/circuit_table_model.h"
#include "routing/circuit_changes.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>

namespace gatehouse {

CircuitPanel::CircuitPanel(QWidget* parent)
    : QGroupBox(tr("Circuit breakers"), parent)
    , model_(new CircuitTableModel(this))
    , table_(new QTableView(this))
    , summary_(new QLabel(this))
{
    setObjectName(QStringLiteral("circuitPanel"));
    table_->setModel(model_);
    table_->verticalHeader()->hide();
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(CircuitTableModel::TargetColumn, QHeaderView::Stretch);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(summary_);
    layout->addWidget(table_);
    tick_.setInterval(1000);
    connect(&tick_, &QTimer::timeout, model_, &CircuitTableModel::tick);
    hide();
}

void CircuitPanel::showSnapshot(const CircuitSnapshot& snapshot)
{
    model_->setSnapshot(snapshot);
    const QString s = snapshot ? circuitSummary(*snapshot) : QString();
    summary_->setText(s.isEmpty() ? tr("All targets answering: every circuit is closed.") : s + QLatin1Char('.'));
    setVisible(model_->rowCount() > 0);
    if (model_->anyOpen())
        tick_.start();
    else
        tick_.stop();
}

} // namespace gatehouse
