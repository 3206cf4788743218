// RouteWalker with a scripted AttemptRunner: which targets are tried, in which order, with which
// waits, and what the client is answered -- no network, no real time, no real randomness.

#include "routing/route_walker.h"

#include <QTest>

#include <deque>
#include <map>

using namespace gatehouse;

namespace {

struct Call {
    std::string path;
    std::string provider;
    int retryIndex;
    nlohmann::json overrideParams;
    std::optional<int> timeoutMs;
};

// Answers each attempt from a script keyed by target path (the last entry repeats), runs scheduled
// work at once while recording the requested delays, and returns fixed "random" numbers.
class ScriptedRunner : public AttemptRunner {
public:
    std::map<std::string, std::deque<AttemptResult>> script;
    std::vector<Call> calls;
    std::vector<int> waits;
    std::deque<double> randoms;
    qint64 now = 1'700'000'000'000;

    void runAttempt(const LeafPlan& plan, std::function<void(AttemptResult)> done) override
    {
        calls.push_back({plan.path, plan.node->provider.value_or(""), plan.retryIndex, plan.settings.overrideParams,
                         plan.settings.requestTimeoutMs});
        auto& q = script[plan.path];
        AttemptResult r = q.empty() ? AttemptResult{200, true, {}, {}, std::nullopt} : q.front();
        if (q.size() > 1)
            q.pop_front();
        done(r);
    }
    void schedule(int delayMs, std::function<void()> fn) override
    {
        waits.push_back(delayMs);
        fn();
    }
    double random01() override
    {
        if (randoms.empty())
            return 0.5;
        const double r = randoms.front();
        randoms.pop_front();
        return r;
    }
    qint64 nowMsUtc() override { return now; }

    std::vector<std::string> paths() const
    {
        std::vector<std::string> out;
        for (const Call& c : calls)
            out.push_back(c.path);
        return out;
    }
};

AttemptResult status(int code, HeaderList headers = {})
{
    AttemptResult r;
    r.status = code;
    r.committed = code >= 200 && code < 300;
    r.headers = std::move(headers);
    r.body = QByteArray("{\"status\":") + QByteArray::number(code) + "}";
    return r;
}

std::shared_ptr<const RoutingConfig> config(const char* text)
{
    auto parsed = parseRoutingConfig(QByteArrayView(text));
    if (!parsed.config) {
        for (const auto& e : parsed.errors)
            qWarning("%s: %s", e.path.c_str(), e.message.c_str());
    }
    return parsed.config;
}

RouteOutcome walk(const std::shared_ptr<const RoutingConfig>& cfg, ScriptedRunner& runner,
                  CircuitBreakerRegistry* breakers = nullptr, const std::map<std::string, std::string>* metadata = nullptr)
{
    RoutingContext ctx;
    ctx.metadata = metadata;
    RouteWalker walker(cfg, ctx, runner, breakers);
    std::optional<RouteOutcome> out;
    walker.start([&](RouteOutcome o) { out = std::move(o); });
    if (!out)
        qFatal("the walker did not finish");
    return *out;
}

using Paths = std::vector<std::string>;

} // namespace

class TestRouteWalker : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void singleLeafIsTheConfigItself()
    {
        ScriptedRunner r;
        const auto o = walk(config(R"({"provider":"openai","api_key":"k"})"), r);
        QCOMPARE(r.paths(), Paths{"config"});
        QCOMPARE(o.path, std::string("config"));
        QCOMPARE(o.retryCount, 0);
    }

    void fallbackMovesOnForAnyNon2xxInOrder()
    {
        ScriptedRunner r;
        r.script["config.targets[0]"] = {status(503)};
        r.script["config.targets[1]"] = {status(400)};
        r.script["config.targets[2]"] = {status(200)};
        const auto o = walk(config(R"({"strategy":{"mode":"fallback"},"targets":[
            {"provider":"openai","api_key":"a"},{"provider":"groq","api_key":"b"},{"provider":"mock"}]})"), r);
        QCOMPARE(r.paths(), (Paths{"config.targets[0]", "config.targets[1]", "config.targets[2]"}));
        QCOMPARE(o.path, std::string("config.targets[2]"));
        QCOMPARE(o.result.status, 200);
        QCOMPARE(o.attempts, 3);
    }

    void fallbackOnStatusCodesNarrowsIt()
    {
        ScriptedRunner r;
        r.script["config.targets[0]"] = {status(503)};
        r.script["config.targets[1]"] = {status(400)};
        const auto o = walk(config(R"({"strategy":{"mode":"fallback","on_status_codes":[503]},"targets":[
            {"provider":"openai","api_key":"a"},{"provider":"groq","api_key":"b"},{"provider":"mock"}]})"), r);
        QCOMPARE(r.paths(), (Paths{"config.targets[0]", "config.targets[1]"}));
        QCOMPARE(o.result.status, 400);   // 400 is not in the list: stop there and answer it
    }

    void lastFailureIsTheAnswerWhenAllFail()
    {
        ScriptedRunner r;
        r.script["config.targets[0]"] = {status(500)};
        r.script["config.targets[1]"] = {status(502)};
        const auto o = walk(config(R"({"strategy":{"mode":"fallback"},"targets":[
            {"provider":"openai","api_key":"a"},{"provider":"groq","api_key":"b"}]})"), r);
        QCOMPARE(o.result.status, 502);
        QCOMPARE(o.path, std::string("config.targets[1]"));
    }

    void retriesWithJitteredBackoffThenSucceeds()
    {
        ScriptedRunner r;
        r.script["config"] = {status(503), status(503), status(200)};
        r.randoms = {1.0 - 1e-9, 0.0};
        const auto o = walk(config(R"({"provider":"openai","api_key":"k","retry":{"attempts":3}})"), r);
        QCOMPARE(r.calls.size(), std::size_t(3));
        QCOMPARE(o.retryCount, 2);
        QCOMPARE(o.result.status, 200);
        QCOMPARE(r.waits.size(), std::size_t(2));
        QVERIFY(r.waits[0] >= 0 && r.waits[0] <= 500);   // full jitter: [0, base * 2^0]
        QCOMPARE(r.waits[1], 0);
    }

    void retriesRunOutIsMinusOne()
    {
        ScriptedRunner r;
        r.script["config"] = {status(429)};
        const auto o = walk(config(R"({"provider":"openai","api_key":"k","retry":{"attempts":2}})"), r);
        QCOMPARE(r.calls.size(), std::size_t(3));
        QCOMPARE(o.retryCount, -1);
        QCOMPARE(o.result.status, 429);
    }

    void nonRetriableStatusBailsAtOnce()
    {
        ScriptedRunner r;
        r.script["config"] = {status(400)};
        const auto o = walk(config(R"({"provider":"openai","api_key":"k","retry":{"attempts":3}})"), r);
        QCOMPARE(r.calls.size(), std::size_t(1));
        QCOMPARE(o.retryCount, 0);
    }

    void retryOnStatusCodesIsHonoured()
    {
        ScriptedRunner r;
        r.script["config"] = {status(401), status(200)};
        const auto o = walk(config(R"({"provider":"openai","api_key":"k","retry":{"attempts":2,"on_status_codes":[401]}})"), r);
        QCOMPARE(r.calls.size(), std::size_t(2));
        QCOMPARE(o.retryCount, 1);
    }

    void retryAfterHeaderIsWaitedWhenAllowed()
    {
        ScriptedRunner r;
        r.script["config"] = {status(429, {{"retry-after", "2"}}), status(200)};
        walk(config(R"({"provider":"openai","api_key":"k","retry":{"attempts":1,"use_retry_after_header":true}})"), r);
        QCOMPARE(r.waits, std::vector<int>{2000});
    }

    void retryAfterBeyondTheCapGivesUp()
    {
        ScriptedRunner r;
        r.script["config"] = {status(429, {{"retry-after", "120"}})};
        const auto o = walk(config(R"({"provider":"openai","api_key":"k","retry":{"attempts":3,"use_retry_after_header":true}})"), r);
        QCOMPARE(r.calls.size(), std::size_t(1));
        QCOMPARE(o.retryCount, -1);
    }

    void loadbalanceFollowsTheRandomDraw()
    {
        const auto cfg = config(R"({"strategy":{"mode":"loadbalance"},"targets":[
            {"provider":"openai","api_key":"a","weight":3},{"provider":"groq","api_key":"b","weight":1}]})");
        ScriptedRunner low;
        low.randoms = {0.1};
        QCOMPARE(walk(cfg, low).path, std::string("config.targets[0]"));
        ScriptedRunner high;
        high.randoms = {0.9};
        QCOMPARE(walk(cfg, high).path, std::string("config.targets[1]"));
    }

    void loadbalanceNeverPicksZeroWeight()
    {
        const auto cfg = config(R"({"strategy":{"mode":"loadbalance"},"targets":[
            {"provider":"openai","api_key":"a","weight":0},{"provider":"groq","api_key":"b","weight":1}]})");
        for (double x : {0.0, 0.3, 0.999}) {
            ScriptedRunner r;
            r.randoms = {x};
            QCOMPARE(walk(cfg, r).path, std::string("config.targets[1]"));
        }
    }

    void nestedFallbackInsideLoadbalanceInsideFallback()
    {
        ScriptedRunner r;
        r.randoms = {0.9};   // loadbalance picks its second child (the inner fallback)
        r.script["config.targets[0]"] = {status(500)};
        r.script["config.targets[1].targets[1].targets[0]"] = {status(503)};
        r.script["config.targets[1].targets[1].targets[1]"] = {status(200)};
        const auto o = walk(config(R"({"strategy":{"mode":"fallback"},"targets":[
            {"provider":"openai","api_key":"a"},
            {"strategy":{"mode":"loadbalance"},"targets":[
                {"provider":"groq","api_key":"b","weight":1},
                {"strategy":{"mode":"fallback"},"weight":1,"targets":[
                    {"provider":"mistral-ai","api_key":"c"},{"provider":"mock"}]}]}]})"), r);
        QCOMPARE(r.paths(), (Paths{"config.targets[0]", "config.targets[1].targets[1].targets[0]",
                                   "config.targets[1].targets[1].targets[1]"}));
        QCOMPARE(o.path, std::string("config.targets[1].targets[1].targets[1]"));
    }

    void overrideParamsMergeAndSettingsInherit()
    {
        ScriptedRunner r;
        walk(config(R"({"strategy":{"mode":"single"},"request_timeout":5000,"override_params":{"temperature":0.1,"model":"a"},
            "targets":[{"provider":"openai","api_key":"k","override_params":{"model":"b"}}]})"), r);
        QCOMPARE(r.calls.size(), std::size_t(1));
        QVERIFY(r.calls[0].overrideParams == (nlohmann::json{{"temperature", 0.1}, {"model", "b"}}));
        QCOMPARE(r.calls[0].timeoutMs, std::optional<int>(5000));
    }

    void conditionalRoutesOnMetadataAndDefault()
    {
        const auto cfg = config(R"({"strategy":{"mode":"conditional",
            "conditions":[{"query":{"metadata.plan":{"$eq":"paid"}},"then":"big"}],"default":"small"},
            "targets":[{"name":"big","provider":"openai","api_key":"a"},{"name":"small","provider":"mock"}]})");
        const std::map<std::string, std::string> paid{{"plan", "paid"}};
        const std::map<std::string, std::string> free{{"plan", "free"}};
        ScriptedRunner a;
        QCOMPARE(walk(cfg, a, nullptr, &paid).path, std::string("config.targets[0]"));
        ScriptedRunner b;
        QCOMPARE(walk(cfg, b, nullptr, &free).path, std::string("config.targets[1]"));
    }

    void openCircuitSkipsTheTargetUntilCooldown()
    {
        qint64 now = 0;
        CircuitBreakerRegistry breakers([&now] { return now; });
        const auto cfg = config(R"({"strategy":{"mode":"fallback"},"targets":[
            {"id":"flaky","provider":"openai","api_key":"a","circuit_breaker":{"failure_threshold":2,"window_ms":10000,"cooldown_ms":5000}},
            {"provider":"mock"}]})");
        for (int i = 0; i < 2; ++i) {
            ScriptedRunner r;
            r.script["config.targets[0]"] = {status(500)};
            walk(cfg, r, &breakers);
            QCOMPARE(r.calls.size(), std::size_t(2));   // tried, failed, fell back
        }
        ScriptedRunner skipped;
        walk(cfg, skipped, &breakers);
        QCOMPARE(skipped.paths(), Paths{"config.targets[1]"});   // open: not even tried
        now += 5001;
        ScriptedRunner probe;
        walk(cfg, probe, &breakers);
        QCOMPARE(probe.paths(), Paths{"config.targets[0]"});     // half-open probe succeeds
        QCOMPARE(breakers.snapshot().at("flaky"), CircuitState::Closed);
    }
};

QTEST_GUILESS_MAIN(TestRouteWalker)
#include "tst_route_walker.moc"
