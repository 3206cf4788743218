#include "main_window.h"

#include "gateway_failure_text.h"
#include "gateway_service.h"
#include "models/request_table_model.h"
#include "routing/circuit_changes.h"
#include "views/request_detail_view.h"

#include <QAction>
#include <QFontMetrics>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QCloseEvent>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>

#include <algorithm>

namespace gatehouse {

namespace {

constexpr int kAutoScrollIntervalMs = 100;

QString listeningUrl(const QString& baseUrl)
{
    // The base URL is http://host:port; clients point their OpenAI SDK at .../v1.
    if (baseUrl.endsWith(QLatin1String("/v1")) || baseUrl.endsWith(QLatin1String("/v1/")))
        return baseUrl;
    return baseUrl + (baseUrl.endsWith(QLatin1Char('/')) ? QStringLiteral("v1") : QStringLiteral("/v1"));
}

} // namespace

MainWindow::MainWindow(GatewayService* gateway, QWidget* parent)
    : QMainWindow(parent)
    , gateway_(gateway)
{
    setWindowTitle(QStringLiteral("Gatehouse"));
    resize(1200, 760);

    model_ = new RequestTableModel(this);
    proxy_ = new QSortFilterProxyModel(this);
    proxy_->setSourceModel(model_);
    proxy_->setSortRole(RequestTableModel::SortRole);
    proxy_->setFilterRole(RequestTableModel::FilterTextRole);
    proxy_->setFilterKeyColumn(0);   // FilterTextRole covers the whole row
    proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);

    scrollTimer_.setSingleShot(true);
    scrollTimer_.setInterval(kAutoScrollIntervalMs);
    connect(&scrollTimer_, &QTimer::timeout, this, &MainWindow::scrollToNewest);

    buildToolBar();
    buildCentral();
    {
        const QSettings settings;
        restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
        savedPage_ = settings.value(QStringLiteral("window/page")).toString();
    }
    buildStatusBar();
    connectGateway();
    updateCounts();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildToolBar()
{
    // Always visible, unlike the live list's own toolbar.
    auto* console = addToolBar(tr("Console"));
    console->setObjectName(QStringLiteral("consoleToolBar"));
    console->setMovable(false);
    console->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    connectAction_ = console->addAction(QIcon::fromTheme(QStringLiteral("network-connect")), tr("Connect\u2026"));
    connectAction_->setToolTip(tr("Code to point LangChain, the OpenAI SDKs, Portkey's SDK or curl at this gateway"));
    connect(connectAction_, &QAction::triggered, this, &MainWindow::connectRequested);
    settingsAction_ = console->addAction(QIcon::fromTheme(QStringLiteral("preferences-system")), tr("Settings\u2026"));
    settingsAction_->setShortcut(QKeySequence::Preferences);
    connect(settingsAction_, &QAction::triggered, this, &MainWindow::settingsRequested);

    auto* bar = liveToolBar_ = addToolBar(tr("Requests"));
    bar->setObjectName(QStringLiteral("requestsToolBar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);

    pauseAction_ = bar->addAction(QIcon::fromTheme(QStringLiteral("media-playback-pause")), tr("Pause"));
    pauseAction_->setCheckable(true);
    pauseAction_->setToolTip(tr("Pause live updates (new requests are kept and shown on resume)"));
    connect(pauseAction_, &QAction::toggled, this, &MainWindow::setPaused);

    clearAction_ = bar->addAction(QIcon::fromTheme(QStringLiteral("edit-clear-all")), tr("Clear"));
    clearAction_->setToolTip(tr("Clear the request list (the log store keeps its history)"));
    clearAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    connect(clearAction_, &QAction::triggered, this, &MainWindow::clearRequests);

    autoScrollAction_ = bar->addAction(QIcon::fromTheme(QStringLiteral("go-bottom")), tr("Auto-scroll"));
    autoScrollAction_->setCheckable(true);
    autoScrollAction_->setChecked(autoScroll_);
    autoScrollAction_->setToolTip(tr("Keep the newest request in view"));
    connect(autoScrollAction_, &QAction::toggled, this, &MainWindow::setAutoScroll);

    bar->addSeparator();

    filterEdit_ = new QLineEdit(bar);
    filterEdit_->setObjectName(QStringLiteral("requestFilter"));
    filterEdit_->setPlaceholderText(tr("Filter by provider, model, path, status or trace ID"));
    filterEdit_->setClearButtonEnabled(true);
    filterEdit_->setMinimumWidth(360);
    filterEdit_->setMaximumWidth(520);
    connect(filterEdit_, &QLineEdit::textChanged, this, &MainWindow::onFilterTextChanged);
    bar->addWidget(filterEdit_);

    auto* focusFilter = new QAction(this);
    focusFilter->setShortcut(QKeySequence::Find);
    connect(focusFilter, &QAction::triggered, filterEdit_, [this] {
        filterEdit_->setFocus(Qt::ShortcutFocusReason);
        filterEdit_->selectAll();
    });
    addAction(focusFilter);
}

void MainWindow::buildCentral()
{
    splitter_ = new QSplitter(Qt::Vertical, this);
    splitter_->setChildrenCollapsible(false);

    // Connected before the view (and its selection model) so these run first: when the current row is
    // evicted or filtered out, the selection model moves "current" to a neighbour inside the removal;
    // the detail pane keeps the record the user picked and the stale selection is dropped afterwards.
    connect(proxy_, &QAbstractItemModel::rowsAboutToBeRemoved, this, [this] { removingRows_ = true; });
    connect(proxy_, &QAbstractItemModel::rowsRemoved, this, [this] {
        removingRows_ = false;
        if (!currentLostInRemoval_)
            return;
        currentLostInRemoval_ = false;
        // (The view itself re-selects a neighbour in single-selection mode; that is undone too.)
        QMetaObject::invokeMethod(this, [this, serial = pickSerial_] {
            if (serial == pickSerial_)   // unless a row was picked meanwhile
                table_->selectionModel()->clear();
        }, Qt::QueuedConnection);
    });

    table_ = new QTableView(splitter_);
    table_->setObjectName(QStringLiteral("requestTable"));
    table_->setModel(proxy_);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setAlternatingRowColors(true);
    table_->setShowGrid(false);
    table_->setWordWrap(false);
    table_->setTextElideMode(Qt::ElideMiddle);   // ids and model names differ at the end
    table_->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    table_->verticalHeader()->hide();
    table_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 8);
    auto* header = table_->horizontalHeader();
    header->setHighlightSections(false);
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setStretchLastSection(true);
    header->setSortIndicator(-1, Qt::AscendingOrder);   // arrival order until the user sorts
    table_->setSortingEnabled(true);
    sizeColumns();

    detail_ = new RequestDetailView(splitter_);
    detail_->setObjectName(QStringLiteral("requestDetail"));

    splitter_->addWidget(table_);
    splitter_->addWidget(detail_);
    splitter_->setStretchFactor(0, 3);
    splitter_->setStretchFactor(1, 2);
    splitter_->setSizes({360, 340});
    pages_ = new QTabWidget(this);
    pages_->setObjectName(QStringLiteral("pages"));
    pages_->setDocumentMode(true);
    pages_->addTab(splitter_, tr("Live"));
    setCentralWidget(pages_);
    // The toolbar acts on the live list only.
    connect(pages_, &QTabWidget::currentChanged, this, [this](int index) { liveToolBar_->setVisible(index == 0); });

    connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current, const QModelIndex&) { onCurrentRowChanged(current); });
    // A model reset (clear) resets the selection model without signals.
    connect(model_, &QAbstractItemModel::modelReset, detail_, &RequestDetailView::clear);
    connect(proxy_, &QAbstractItemModel::rowsInserted, this, [this] {
        if (autoScroll_ && !scrollTimer_.isActive())
            scrollTimer_.start();
    });
    connect(proxy_, &QAbstractItemModel::rowsInserted, this, &MainWindow::updateCounts);
    connect(proxy_, &QAbstractItemModel::rowsRemoved, this, &MainWindow::updateCounts);
    connect(proxy_, &QAbstractItemModel::modelReset, this, &MainWindow::updateCounts);
    connect(proxy_, &QAbstractItemModel::layoutChanged, this, &MainWindow::updateCounts);
}

void MainWindow::sizeColumns()
{
    // Widths from the font, for typical values, so the common case fits without eliding.
    const QFontMetrics fm(table_->font());
    const int pad = 2 * fm.horizontalAdvance(QLatin1Char('M'));
    auto widthFor = [&](int column, const QString& sample) {
        const QString title = model_->headerData(column, Qt::Horizontal).toString();
        return std::max(fm.horizontalAdvance(sample), fm.horizontalAdvance(title)) + pad;
    };
    table_->setColumnWidth(RequestTableModel::TimeColumn, widthFor(RequestTableModel::TimeColumn,
                                                                   QStringLiteral("00:00:00.000")));
    table_->setColumnWidth(RequestTableModel::EndpointColumn, widthFor(RequestTableModel::EndpointColumn,
                                                                       QStringLiteral("POST /v1/chat/completions")));
    table_->setColumnWidth(RequestTableModel::ProviderColumn, widthFor(RequestTableModel::ProviderColumn,
                                                                       QStringLiteral("azure-openai")));
    table_->setColumnWidth(RequestTableModel::ModelColumn, widthFor(RequestTableModel::ModelColumn,
                                                                    QStringLiteral("claude-3-5-sonnet-20241022")));
    table_->setColumnWidth(RequestTableModel::StatusColumn, widthFor(RequestTableModel::StatusColumn,
                                                                     QStringLiteral("503")));
    table_->setColumnWidth(RequestTableModel::LatencyColumn, widthFor(RequestTableModel::LatencyColumn,
                                                                      QStringLiteral("12,345")));
    table_->setColumnWidth(RequestTableModel::TtfbColumn, widthFor(RequestTableModel::TtfbColumn,
                                                                   QStringLiteral("12,345")));
    table_->setColumnWidth(RequestTableModel::TokensColumn, widthFor(RequestTableModel::TokensColumn,
                                                                     QStringLiteral("1,234/567/1,801")));
    table_->setColumnWidth(RequestTableModel::StreamColumn, widthFor(RequestTableModel::StreamColumn,
                                                                     QStringLiteral("stream")));
}

void MainWindow::buildStatusBar()
{
    gatewayLabel_ = new QLabel(this);
    gatewayLabel_->setObjectName(QStringLiteral("gatewayStatus"));
    gatewayLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse);
    gatewayLabel_->setTextFormat(Qt::RichText);
    connect(gatewayLabel_, &QLabel::linkActivated, this, &MainWindow::connectRequested);
    statusBar()->addWidget(gatewayLabel_);
    fixButton_ = new QPushButton(tr("Settings\u2026"), this);
    fixButton_->setObjectName(QStringLiteral("gatewayFix"));
    fixButton_->hide();
    connect(fixButton_, &QPushButton::clicked, this, &MainWindow::settingsRequested);
    statusBar()->addWidget(fixButton_);
    statusBar()->addWidget(new QWidget(this), 1);   // the fix button sits beside the message

    problemLabel_ = new QLabel(this);
    problemLabel_->setObjectName(QStringLiteral("problemStatus"));
    problemLabel_->setStyleSheet(QStringLiteral("color: #b00020;"));
    problemLabel_->setContentsMargins(0, 0, 12, 0);
    problemLabel_->hide();
    statusBar()->addPermanentWidget(problemLabel_);

    queuedLabel_ = new QLabel(this);
    queuedLabel_->setObjectName(QStringLiteral("queuedStatus"));
    queuedLabel_->setContentsMargins(0, 0, 12, 0);
    queuedLabel_->hide();
    statusBar()->addPermanentWidget(queuedLabel_);

    circuitLabel_ = new QLabel(this);
    circuitLabel_->setObjectName(QStringLiteral("circuitStatus"));
    circuitLabel_->setTextFormat(Qt::RichText);
    circuitLabel_->setContentsMargins(0, 0, 12, 0);
    circuitLabel_->setToolTip(tr("Targets skipped by their circuit breaker; click for the Dashboard"));
    circuitLabel_->hide();
    connect(circuitLabel_, &QLabel::linkActivated, this, &MainWindow::circuitsRequested);
    statusBar()->addPermanentWidget(circuitLabel_);

    connectionsLabel_ = new QLabel(this);
    connectionsLabel_->setObjectName(QStringLiteral("clientConnections"));
    connectionsLabel_->setContentsMargins(0, 0, 12, 0);
    connectionsLabel_->setToolTip(tr("Client connections open to the gateway now, idle keep-alive ones included"));
    connectionsLabel_->hide();   // while the gateway runs
    statusBar()->addPermanentWidget(connectionsLabel_);

    countsLabel_ = new QLabel(this);
    countsLabel_->setObjectName(QStringLiteral("requestCounts"));
    statusBar()->addPermanentWidget(countsLabel_);
}

int MainWindow::addPage(QWidget* page, const QString& title)
{
    const int index = pages_->addTab(page, title);
    if (title == savedPage_)
        pages_->setCurrentIndex(index);   // the page the user left the window on
    return index;
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/page"), pages_->tabText(pages_->currentIndex()));
    QMainWindow::closeEvent(event);
}

void MainWindow::showProblem(const QString& message)
{
    problemLabel_->setText(QFontMetrics(problemLabel_->font()).elidedText(message, Qt::ElideRight, 420));
    problemLabel_->setToolTip(message);
    problemLabel_->show();
}

void MainWindow::connectGateway()
{
    if (!gateway_) {
        setGatewayStatus(tr("No gateway"), false);
        return;
    }
    connect(gateway_, &GatewayService::recordsReady, this, &MainWindow::addRecords);
    connect(gateway_, &GatewayService::started, this, &MainWindow::onGatewayStarted);
    connect(gateway_, &GatewayService::failed, this, &MainWindow::onGatewayFailed);
    connect(gateway_, &GatewayService::stopped, this, &MainWindow::onGatewayStopped);
    connect(gateway_, &GatewayService::circuitsChanged, this, [this](const CircuitSnapshot& circuits) {
        const QString summary = circuits ? circuitSummary(*circuits) : QString();
        circuitLabel_->setText(QStringLiteral("<a href=\"circuits\" style=\"color:#c62828\">%1</a>").arg(summary.toHtmlEscaped()));
        circuitLabel_->setVisible(!summary.isEmpty());
    });
    connect(gateway_, &GatewayService::connectionsChanged, this, &MainWindow::showConnections);
    if (gateway_->isRunning())
        onGatewayStarted(gateway_->baseUrl());
    else
        setGatewayStatus(tr("Gateway not running"), false);
}

void MainWindow::onGatewayStarted(const QString& baseUrl)
{
    const QString url = listeningUrl(baseUrl);
    setGatewayStatus(tr("Gateway listening on %1").arg(url), false);
    gatewayLabel_->setText(tr("Gateway listening on %1").arg(QStringLiteral("<a href=\"connect\">%1</a>").arg(url.toHtmlEscaped())));
    gatewayLabel_->setToolTip(tr("Click the address for client code (Connect)"));
    showConnections(0);
}

void MainWindow::showConnections(int count)
{
    connectionsLabel_->setText(count == 1 ? tr("1 connection") : tr("%1 connections").arg(QLocale().toString(count)));
    connectionsLabel_->show();
}

void MainWindow::onGatewayFailed(const QString& message)
{
    const auto& s = gateway_->settings();
    const GatewayFailureText failure = describeGatewayFailure(message, s.port, s.bindAddress);
    setGatewayStatus(tr("Gateway failed: %1").arg(failure.text), true);
    connectionsLabel_->hide();
    gatewayLabel_->setToolTip(message);
    fixButton_->setVisible(failure.settingsFix);
}

void MainWindow::onGatewayStopped()
{
    setGatewayStatus(tr("Gateway stopped"), false);
    connectionsLabel_->hide();
}

void MainWindow::setGatewayStatus(const QString& text, bool error)
{
    gatewayStatus_ = text;
    gatewayLabel_->setText(text.toHtmlEscaped());
    gatewayLabel_->setStyleSheet(error ? QStringLiteral("color: #c62828;") : QString());
    gatewayLabel_->setToolTip(QString());
    fixButton_->hide();
}

QString MainWindow::gatewayStatusText() const
{
    return gatewayStatus_;
}

bool MainWindow::isPaused() const
{
    return model_->isPaused();
}

void MainWindow::addRecords(const RecordBatch& batch)
{
    if (!batch || batch->empty())
        return;
    requestCount_ += static_cast<qint64>(batch->size());
    errorCount_ += std::count_if(batch->begin(), batch->end(), [](const RequestRecord& r) {
        return RequestTableModel::isError(r);
    });
    model_->appendBatch(batch);
    updateCounts();
}

void MainWindow::setPaused(bool paused)
{
    if (pauseAction_->isChecked() != paused) {
        pauseAction_->setChecked(paused);   // comes back here through toggled()
        return;
    }
    pauseAction_->setText(paused ? tr("Resume") : tr("Pause"));
    pauseAction_->setIcon(QIcon::fromTheme(paused ? QStringLiteral("media-playback-start")
                                                  : QStringLiteral("media-playback-pause")));
    model_->setPaused(paused);
    updateCounts();
}

void MainWindow::setAutoScroll(bool on)
{
    if (autoScrollAction_->isChecked() != on) {
        autoScrollAction_->setChecked(on);   // comes back here through toggled()
        return;
    }
    autoScroll_ = on;
    if (on)
        scrollTimer_.start();
    else
        scrollTimer_.stop();
}

void MainWindow::clearRequests()
{
    model_->clear();
    detail_->clear();
    requestCount_ = 0;
    errorCount_ = 0;
    updateCounts();
}

void MainWindow::onCurrentRowChanged(const QModelIndex& current)
{
    if (removingRows_) {
        currentLostInRemoval_ = true;
        return;
    }
    // The pane shows the last row picked; losing the current row (eviction, filter) keeps it. Clear
    // empties it explicitly.
    const QModelIndex source = proxy_->mapToSource(current);
    if (source.isValid()) {
        ++pickSerial_;
        detail_->showRecord(model_->recordAt(source.row()));
    }
}

void MainWindow::onFilterTextChanged(const QString& text)
{
    proxy_->setFilterFixedString(text.trimmed());
    updateCounts();
    if (autoScroll_)
        scrollTimer_.start();
}

void MainWindow::scrollToNewest()
{
    const int rows = model_->rowCount();
    if (rows == 0)
        return;
    // The newest record is the last source row; with sorting it may sit anywhere in the view.
    const QModelIndex newest = proxy_->mapFromSource(model_->index(rows - 1, 0));
    if (newest.isValid())
        table_->scrollTo(newest, QAbstractItemView::PositionAtBottom);
    else
        table_->scrollToBottom();
}

QString MainWindow::countsText() const
{
    return countsLabel_->text();
}

void MainWindow::updateCounts()
{
    const QLocale locale;
    QString text = (requestCount_ == 1 ? tr("1 request") : tr("%1 requests").arg(locale.toString(requestCount_)))
                 + QStringLiteral(" \u00b7 ")
                 + (errorCount_ == 1 ? tr("1 error") : tr("%1 errors").arg(locale.toString(errorCount_)));
    const int shown = proxy_->rowCount();
    if (!proxy_->filterRegularExpression().pattern().isEmpty())
        text += tr(" \u00b7 %1 of %2 shown").arg(locale.toString(shown), locale.toString(model_->rowCount()));
    countsLabel_->setText(text);

    if (model_->isPaused()) {
        queuedLabel_->setText(tr("Paused \u00b7 %1 new").arg(locale.toString(model_->pendingCount())));
        queuedLabel_->show();
    } else {
        queuedLabel_->setContentsMargins(0, 0, 12, 0);
    queuedLabel_->hide();
    }
}

} // namespace gatehouse
