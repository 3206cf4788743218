#include "pages/dashboard_page.h"

#include "duration_format.h"
#include "models/dashboard_group_model.h"
#include "pages/dashboard_worker.h"
#include "pages/refresh_throttle.h"
#include "views/stat_tile.h"
#include "views/time_series_chart.h"

#include <QComboBox>
#include <QDateTime>
#include "views/circuit_panel.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

#include <iterator>

namespace gatehouse {

namespace {

// Tableau 10: distinct hues that stay readable on a light background; grey is kept for "other".
const QColor kPalette[] = {QColor(0x4e79a7), QColor(0xf28e2b), QColor(0x59a14f), QColor(0xe15759),
                           QColor(0x76b7b2), QColor(0xedc948), QColor(0xb07aa1), QColor(0xff9da7),
                           QColor(0x9c755f)};
const QColor kOther(0xbab0ac);

QString rangeName(DashboardRange r)
{
    switch (r) {
    case DashboardRange::Last15Minutes: return DashboardPage::tr("last 15 minutes");
    case DashboardRange::LastHour: return DashboardPage::tr("last hour");
    case DashboardRange::Last6Hours: return DashboardPage::tr("last 6 hours");
    case DashboardRange::Last24Hours: return DashboardPage::tr("last 24 hours");
    case DashboardRange::Last7Days: return DashboardPage::tr("last 7 days");
    }
    return {};
}

QString bucketName(qint64 bucketMs)
{
    const qint64 minutes = bucketMs / 60'000;
    return minutes >= 60 ? DashboardPage::tr("per hour") : minutes == 1 ? DashboardPage::tr("per minute")
                                                                        : DashboardPage::tr("per %1 minutes").arg(minutes);
}

// 12,345 up to a million, then 1.2M: headline numbers stay short.
QString compact(qint64 n)
{
    const QLocale locale;
    if (n < 1'000'000)
        return locale.toString(n);
    if (n < 1'000'000'000)
        return locale.toString(double(n) / 1e6, 'f', 1) + QLatin1Char('M');
    return locale.toString(double(n) / 1e9, 'f', 1) + QLatin1Char('G');
}

double percent(qint64 part, qint64 whole) { return whole > 0 ? 100.0 * double(part) / double(whole) : 0.0; }

QString groupKey(const GroupBy& g)
{
    switch (g.kind) {
    case GroupBy::Kind::Provider: return QStringLiteral("provider");
    case GroupBy::Kind::Model: return QStringLiteral("model");
    case GroupBy::Kind::Metadata: return QStringLiteral("meta:") + g.metadataKey;
    case GroupBy::Kind::None: break;
    }
    return QStringLiteral("none");
}

bool sameGroupBy(const GroupBy& a, const GroupBy& b) { return a.kind == b.kind && a.metadataKey == b.metadataKey; }

} // namespace

DashboardPage::DashboardPage(const QString& logPath, QWidget* parent)
    : QWidget(parent)
    , logPath_(logPath)
    , now_([] { return QDateTime::currentMSecsSinceEpoch(); })
{
    qRegisterMetaType<DashboardQuery>();
    qRegisterMetaType<DashboardData>();

    auto* layout = new QVBoxLayout(this);
    auto* bar = new QWidget(this);
    buildControls(bar);
    layout->addWidget(bar);

    stack_ = new QStackedWidget(this);
    emptyLabel_ = new QLabel(stack_);
    emptyLabel_->setAlignment(Qt::AlignCenter);
    emptyLabel_->setWordWrap(true);
    emptyLabel_->setMargin(24);
    stack_->addWidget(emptyLabel_);

    content_ = new QWidget(stack_);
    auto* contentLayout = new QVBoxLayout(content_);
    contentLayout->setContentsMargins(0, 0, 0, 0);
    auto* tiles = new QHBoxLayout;
    requestsTile_ = new StatTile(tr("Requests"), content_);
    errorsTile_ = new StatTile(tr("Error rate"), content_);
    latencyTile_ = new StatTile(tr("Latency p95"), content_);
    tokensTile_ = new StatTile(tr("Tokens"), content_);
    costTile_ = new StatTile(tr("Cost"), content_);
    cacheTile_ = new StatTile(tr("Cache hit rate"), content_);
    manageCache_ = cacheTile_->addActionButton(tr("Manage cache…"));
    connect(manageCache_, &QPushButton::clicked, this, &DashboardPage::manageCacheRequested);
    for (StatTile* t : {requestsTile_, errorsTile_, latencyTile_, tokensTile_, costTile_, cacheTile_})
        tiles->addWidget(t);
    contentLayout->addLayout(tiles);

    auto* splitter = new QSplitter(Qt::Vertical, content_);
    auto* charts = new QWidget(splitter);
    auto* grid = new QGridLayout(charts);
    grid->setContentsMargins(0, 0, 0, 0);
    requestsChart_ = new TimeSeriesChart(tr("Requests"), tr("requests"), charts);
    errorsChart_ = new TimeSeriesChart(tr("Error rate"), tr("% of requests"), charts);
    errorsChart_->setFixedMax(100);
    latencyChart_ = new TimeSeriesChart(tr("Latency"), tr("ms"), charts);
    tokensChart_ = new TimeSeriesChart(tr("Tokens"), tr("tokens"), charts);
    requestsChart_->setIntegral(true);
    tokensChart_->setIntegral(true);
    grid->addWidget(requestsChart_, 0, 0);
    grid->addWidget(errorsChart_, 0, 1);
    grid->addWidget(latencyChart_, 1, 0);
    grid->addWidget(tokensChart_, 1, 1);
    splitter->addWidget(charts);

    // Below the charts: the breakdown, and beside it the circuit breakers once one exists. With the
    // log off there is no breakdown, and the breakers sit under the empty-state text instead.
    auto* bottom = new QSplitter(Qt::Horizontal, splitter);
    circuits_ = new CircuitPanel(this);
    groupModel_ = new DashboardGroupModel(this);
    groupTable_ = new QTableView(bottom);
    groupTable_->setModel(groupModel_);
    groupTable_->verticalHeader()->hide();
    groupTable_->setSelectionBehavior(QAbstractItemView::SelectRows);
    groupTable_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    groupTable_->horizontalHeader()->setSectionResizeMode(DashboardGroupModel::GroupColumn, QHeaderView::Stretch);
    // Room for the header and about six groups plus "other" before it scrolls.
    groupTable_->setMinimumHeight(groupTable_->horizontalHeader()->sizeHint().height()
                                  + 7 * groupTable_->verticalHeader()->defaultSectionSize() + 4);
    bottom->addWidget(groupTable_);
    if (!logPath.isEmpty())
        bottom->addWidget(circuits_);
    bottom->setStretchFactor(0, 3);
    bottom->setStretchFactor(1, 2);
    bottom->setChildrenCollapsible(false);
    splitter->addWidget(bottom);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    splitter->setChildrenCollapsible(false);
    contentLayout->addWidget(splitter, 1);
    // Tiles, four charts and the breakdown need more height than a laptop screen leaves the window:
    // they scroll instead of making the window taller than the screen.
    contentScroll_ = new QScrollArea(stack_);
    contentScroll_->setFrameShape(QFrame::NoFrame);
    contentScroll_->setWidgetResizable(true);
    contentScroll_->setWidget(content_);
    stack_->addWidget(contentScroll_);
    layout->addWidget(stack_, 1);
    if (logPath.isEmpty())
        layout->addWidget(circuits_);   // live from the gateway, so shown even when the log is off

    throttle_ = new RefreshThrottle(kLiveIntervalMs, {}, this);
    connect(throttle_, &RefreshThrottle::fire, this, &DashboardPage::refresh);
    clockTick_.setInterval(30'000);
    connect(&clockTick_, &QTimer::timeout, throttle_, &RefreshThrottle::request);

    if (logPath_.isEmpty()) {
        showEmptyState(tr("The request log is off, so there is nothing to chart.\n"
                          "Start Gatehouse without --no-request-log (and with logs/enabled=true) to record requests."));
        rangeCombo_->setEnabled(false);
        groupCombo_->setEnabled(false);
        return;
    }
    showEmptyState(tr("Loading…"));
    worker_ = new DashboardWorker(logPath_);
    worker_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    connect(worker_, &DashboardWorker::loaded, this, &DashboardPage::onLoaded);   // queued: other thread
    thread_.setObjectName(QStringLiteral("gatehouse-dashboard"));
    thread_.start(QThread::LowPriority);
    throttle_->request();   // the first load, as soon as the page is shown
}

DashboardPage::~DashboardPage()
{
    // A query in flight finishes first (its result is dropped with the page).
    thread_.quit();
    thread_.wait();
}

void DashboardPage::buildControls(QWidget* bar)
{
    auto* row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    rangeCombo_ = new QComboBox(bar);
    for (DashboardRange r : {DashboardRange::Last15Minutes, DashboardRange::LastHour, DashboardRange::Last6Hours,
                             DashboardRange::Last24Hours, DashboardRange::Last7Days})
        rangeCombo_->addItem(rangeName(r), int(r));
    rangeCombo_->setCurrentIndex(rangeCombo_->findData(int(range_)));
    connect(rangeCombo_, &QComboBox::activated, this,
            [this](int index) { setRange(DashboardRange(rangeCombo_->itemData(index).toInt())); });

    groupCombo_ = new QComboBox(bar);
    groupCombo_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    updateGroupChoices({});
    connect(groupCombo_, &QComboBox::activated, this, [this](int index) {
        const QString key = groupCombo_->itemData(index).toString();
        if (key == QLatin1String("model"))
            setGroupBy(GroupBy::model());
        else if (key.startsWith(QLatin1String("meta:")))
            setGroupBy(GroupBy::metadata(key.mid(5)));
        else
            setGroupBy(GroupBy::provider());
    });

    updatedLabel_ = new QLabel(bar);
    auto* refreshButton = new QPushButton(QIcon::fromTheme(QStringLiteral("view-refresh")), tr("Refresh"), bar);
    connect(refreshButton, &QPushButton::clicked, this, &DashboardPage::refresh);
    refreshButton->setEnabled(!logPath_.isEmpty());

    row->addWidget(new QLabel(tr("Range:"), bar));
    row->addWidget(rangeCombo_);
    row->addSpacing(12);
    row->addWidget(new QLabel(tr("Break down by:"), bar));
    row->addWidget(groupCombo_);
    row->addStretch(1);
    row->addWidget(updatedLabel_);
    row->addWidget(refreshButton);
}

void DashboardPage::setClock(std::function<qint64()> nowMs)
{
    now_ = std::move(nowMs);
}

void DashboardPage::setRange(DashboardRange range)
{
    rangeCombo_->setCurrentIndex(rangeCombo_->findData(int(range)));
    if (range_ == range)
        return;
    range_ = range;
    refresh();
}

void DashboardPage::setGroupBy(const GroupBy& groupBy)
{
    if (sameGroupBy(groupBy_, groupBy))
        return;
    groupBy_ = groupBy;
    updateGroupChoices(data_.metadataKeys);
    refresh();
}

void DashboardPage::updateGroupChoices(const QStringList& metadataKeys)
{
    QStringList keys = metadataKeys;
    if (groupBy_.kind == GroupBy::Kind::Metadata && !keys.contains(groupBy_.metadataKey))
        keys << groupBy_.metadataKey;   // keep the user's choice even if its key left the range
    QStringList wanted{QStringLiteral("provider"), QStringLiteral("model")};
    for (const QString& k : keys)
        wanted << QStringLiteral("meta:") + k;
    QStringList have;
    for (int i = 0; i < groupCombo_->count(); ++i)
        have << groupCombo_->itemData(i).toString();
    if (have != wanted) {
        const QSignalBlocker block(groupCombo_);
        groupCombo_->clear();
        groupCombo_->addItem(tr("provider"), wanted[0]);
        groupCombo_->addItem(tr("model"), wanted[1]);
        for (const QString& k : keys)
            groupCombo_->addItem(tr("metadata: %1").arg(k), QStringLiteral("meta:") + k);
    }
    groupCombo_->setCurrentIndex(std::max(0, groupCombo_->findData(groupKey(groupBy_))));
}

void DashboardPage::refresh()
{
    if (!worker_)
        return;
    if (inFlight_) {
        pending_ = true;
        return;
    }
    inFlight_ = true;
    DashboardQuery q;
    q.range = range_;
    q.groupBy = groupBy_;
    q.nowMs = now_();
    QMetaObject::invokeMethod(worker_, [w = worker_, q] { w->load(q); }, Qt::QueuedConnection);
}

void DashboardPage::notifyRecordsWritten()
{
    throttle_->request();
}

void DashboardPage::onLoaded(const DashboardData& data)
{
    inFlight_ = false;
    // A result for a range or grouping the user has since left is not shown; the newer query follows.
    const bool current = data.query.range == range_ && sameGroupBy(data.query.groupBy, groupBy_);
    if (current)
        apply(data);
    if (pending_ || !current) {
        pending_ = false;
        refresh();
    }
    if (current)
        Q_EMIT refreshed();
}

void DashboardPage::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (!worker_)
        return;
    throttle_->setActive(true);
    clockTick_.start();
}

void DashboardPage::hideEvent(QHideEvent* event)
{
    QWidget::hideEvent(event);
    throttle_->setActive(false);
    clockTick_.stop();
}

void DashboardPage::showEmptyState(const QString& text)
{
    emptyLabel_->setText(text);
    stack_->setCurrentWidget(emptyLabel_);
}

bool DashboardPage::isShowingEmptyState() const { return stack_->currentWidget() == emptyLabel_; }
QString DashboardPage::emptyStateText() const { return isShowingEmptyState() ? emptyLabel_->text() : QString(); }

void DashboardPage::apply(const DashboardData& d)
{
    data_ = d;
    updateGroupChoices(d.metadataKeys);
    const QLocale locale;
    updatedLabel_->setText(tr("Updated %1").arg(locale.toString(QDateTime::fromMSecsSinceEpoch(d.query.nowMs).time(),
                                                                QStringLiteral("HH:mm:ss"))));
    if (!d.error.isEmpty()) {
        showEmptyState(tr("The request log cannot be read:\n%1").arg(d.error));
        return;
    }
    if (d.isEmpty()) {
        showEmptyState(tr("No requests in the %1.\nRequests sent through the gateway appear here within a few seconds.")
                           .arg(rangeName(d.query.range)));
        return;
    }
    stack_->setCurrentWidget(contentScroll_);

    const MinuteStats& t = d.totals;
    requestsTile_->setValue(compact(t.count), tr("%1, %2").arg(rangeName(d.query.range), bucketName(d.bucketMs)));
    errorsTile_->setValue(locale.toString(percent(t.errors, t.count), 'f', 1) + QLatin1Char('%'),
                          tr("%1 errors: %2 4xx, %3 5xx, %4 no answer")
                              .arg(compact(t.errors), compact(t.clientErrors), compact(t.serverErrors),
                                   compact(t.errors - t.clientErrors - t.serverErrors)));
    latencyTile_->setValue(formatMs(t.p95Ms) + QStringLiteral(" ms"),
                           tr("p50 %1 ms, p99 %2 ms").arg(formatMs(t.p50Ms), formatMs(t.p99Ms)));
    tokensTile_->setValue(compact(t.promptTokens + t.completionTokens),
                          tr("%1 prompt, %2 completion").arg(compact(t.promptTokens), compact(t.completionTokens)));
    // Requests to models without a catalog price add nothing; the detail says how many were priced.
    costTile_->setValue(formatCostUsd(t.costUsd, t.priced),
                        t.priced > 0 ? tr("%1 of %2 requests priced").arg(compact(t.priced), compact(t.count))
                                     : tr("no request had a known price"));
    // Hit rate among the requests the cache was asked about; requests with caching off do not dilute it.
    cacheTile_->setValue(t.cacheLookups > 0 ? locale.toString(percent(t.cacheHits, t.cacheLookups), 'f', 1) + QLatin1Char('%')
                                            : QStringLiteral("—"),
                         t.cacheLookups > 0 ? tr("%1 of %2 cached, saved %3")
                                                  .arg(compact(t.cacheHits), compact(t.cacheLookups),
                                                       formatCostUsd(t.cacheSavedUsd, t.cacheHitsPriced))
                                            : tr("no request used the cache"));

    const std::size_t n = d.buckets.size();
    const auto column = [&](auto field) {
        std::vector<double> v(n);
        for (std::size_t i = 0; i < n; ++i)
            v[i] = field(d.buckets[i]);
        return v;
    };
    std::vector<bool> hasRequests(n);
    for (std::size_t i = 0; i < n; ++i)
        hasRequests[i] = d.buckets[i].count > 0;
    // Requests by group (stacked), or the total when there are no groups.
    std::vector<ChartSeries> requests;
    std::size_t colour = 0;
    for (const DashboardGroup& g : d.groups)
        requests.push_back({DashboardGroupModel::label(g, d.query.groupBy.kind),
                            std::vector<double>(g.counts.begin(), g.counts.end()),
                            g.other ? kOther : kPalette[colour++ % std::size(kPalette)], {}});
    if (requests.empty())
        requests.push_back({tr("all"), column([](const MinuteStats& s) { return double(s.count); }), kPalette[0], {}});
    requestsChart_->chart()->setTitle(tr("Requests %1").arg(bucketName(d.bucketMs)));
    requestsChart_->setSeries(d.fromMs, d.bucketMs, requests, TimeSeriesChart::Style::StackedAreas);

    errorsChart_->setSeries(d.fromMs, d.bucketMs,
                            {{tr("all errors"), column([](const MinuteStats& s) { return percent(s.errors, s.count); }), kPalette[3], hasRequests},
                             {tr("4xx"), column([](const MinuteStats& s) { return percent(s.clientErrors, s.count); }), kPalette[1], hasRequests},
                             {tr("5xx"), column([](const MinuteStats& s) { return percent(s.serverErrors, s.count); }), kPalette[6], hasRequests}},
                            TimeSeriesChart::Style::Lines);
    latencyChart_->setSeries(d.fromMs, d.bucketMs,
                             {{tr("p50"), column([](const MinuteStats& s) { return s.p50Ms; }), kPalette[2], hasRequests},
                              {tr("p95"), column([](const MinuteStats& s) { return s.p95Ms; }), kPalette[1], hasRequests},
                              {tr("p99"), column([](const MinuteStats& s) { return s.p99Ms; }), kPalette[3], hasRequests}},
                             TimeSeriesChart::Style::Lines);
    tokensChart_->setSeries(d.fromMs, d.bucketMs,
                            {{tr("prompt"), column([](const MinuteStats& s) { return double(s.promptTokens); }), kPalette[0], {}},
                             {tr("completion"), column([](const MinuteStats& s) { return double(s.completionTokens); }), kPalette[4], {}}},
                            TimeSeriesChart::Style::StackedAreas);

    groupModel_->setGroups(d.groups, t.count, d.query.groupBy.kind);
}

} // namespace gatehouse
