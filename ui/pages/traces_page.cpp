#include "pages/traces_page.h"

#include "duration_format.h"
#include "log_query_worker.h"
#include "models/trace_list_model.h"
#include "models/trace_tree_model.h"
#include "observability/log_filter_syntax.h"
#include "views/waterfall_delegate.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace gatehouse {

TracesPage::TracesPage(LogQueryWorker* worker, QWidget* parent)
    : QWidget(parent)
    , worker_(worker)
{
    list_ = new TraceListModel(this);
    tree_ = new TraceTreeModel(this);

    filterEdit_ = new QLineEdit(this);
    filterEdit_->setObjectName(QStringLiteral("traceFilter"));
    filterEdit_->setClearButtonEnabled(true);
    filterEdit_->setPlaceholderText(tr("Traces with a request matching, e.g. status:error since:1h model:gpt-4o"));
    filterError_ = new QLabel(this);
    filterError_->setStyleSheet(QStringLiteral("color: #b00020;"));
    filterError_->hide();
    auto* refreshButton = new QToolButton(this);
    refreshButton->setText(tr("Refresh"));
    auto* bar = new QHBoxLayout;
    bar->addWidget(filterEdit_, 1);
    bar->addWidget(refreshButton);

    listView_ = new QTableView(this);
    listView_->setObjectName(QStringLiteral("traceList"));
    listView_->setModel(list_);
    listView_->setSelectionBehavior(QAbstractItemView::SelectRows);
    listView_->setSelectionMode(QAbstractItemView::SingleSelection);
    listView_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    listView_->setShowGrid(false);
    listView_->setWordWrap(false);
    listView_->setTextElideMode(Qt::ElideMiddle);
    listView_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    listView_->verticalHeader()->setDefaultSectionSize(listView_->fontMetrics().height() + 8);
    listView_->setAlternatingRowColors(true);
    listView_->verticalHeader()->hide();
    listView_->horizontalHeader()->setStretchLastSection(true);
    const QFontMetrics fm(listView_->font());
    listView_->setColumnWidth(TraceListModel::StartedColumn, fm.horizontalAdvance(QStringLiteral("2026-11-25 00:00:00")) + 16);
    listView_->setColumnWidth(TraceListModel::TraceColumn, fm.horizontalAdvance(QStringLiteral("4bf92f3577b34da6a3ce929d0e0e4736")) + 16);

    summary_ = new QLabel(tr("Select a trace"), this);
    summary_->setObjectName(QStringLiteral("traceSummary"));
    treeView_ = new QTreeView(this);
    treeView_->setObjectName(QStringLiteral("traceTree"));
    treeView_->setModel(tree_);
    treeView_->setItemDelegateForColumn(TraceTreeModel::WaterfallColumn, new WaterfallDelegate(treeView_));
    treeView_->setUniformRowHeights(true);
    treeView_->setAlternatingRowColors(true);
    treeView_->header()->setStretchLastSection(true);
    treeView_->setColumnWidth(TraceTreeModel::SpanColumn, 260);
    treeView_->setColumnWidth(TraceTreeModel::StatusColumn, 60);
    treeView_->setColumnWidth(TraceTreeModel::ModelColumn, 200);
    treeView_->setColumnWidth(TraceTreeModel::StartColumn, 90);
    treeView_->setColumnWidth(TraceTreeModel::DurationColumn, 100);
    treeView_->setColumnWidth(TraceTreeModel::TokensColumn, 70);
    auto* treeBox = new QWidget(this);
    auto* treeLayout = new QVBoxLayout(treeBox);
    treeLayout->setContentsMargins(0, 0, 0, 0);
    treeLayout->addWidget(summary_);
    treeLayout->addWidget(treeView_, 1);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(listView_);
    splitter->addWidget(treeBox);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(filterError_);
    layout->addWidget(splitter, 1);

    connect(filterEdit_, &QLineEdit::textChanged, this, [this](const QString& text) {
        const LogFilterParse p = parseLogFilter(text, QDateTime::currentDateTimeUtc());
        filterError_->setVisible(!p.ok());
        filterError_->setText(p.error);
    });
    connect(filterEdit_, &QLineEdit::returnPressed, this, &TracesPage::refresh);
    liveTimer_.setInterval(kLiveIntervalMs);
    connect(&liveTimer_, &QTimer::timeout, this, &TracesPage::refresh);
    connect(refreshButton, &QToolButton::clicked, this, &TracesPage::refresh);
    connect(listView_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& current) {
        if (current.isValid())
            showTrace(list_->traceAt(current.row()).traceId);
    });
    connect(worker_, &LogQueryWorker::tracesReady, this, [this](quint64 ticket, const std::vector<TraceSummary>& traces) {
        if (ticket != listTicket_)
            return;
        // A running agent's trace grows: reload the tree when its row changed, not on every refresh
        // (a reload collapses what the user opened).
        const int before = list_->rowOf(shownTrace_);
        const qint64 requestsBefore = before >= 0 ? list_->traceAt(before).requests : -1;
        list_->setTraces(traces);
        const int after = list_->rowOf(shownTrace_);
        if (after >= 0 && requestsBefore >= 0 && list_->traceAt(after).requests != requestsBefore)
            worker_->trace(++treeTicket_, shownTrace_);
        if (shownTrace_.isEmpty() && !traces.empty()) {
            listView_->selectRow(0);   // the newest trace, rather than an empty tree
            return;
        }
        if (const int row = list_->rowOf(shownTrace_); row >= 0) {
            const QSignalBlocker block(listView_->selectionModel());
            listView_->selectRow(row);
        }
    });
    connect(worker_, &LogQueryWorker::traceReady, this, [this](quint64 ticket, const std::vector<RequestRecord>& records) {
        if (ticket != treeTicket_)
            return;
        tree_->setTrace(buildTraceTree(records));
        treeView_->expandAll();
        const TraceTree& t = tree_->trace();
        qint64 tokens = 0;
        for (const RequestRecord& r : records)
            tokens += std::max<qint64>(0, r.totalTokens);
        summary_->setText(records.empty()
                              ? tr("Trace %1: no requests stored").arg(shownTrace_)
                              : tr("Trace %1 \u2014 %2 requests, %3 ms, %4 tokens, started %5")
                                    .arg(shownTrace_, QLocale().toString(qint64(records.size())), formatMs(t.durationMs),
                                         QLocale().toString(tokens),
                                         QLocale().toString(QDateTime::fromMSecsSinceEpoch(t.startedAtMs).toLocalTime(), QLocale::ShortFormat)));
        Q_EMIT traceShown(shownTrace_);
    });
}

void TracesPage::refresh()
{
    const LogFilterParse p = parseLogFilter(filterEdit_->text(), QDateTime::currentDateTimeUtc());
    if (!p.ok())
        return;
    worker_->traces(++listTicket_, p.filter, kMaxTraces);
}

void TracesPage::showTrace(const QString& traceId)
{
    if (traceId.isEmpty())
        return;
    shownTrace_ = traceId;
    worker_->trace(++treeTicket_, traceId);
    if (const int row = list_->rowOf(traceId); row >= 0 && listView_->currentIndex().row() != row) {
        const QSignalBlocker block(listView_->selectionModel());
        listView_->selectRow(row);
    }
}

void TracesPage::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    refresh();
    liveTimer_.start();
}

void TracesPage::hideEvent(QHideEvent* event)
{
    QWidget::hideEvent(event);
    liveTimer_.stop();
}

} // namespace gatehouse
