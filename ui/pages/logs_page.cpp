#include "pages/logs_page.h"

#include "gateway_service.h"
#include "log_query_worker.h"
#include "models/log_table_model.h"
#include "observability/curl_command.h"
#include "observability/log_filter_syntax.h"
#include "views/request_detail_view.h"

#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace gatehouse {

LogsPage::LogsPage(LogQueryWorker* worker, GatewayService* gateway, QWidget* parent)
    : QWidget(parent)
    , worker_(worker)
    , gateway_(gateway)
{
    model_ = new LogTableModel(worker_, this);

    filterEdit_ = new QLineEdit(this);
    filterEdit_->setObjectName(QStringLiteral("logFilter"));
    filterEdit_->setClearButtonEnabled(true);
    filterEdit_->setPlaceholderText(tr("provider:openai status:5xx model:gpt-4o since:1h meta.env:prod words in the prompt or answer"));
    filterEdit_->setToolTip(tr("Fields: %1. Values with spaces in double quotes. Other words search the bodies.")
                                .arg(logFilterFields().join(QStringLiteral(", "))));
    filterError_ = new QLabel(this);
    filterError_->setObjectName(QStringLiteral("logFilterError"));
    filterError_->setStyleSheet(QStringLiteral("color: #b00020;"));
    filterError_->hide();

    liveButton_ = new QToolButton(this);
    liveButton_->setText(tr("Live"));
    liveButton_->setCheckable(true);
    liveButton_->setChecked(true);
    liveButton_->setToolTip(tr("Add new requests at the top as they are stored"));
    auto* refreshButton = new QToolButton(this);
    refreshButton->setText(tr("Refresh"));
    statusLabel_ = new QLabel(this);
    statusLabel_->setObjectName(QStringLiteral("logStatus"));

    auto* bar = new QHBoxLayout;
    bar->addWidget(filterEdit_, 1);
    bar->addWidget(liveButton_);
    bar->addWidget(refreshButton);
    auto* exportButton = new QToolButton(this);
    exportButton->setObjectName(QStringLiteral("exportLogs"));
    exportButton->setText(tr("Export\u2026"));
    exportButton->setToolTip(tr("Save the requests the filter matches as JSON lines or CSV"));
    bar->addWidget(exportButton);
    bar->addWidget(statusLabel_);

    table_ = new QTableView(this);
    table_->setObjectName(QStringLiteral("logTable"));
    table_->setModel(model_);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setAlternatingRowColors(true);
    table_->setShowGrid(false);
    table_->setWordWrap(false);
    table_->setTextElideMode(Qt::ElideMiddle);
    table_->verticalHeader()->hide();
    table_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 8);
    table_->horizontalHeader()->setStretchLastSection(true);
    const QFontMetrics fm(table_->font());
    const int pad = 2 * fm.horizontalAdvance(QLatin1Char('M'));
    table_->setColumnWidth(LogTableModel::TimeColumn, fm.horizontalAdvance(QStringLiteral("2026-11-25 00:00:00.000")) + pad);
    table_->setColumnWidth(LogTableModel::EndpointColumn, fm.horizontalAdvance(QStringLiteral("POST /v1/chat/completions")) + pad);
    table_->setColumnWidth(LogTableModel::ProviderColumn, fm.horizontalAdvance(QStringLiteral("azure-openai")) + pad);
    table_->setColumnWidth(LogTableModel::ModelColumn, fm.horizontalAdvance(QStringLiteral("claude-3-5-sonnet-20241022")) + pad);
    table_->setColumnWidth(LogTableModel::StatusColumn, fm.horizontalAdvance(QStringLiteral("Status")) + pad);
    table_->setColumnWidth(LogTableModel::LatencyColumn, fm.horizontalAdvance(QStringLiteral("Latency (ms)")) + pad);
    table_->setColumnWidth(LogTableModel::TokensColumn, fm.horizontalAdvance(QStringLiteral("1,234/567/1,801")) + pad);

    detail_ = new RequestDetailView(this);
    curlButton_ = new QPushButton(tr("Copy as curl"), this);
    curlButton_->setObjectName(QStringLiteral("copyCurl"));
    curlButton_->setEnabled(false);
    traceButton_ = new QPushButton(tr("Open trace"), this);
    traceButton_->setObjectName(QStringLiteral("openTrace"));
    traceButton_->setEnabled(false);
    auto* actions = new QHBoxLayout;
    actions->addStretch(1);
    actions->addWidget(traceButton_);
    actions->addWidget(curlButton_);
    auto* detailBox = new QWidget(this);
    auto* detailLayout = new QVBoxLayout(detailBox);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->addLayout(actions);
    detailLayout->addWidget(detail_, 1);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(table_);
    splitter->addWidget(detailBox);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(filterError_);
    layout->addWidget(splitter, 1);

    filterDelay_.setSingleShot(true);
    filterDelay_.setInterval(300);
    connect(&filterDelay_, &QTimer::timeout, this, &LogsPage::applyFilter);
    connect(filterEdit_, &QLineEdit::textChanged, this, [this](const QString& text) {
        // Checked on every keystroke, applied once typing pauses.
        const LogFilterParse p = parseLogFilter(text, QDateTime::currentDateTimeUtc());
        filterError_->setVisible(!p.ok());
        filterError_->setText(p.error);
        filterEdit_->setStyleSheet(p.ok() ? QString() : QStringLiteral("QLineEdit { border: 1px solid #b00020; }"));
        if (p.ok())
            filterDelay_.start();
        else
            filterDelay_.stop();
    });
    connect(filterEdit_, &QLineEdit::returnPressed, this, &LogsPage::applyFilter);
    connect(refreshButton, &QToolButton::clicked, this, &LogsPage::refresh);
    connect(exportButton, &QToolButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export requests"), QStringLiteral("gatehouse-requests.jsonl"),
                                                          tr("JSON lines (*.jsonl);;CSV (*.csv)"));
        if (!path.isEmpty())
            exportTo(path);
    });
    connect(worker_, &LogQueryWorker::exported, this, [this](quint64 ticket, qint64 rows, const QString& error) {
        if (ticket != exportTicket_)
            return;
        statusLabel_->setText(error.isEmpty() ? tr("exported %1 requests").arg(QLocale().toString(rows)) : error);
        Q_EMIT exportFinished(rows, error);
    });
    connect(liveButton_, &QToolButton::toggled, this, [this](bool on) {
        if (on && isVisible())
            liveTimer_.start();
        else
            liveTimer_.stop();
    });
    liveTimer_.setInterval(kLiveIntervalMs);
    connect(&liveTimer_, &QTimer::timeout, model_, &LogTableModel::refreshNewer);
    connect(model_, &LogTableModel::loaded, this, &LogsPage::updateStatus);
    connect(model_, &QAbstractItemModel::modelReset, this, [this] {
        detail_->clear();
        shownRowId_ = -1;
        curlButton_->setEnabled(false);
        traceButton_->setEnabled(false);
        updateStatus();
    });
    connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) { onCurrentChanged(current.isValid() ? current.row() : -1); });
    connect(worker_, &LogQueryWorker::recordReady, this, [this](quint64 ticket, const std::optional<RequestRecord>& record) {
        if (ticket == recordTicket_ && record)
            showRecord(*record);
    });
    connect(curlButton_, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(shownCurl_); });
    connect(traceButton_, &QPushButton::clicked, this, [this] { Q_EMIT openTrace(shownTrace_); });

    model_->setFilter({});
}

bool LogsPage::isLive() const
{
    return liveButton_->isChecked();
}

void LogsPage::setLive(bool live)
{
    liveButton_->setChecked(live);
}

void LogsPage::applyFilter()
{
    filterDelay_.stop();
    const LogFilterParse p = parseLogFilter(filterEdit_->text(), QDateTime::currentDateTimeUtc());
    if (!p.ok())
        return;   // the error is on screen; the table keeps the last valid filter
    model_->setFilter(p.filter);
}

void LogsPage::refresh()
{
    model_->setFilter(model_->filter());
}

void LogsPage::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (isLive()) {
        model_->refreshNewer();
        liveTimer_.start();
    }
}

void LogsPage::hideEvent(QHideEvent* event)
{
    QWidget::hideEvent(event);
    liveTimer_.stop();   // nothing to update while nobody looks
}

void LogsPage::onCurrentChanged(int row)
{
    if (row < 0 || row >= model_->rowCount())
        return;
    const qint64 rowId = model_->rowIdAt(row);
    if (rowId == shownRowId_)
        return;
    shownRowId_ = rowId;
    showRecord(model_->recordAt(row));   // at once without bodies; the full record follows
    worker_->record(++recordTicket_, rowId);
}

void LogsPage::showRecord(const RequestRecord& record)
{
    detail_->showRecord(record);
    shownCurl_ = curlCommand(record, gateway_ && gateway_->isRunning() ? gateway_->baseUrl() : QStringLiteral("http://127.0.0.1:8787"));
    shownTrace_ = record.traceId;
    curlButton_->setEnabled(true);
    traceButton_->setEnabled(!shownTrace_.isEmpty());
}

void LogsPage::exportTo(const QString& path)
{
    LogExportOptions options;
    options.format = path.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive) ? LogExportFormat::Csv : LogExportFormat::JsonLines;
    statusLabel_->setText(tr("exporting\u2026"));
    worker_->exportTo(++exportTicket_, model_->filter(), path, options);
}

QString LogsPage::curlForCurrent() const
{
    return shownCurl_;
}

void LogsPage::updateStatus()
{
    const QLocale l;
    statusLabel_->setText(model_->hasMore() ? tr("%1 shown, more on scroll").arg(l.toString(model_->rowCount()))
                                            : tr("%1 requests").arg(l.toString(model_->rowCount())));
}

} // namespace gatehouse
