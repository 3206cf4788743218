// Spend budgets through the real gateway: a virtual key to a mock OpenAI upstream (priced model,
// known usage) with a daily budget a few requests wide. The request that reaches the budget is let
// through, the next is refused with the documented 412 in OpenAI's shape. The requests go to a real
// SQLite request log; a second gateway instance started afterwards rebuilds the day's spend from it
// and refuses at once: usage survives a restart.

#include "integration_support.h"
#include "mock_upstream.h"

#include "keys/key_snapshot.h"
#include "keys/key_spend_tracker.h"
#include "observability/log_store.h"

#include <QDateTime>
#include <QTemporaryDir>
#include <QTest>

using namespace gatehouse;
using namespace gatehouse::itest;
using gatehouse::test::MockUpstream;

namespace {

const QString kSlug = QStringLiteral("budget-key");
const QString kSecret = QStringLiteral("sk-budget-secret-4e1f0a77");
// gpt-4o-mini at $0.15 / $0.60 per 1M tokens; the mock reports 11 prompt + 5 completion tokens.
constexpr double kCostPerRequest = 11 * 0.15e-6 + 5 * 0.6e-6;
// Room for two requests: the second one crosses the budget, the third is refused.
constexpr double kDailyBudget = 1.5 * kCostPerRequest;

KeySnapshotPtr snapshotFor(const QString& upstream)
{
    auto s = std::make_shared<KeySnapshot>();
    ResolvedKey k;
    k.key.slug = kSlug;
    k.key.provider = QStringLiteral("openai");
    k.key.customHost = upstream;
    k.key.limits.dailyBudgetUsd = kDailyBudget;
    k.secret = kSecret;
    s->keys.emplace(kSlug, k);
    return s;
}

} // namespace

class TestKeyBudgetGateway : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        up_ = std::make_unique<MockUpstream>();
        QVERIFY(up_->listen());
        QString error;
        QVERIFY2(log_.open(dir_.filePath(QStringLiteral("requests.db")), &error), qPrintable(error));
    }

    void budgetRefusesOnceReachedAndSurvivesARestart()
    {
        const auto now = [] { return QDateTime::currentMSecsSinceEpoch(); };
        {
            // First run: an empty log, so the key starts the day at zero.
            KeySpendTracker tracker(now);
            QVERIFY(tracker.rebuildFromLog(log_.path(), nullptr));
            GatewayHarness gw;
            gw.service().setSpendSource([&] { return tracker.totals(); });
            gw.service().setKeys(snapshotFor(up_->baseUrl()));
            QObject::connect(&gw.service(), &GatewayService::recordsReady, &log_, &LogStore::append);
            QObject::connect(&gw.service(), &GatewayService::recordsReady, &tracker, &KeySpendTracker::observe);
            QVERIFY(gw.start());

            QCOMPARE(chat(gw.port()).status, 200);   // spent 0 of the budget
            QCOMPARE(chat(gw.port()).status, 200);   // spent 1 request's cost: still under
            const HttpResponse refused = chat(gw.port());   // spent 2 requests' cost: over
            QCOMPARE(refused.status, 412);
            checkRefusal(refused);
            QCOMPARE(up_->received().size(), 2);     // the refused request never reached the upstream
            QVERIFY(gw.waitForRecords(3));
            QCOMPARE(gw.records().back().virtualKey, kSlug);
            QCOMPARE(gw.records().back().status, 412);
            // The main thread's view (what the Keys page shows) agrees.
            QVERIFY(QTest::qWaitFor([&] { return tracker.spend(kSlug).dayRequests == 3; }, 3000));
            QVERIFY(qAbs(tracker.spend(kSlug).dayUsd - 2 * kCostPerRequest) < 1e-12);
        }
        log_.flushAndWait();

        // A new instance (as after a restart of the app) reads the day's spend back from the log.
        KeySpendTracker tracker(now);
        QString error;
        QVERIFY2(tracker.rebuildFromLog(log_.path(), &error), qPrintable(error));
        QCOMPARE(tracker.spend(kSlug).dayRequests, 3);
        QCOMPARE(tracker.spend(kSlug).monthRequests, 3);
        QVERIFY(qAbs(tracker.spend(kSlug).dayUsd - 2 * kCostPerRequest) < 1e-12);
        GatewayHarness gw;
        gw.service().setSpendSource([&] { return tracker.totals(); });
        gw.service().setKeys(snapshotFor(up_->baseUrl()));
        QVERIFY(gw.start());
        const HttpResponse refused = chat(gw.port());
        QCOMPARE(refused.status, 412);
        checkRefusal(refused);
        QCOMPARE(up_->received().size(), 2);

        // Raising the budget (a new snapshot) lets the key through at once.
        auto raised = std::make_shared<KeySnapshot>(*snapshotFor(up_->baseUrl()));
        raised->keys[kSlug].key.limits.dailyBudgetUsd = 10;
        gw.service().setKeys(raised);
        QVERIFY(QTest::qWaitFor([&] { return chat(gw.port()).status == 200; }, 3000));
    }

    void unreadableLogIsReported()
    {
        KeySpendTracker tracker([] { return QDateTime::currentMSecsSinceEpoch(); });
        QString error;
        QVERIFY(!tracker.rebuildFromLog(dir_.filePath(QStringLiteral("missing/requests.db")), &error));
        QVERIFY(!error.isEmpty());
        QVERIFY(tracker.totals().empty());
    }

private:
    HttpResponse chat(quint16 port)
    {
        const auto r = roundTrip(port, httpRequest("POST", "/v1/chat/completions",
                                                   {{"Content-Type", "application/json"}, {"x-portkey-virtual-key", kSlug.toUtf8()}},
                                                   chatBody(QStringLiteral("hi"))));
        return r.value_or(HttpResponse{});
    }

    void checkRefusal(const HttpResponse& r)
    {
        const QString problem = openAiErrorProblem(r, 412, QStringLiteral("budget_exceeded"));
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        const nlohmann::json e = r.json()["error"];
        const QString message = QString::fromStdString(e["message"].get<std::string>());
        QVERIFY2(message.contains(QStringLiteral("'budget-key'")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("daily budget of $")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("resets at ")) && message.contains(QStringLiteral("T00:00:00Z")), qPrintable(message));
        QVERIFY(e["type"] == "insufficient_quota");
        QVERIFY(e["param"] == "x-portkey-virtual-key");
        QVERIFY(!r.raw.contains(kSecret.toUtf8()));
    }

    QTemporaryDir dir_;
    std::unique_ptr<MockUpstream> up_;
    LogStore log_;
};

QTEST_GUILESS_MAIN(TestKeyBudgetGateway)
#include "tst_key_budget_gateway.moc"
