// DashboardPage over a real request log: the headline numbers, the charted buckets and the breakdown
// are checked against values computed here from the generated records themselves. Also the empty
// states, live refresh from LogStore::recordsWritten, and a screenshot for people to look at
// (GATEHOUSE_SCREENSHOT_DIR, else the temp dir).
#include "../core/observability/log_test_records.h"

#include "duration_format.h"
#include "models/dashboard_group_model.h"
#include "observability/log_store.h"
#include "pages/dashboard_page.h"
#include "pages/refresh_throttle.h"
#include "models/circuit_table_model.h"
#include "views/circuit_panel.h"
#include "views/stat_tile.h"
#include "views/time_series_chart.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QTableView>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QValueAxis>

#include <algorithm>
#include <map>

using namespace gatehouse;
using namespace logtest;

namespace {

constexpr qint64 kMinute = 60'000;
constexpr qint64 kBase = 1'699'999'980'000;   // a whole minute (UTC)
static_assert(kBase % kMinute == 0);
// "Now" is 30 s into the minute after kBase: the hour's range is [kBase + 1 min - 60 min, kBase + 1 min).
constexpr qint64 kNow = kBase + 30'000;
constexpr qint64 kUntil = kBase + kMinute;
constexpr qint64 kFrom = kUntil - 60 * kMinute;
constexpr int kInRange = 600;   // one every 6 s over the hour

struct Expected {
    qint64 count = 0, errors = 0, client = 0, server = 0, prompt = 0, completion = 0, priced = 0;
    qint64 lookups = 0, hits = 0, hitsPriced = 0;
    double cost = 0, saved = 0;
    std::vector<double> latencies;
    void add(const RequestRecord& r)
    {
        ++count;
        errors += r.status >= 400 || r.status == 0;
        client += r.status >= 400 && r.status < 500;
        server += r.status >= 500;
        prompt += std::max<qint64>(r.promptTokens, 0);
        completion += std::max<qint64>(r.completionTokens, 0);
        if (r.priceKnown) {
            cost += r.costUsd;
            ++priced;
        }
        if (!r.cacheStatus.isEmpty() && r.cacheStatus != QStringLiteral("DISABLED")) {
            ++lookups;
            if (r.cacheStatus.endsWith(QStringLiteral("HIT"))) {
                ++hits;
                if (r.cacheSavedUsd >= 0) {
                    saved += r.cacheSavedUsd;
                    ++hitsPriced;
                }
            }
        }
        latencies.push_back(r.totalMs);
    }
    double percentile(int p) const
    {
        std::vector<double> v = latencies;
        std::sort(v.begin(), v.end());
        return v[(std::size_t(p) * v.size() + 99) / 100 - 1];   // nearest rank, integer ceil
    }
};

QString screenshotDir()
{
    const QString env = qEnvironmentVariable("GATEHOUSE_SCREENSHOT_DIR");
    return env.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::TempLocation) : env;
}

// Shows the page and waits for its first result.
bool showAndLoad(DashboardPage& page)
{
    QSignalSpy spy(&page, &DashboardPage::refreshed);
    page.resize(1280, 860);
    page.show();
    return spy.wait(10'000);
}

bool reload(DashboardPage& page, const std::function<void()>& change)
{
    QSignalSpy spy(&page, &DashboardPage::refreshed);
    change();
    return spy.wait(10'000);
}

} // namespace

class TestDashboardPage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void headlineNumbers();
    void bucketsOfTheHour();
    void coarserBucketsForLongRanges();
    void breakdownTopGroupsAndOther();
    void emptyStates();
    void liveRefreshFromStore();
    void circuitPanel();
    void screenshot();

private:
    QTemporaryDir dir_;
    QString path_;
    std::vector<RequestRecord> records_;
    std::unique_ptr<DashboardPage> newPage(const QString& path)
    {
        auto page = std::make_unique<DashboardPage>(path);
        page->setClock([] { return kNow; });
        return page;
    }
};

void TestDashboardPage::initTestCase()
{
    path_ = dir_.filePath(QStringLiteral("requests.sqlite3"));
    for (int i = 0; i < kInRange; ++i)
        records_.push_back(makeRecord(i, kFrom + qint64(i) * 6000));
    // Just outside the range on both sides: never counted.
    records_.push_back(makeRecord(kInRange, kFrom - 1));
    records_.push_back(makeRecord(kInRange + 1, kUntil));
    LogStore store;
    QString error;
    QVERIFY2(store.open(path_, &error), qPrintable(error));
    store.append(batchOf(records_));
    store.flushAndWait();
    QCOMPARE(store.written(), qint64(records_.size()));
}

void TestDashboardPage::headlineNumbers()
{
    Expected e;
    for (const RequestRecord& r : records_)
        if (r.receivedAt.toMSecsSinceEpoch() >= kFrom && r.receivedAt.toMSecsSinceEpoch() < kUntil)
            e.add(r);
    QCOMPARE(e.count, kInRange);
    auto page = newPage(path_);
    QVERIFY(showAndLoad(*page));
    QVERIFY(!page->isShowingEmptyState());
    const DashboardData& d = page->data();
    QCOMPARE(d.fromMs, kFrom);
    QCOMPARE(d.untilMs, kUntil);
    QCOMPARE(d.totals.count, e.count);
    QCOMPARE(d.totals.errors, e.errors);
    QCOMPARE(d.totals.clientErrors, e.client);
    QCOMPARE(d.totals.serverErrors, e.server);
    QCOMPARE(d.totals.p95Ms, e.percentile(95));
    QCOMPARE(d.totals.promptTokens, e.prompt);
    QCOMPARE(d.totals.completionTokens, e.completion);
    QCOMPARE(d.totals.priced, e.priced);
    QVERIFY(qAbs(d.totals.costUsd - e.cost) < 1e-9);
    QVERIFY(e.priced > 0 && e.priced < e.count);

    const QLocale locale;
    QCOMPARE(page->requestsTile()->value(), locale.toString(e.count));
    QCOMPARE(page->errorsTile()->value(), locale.toString(100.0 * double(e.errors) / double(e.count), 'f', 1) + QLatin1Char('%'));
    QCOMPARE(page->latencyTile()->value(), formatMs(e.percentile(95)) + QStringLiteral(" ms"));
    QCOMPARE(page->tokensTile()->value(), locale.toString(e.prompt + e.completion));
    QCOMPARE(page->costTile()->value(), QLatin1Char('$') + locale.toString(e.cost, 'f', e.cost < 1 ? 4 : 2));
    QCOMPARE(page->costTile()->detail(), QStringLiteral("%1 of %2 requests priced").arg(locale.toString(e.priced), locale.toString(e.count)));
    // Hit rate over the requests that consulted the cache; saved cost only from priced hits.
    QVERIFY(e.hits > 0 && e.lookups < e.count && e.hitsPriced > 0);
    QCOMPARE(page->cacheTile()->value(), locale.toString(100.0 * double(e.hits) / double(e.lookups), 'f', 1) + QLatin1Char('%'));
    QCOMPARE(page->cacheTile()->detail(), QStringLiteral("%1 of %2 cached, saved %3")
                                              .arg(locale.toString(e.hits), locale.toString(e.lookups), formatCostUsd(e.saved, e.hitsPriced)));
}

void TestDashboardPage::bucketsOfTheHour()
{
    auto page = newPage(path_);
    QVERIFY(showAndLoad(*page));
    const DashboardData& d = page->data();
    QCOMPARE(d.bucketMs, kMinute);
    QCOMPARE(d.buckets.size(), std::size_t(60));
    // Minute 17 of the range: records 170..179.
    constexpr int kBucket = 17;
    Expected e;
    for (const RequestRecord& r : records_) {
        const qint64 ms = r.receivedAt.toMSecsSinceEpoch();
        if (ms >= kFrom + kBucket * kMinute && ms < kFrom + (kBucket + 1) * kMinute)
            e.add(r);
    }
    QCOMPARE(e.count, 10);
    const MinuteStats& b = d.buckets[kBucket];
    QCOMPARE(b.minuteMs, kFrom + kBucket * kMinute);
    QCOMPARE(b.count, e.count);
    QCOMPARE(b.errors, e.errors);
    QCOMPARE(b.p50Ms, e.percentile(50));
    QCOMPARE(b.p99Ms, e.percentile(99));

    // What the charts draw for that minute.
    const auto pointAt = [&](TimeSeriesChart* chart, const QString& name) {
        for (const TimeSeriesChart::Drawn& s : chart->drawn())
            if (s.name == name)
                return s.points.at(kBucket);
        return QPointF(-1, -1);
    };
    const QPointF p95 = pointAt(page->latencyChart(), QStringLiteral("p95"));
    QCOMPARE(qint64(p95.x()), kFrom + kBucket * kMinute);
    QCOMPARE(p95.y(), e.percentile(95));
    QCOMPARE(pointAt(page->errorsChart(), QStringLiteral("all errors")).y(), 100.0 * double(e.errors) / double(e.count));
    // Stacked requests: the top area's upper line is the sum of all groups, i.e. the bucket's count.
    const auto requests = page->requestsChart()->drawn();
    QVERIFY(!requests.empty());
    QCOMPARE(requests.back().points.at(kBucket).y(), double(e.count));
    QCOMPARE(pointAt(page->tokensChart(), QStringLiteral("prompt")).y(), double(e.prompt));
    QVERIFY(page->requestsChart()->valueAxis()->max() >= 10);
}

void TestDashboardPage::coarserBucketsForLongRanges()
{
    auto page = newPage(path_);
    QVERIFY(showAndLoad(*page));
    QVERIFY(reload(*page, [&] { page->setRange(DashboardRange::Last6Hours); }));
    const DashboardData& d = page->data();
    QCOMPARE(d.bucketMs, 5 * kMinute);
    QCOMPARE(d.buckets.size(), std::size_t(72));
    // kBase is not on a 5-minute boundary: the 5-minute bucket holding "now" ends 2 minutes after it.
    static_assert(kBase % (5 * kMinute) == 3 * kMinute);
    QCOMPARE(d.untilMs, kBase + 2 * kMinute);
    QCOMPARE(d.totals.count, qint64(records_.size()));   // now both records just outside the hour count
    // Each 5-minute bucket holds its own percentiles, not minute ones merged.
    const qint64 start = d.untilMs - 30 * kMinute;
    const auto index = std::size_t((start - d.fromMs) / d.bucketMs);
    Expected e;
    for (const RequestRecord& r : records_)
        if (r.receivedAt.toMSecsSinceEpoch() >= start && r.receivedAt.toMSecsSinceEpoch() < start + 5 * kMinute)
            e.add(r);
    QCOMPARE(d.buckets[index].minuteMs, start);
    QCOMPARE(d.buckets[index].count, 50);
    QCOMPARE(d.buckets[index].p95Ms, e.percentile(95));
    QCOMPARE(d.buckets[0].count, 0);   // hours before any record: zero requests, drawn as such ...
    QCOMPARE(page->requestsChart()->drawn().back().points.size(), d.buckets.size());
    // ... but no latency: those buckets are left out of the latency lines, not drawn as 0 ms.
    const auto withRequests = std::size_t(std::count_if(d.buckets.begin(), d.buckets.end(),
                                                        [](const MinuteStats& s) { return s.count > 0; }));
    QCOMPARE(withRequests, std::size_t(13));   // 12 whole 5-minute buckets of data and one with a single record
    for (const TimeSeriesChart::Drawn& line : page->latencyChart()->drawn())
        QCOMPARE(line.points.size(), withRequests);
}

void TestDashboardPage::breakdownTopGroupsAndOther()
{
    // By the _user tag: user-0 .. user-9 and untagged (every 11th record), 11 groups: the top 6 are
    // shown, the other 5 summed.
    std::map<QString, Expected> byUser;
    for (const RequestRecord& r : records_) {
        const qint64 ms = r.receivedAt.toMSecsSinceEpoch();
        if (ms < kFrom || ms >= kUntil)
            continue;
        const auto it = r.metadata.find("_user");
        byUser[it == r.metadata.end() ? QString() : QString::fromStdString(it->second)].add(r);
    }
    QCOMPARE(byUser.size(), std::size_t(11));
    std::vector<std::pair<QString, Expected>> ranked(byUser.begin(), byUser.end());   // by name ...
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto& a, const auto& b) { return a.second.count > b.second.count; });   // ... then by count

    auto page = newPage(path_);
    QVERIFY(showAndLoad(*page));
    QAbstractItemModelTester tester(page->groupModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(page->groupCombo()->findData(QStringLiteral("meta:_user")) >= 0);   // offered from the log's keys
    QVERIFY(reload(*page, [&] { page->setGroupBy(GroupBy::metadata(QStringLiteral("_user"))); }));
    DashboardGroupModel* model = page->groupModel();
    QCOMPARE(model->rowCount(), 7);
    const int top = 6;
    qint64 otherCount = 0;
    qint64 otherErrors = 0;
    for (int row = 0; row < top; ++row) {
        const DashboardGroup& g = model->groupAt(row);
        QCOMPARE(g.name, ranked[std::size_t(row)].first);
        QCOMPARE(g.totals.count, ranked[std::size_t(row)].second.count);
        QCOMPARE(g.totals.p95Ms, ranked[std::size_t(row)].second.percentile(95));
    }
    for (std::size_t k = top; k < ranked.size(); ++k) {
        otherCount += ranked[k].second.count;
        otherErrors += ranked[k].second.errors;
    }
    const DashboardGroup& other = model->groupAt(top);
    QVERIFY(other.other);
    QCOMPARE(other.totals.count, otherCount);
    QCOMPARE(other.totals.errors, otherErrors);
    QCOMPARE(model->index(top, DashboardGroupModel::GroupColumn).data().toString(), QStringLiteral("other"));
    // The stacked chart has one area per row, "other" on top, and per bucket they add up to the total.
    const auto areas = page->requestsChart()->drawn();
    QCOMPARE(areas.size(), std::size_t(7));
    QCOMPARE(areas.back().name, QStringLiteral("other"));
    qint64 perGroupSum = 0;
    for (const DashboardGroup& g : page->data().groups)
        for (qint64 c : g.counts)
            perGroupSum += c;
    QCOMPARE(perGroupSum, qint64(kInRange));
}

void TestDashboardPage::emptyStates()
{
    DashboardPage off{QString()};
    off.show();
    QVERIFY(off.isShowingEmptyState());
    QVERIFY(off.emptyStateText().contains(QStringLiteral("request log is off")));

    // A log with nothing in the range (six days later).
    auto later = std::make_unique<DashboardPage>(path_);
    later->setClock([] { return kNow + 6 * 24 * 60 * kMinute; });
    QVERIFY(showAndLoad(*later));
    QVERIFY(later->isShowingEmptyState());
    QVERIFY2(later->emptyStateText().startsWith(QStringLiteral("No requests in the last hour")), qPrintable(later->emptyStateText()));
    // A longer range reaches back to the data.
    QVERIFY(reload(*later, [&] { later->setRange(DashboardRange::Last7Days); }));
    QVERIFY(!later->isShowingEmptyState());
    QCOMPARE(later->data().bucketMs, 60 * kMinute);
    QCOMPARE(later->data().totals.count, qint64(records_.size()));
}

// The circuit breakers' panel: hidden until a breaker exists, shown even when the log is off,
// one row per target that keeps its place as the states change.
void TestDashboardPage::circuitPanel()
{
    DashboardPage page{QString()};
    page.resize(1100, 700);
    page.show();
    CircuitPanel* panel = page.circuitPanel();
    QAbstractItemModelTester tester(panel->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(!panel->isVisible());

    auto make = [](const char* key, CircuitState state, int failures, qint64 probeInMs, int opened) {
        CircuitStatus s;
        s.key = key;
        s.state = state;
        s.recentFailures = failures;
        s.probeInMs = probeInMs;
        s.timesOpened = opened;
        s.config.failureThreshold = 3;
        s.config.windowMs = 60'000;
        return s;
    };
    panel->showSnapshot(std::make_shared<const std::vector<CircuitStatus>>(std::vector<CircuitStatus>{
        make("openai|https://api.example|gpt-4o", CircuitState::Closed, 2, 0, 0), make("flaky", CircuitState::Open, 0, 29'500, 1)}));
    QVERIFY(panel->isVisible());
    CircuitTableModel* m = panel->model();
    QCOMPARE(m->rowCount(), 2);
    QCOMPARE(m->index(0, CircuitTableModel::FailuresColumn).data().toString(), QStringLiteral("2 of 3 in 60 s"));
    QCOMPARE(m->index(1, CircuitTableModel::StateColumn).data().toString(), QStringLiteral("Open — skipped"));
    QCOMPARE(m->index(1, CircuitTableModel::ProbeColumn).data().toString(), QStringLiteral("in 30 s"));
    QCOMPARE(m->index(1, CircuitTableModel::OpenedColumn).data().toInt(), 1);
    QCOMPARE(panel->summary()->text(), QStringLiteral("1 circuit open."));
    panel->table()->selectRow(1);

    // The same targets with new states: rows stay, the selection too.
    QSignalSpy resets(m, &QAbstractItemModel::modelReset);
    panel->showSnapshot(std::make_shared<const std::vector<CircuitStatus>>(std::vector<CircuitStatus>{
        make("openai|https://api.example|gpt-4o", CircuitState::Closed, 0, 0, 0), make("flaky", CircuitState::HalfOpen, 0, 0, 1)}));
    QCOMPARE(resets.count(), 0);
    QCOMPARE(panel->table()->selectionModel()->selectedRows().value(0).row(), 1);
    QCOMPARE(m->index(1, CircuitTableModel::ProbeColumn).data().toString(), QStringLiteral("next request"));
    QCOMPARE(panel->summary()->text(), QStringLiteral("1 probing."));

    const QString file = QDir(QStandardPaths::writableLocation(QStandardPaths::TempLocation)).filePath(QStringLiteral("dashboard_circuits.png"));
    QVERIFY(page.grab().save(file));
    qInfo("screenshot: %s", qPrintable(file));

    panel->showSnapshot(std::make_shared<const std::vector<CircuitStatus>>());
    QVERIFY(!panel->isVisible());
}

void TestDashboardPage::liveRefreshFromStore()
{
    const QString path = dir_.filePath(QStringLiteral("live.sqlite3"));
    LogStore store;
    QString error;
    QVERIFY2(store.open(path, &error), qPrintable(error));
    auto page = newPage(path);
    connect(&store, &LogStore::recordsWritten, page.get(), &DashboardPage::notifyRecordsWritten);
    QVERIFY(showAndLoad(*page));
    QVERIFY(page->isShowingEmptyState());
    {
        QSignalSpy spy(page.get(), &DashboardPage::refreshed);
        store.append(batchOf({makeRecord(1, kNow - 1000), makeRecord(2, kNow - 2000)}));
        QVERIFY(spy.wait(10'000));   // after the throttle's interval at most
    }
    QTRY_COMPARE(page->data().totals.count, 2);
    QVERIFY(!page->isShowingEmptyState());

    // Hidden: new rows do not query; showing the page again does, once.
    page->hide();
    QSignalSpy spy(page.get(), &DashboardPage::refreshed);
    store.append(batchOf({makeRecord(3, kNow - 3000)}));
    store.flushAndWait();
    QTRY_VERIFY(page->throttle()->isPending());
    QCOMPARE(spy.count(), 0);
    QVERIFY(!page->isLoading());
    page->show();
    QVERIFY(spy.wait(10'000));
    QCOMPARE(page->data().totals.count, 3);
}

void TestDashboardPage::screenshot()
{
    auto page = newPage(path_);
    QVERIFY(showAndLoad(*page));
    QCoreApplication::processEvents();   // chart legends are laid out in posted events
    const QString file = QDir(screenshotDir()).filePath(QStringLiteral("dashboard_page.png"));
    QVERIFY(page->grab().save(file));
    qInfo("screenshot: %s", qPrintable(file));
}

QTEST_MAIN(TestDashboardPage)
#include "tst_dashboard_page.moc"
