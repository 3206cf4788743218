// GET /metrics: Prometheus text a scraper accepts (checked with promtool when installed), whose
// numbers follow the traffic the gateway served; open client connections, also as the service's
// (coalesced) connectionsChanged signal the window shows.

#include "integration_support.h"

#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace gatehouse;
using namespace gatehouse::itest;

namespace {

// The value of the sample whose name and labels are exactly `series`, or -1 when absent.
double sampleValue(const QByteArray& text, const QByteArray& series)
{
    for (const QByteArray& line : text.split('\n')) {
        if (line.startsWith(series + ' '))
            return line.mid(series.size() + 1).toDouble();
    }
    return -1;
}

} // namespace

class TestGatewayMetrics : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void countsFollowTraffic();
    void promtoolAcceptsTheScrape();
    void hostileModelNamesAreEscapedAndBounded();
    void clientConnectionsAreCounted();

private:
    QByteArray scrape()
    {
        const auto r = roundTrip(gw_.port(), httpRequest("GET", "/metrics", {}));
        if (!r || r->status != 200)
            return {};
        return r->body;
    }
    GatewayHarness gw_;
};

void TestGatewayMetrics::initTestCase()
{
    QVERIFY(gw_.start());
}

void TestGatewayMetrics::countsFollowTraffic()
{
    const auto head = roundTrip(gw_.port(), httpRequest("GET", "/metrics", {}));
    QVERIFY(head);
    QCOMPARE(head->header("content-type"), QByteArray("text/plain; version=0.0.4; charset=utf-8"));

    for (int i = 0; i < 3; ++i)
        QVERIFY(roundTrip(gw_.port(), httpRequest("POST", "/v1/chat/completions", mockHeaders(), chatBody("count me", "mock-gpt"))));
    QVERIFY(roundTrip(gw_.port(), httpRequest("POST", "/v1/chat/completions", mockHeaders(), chatBody("stream me", "mock-gpt", true, true))));
    for (int i = 0; i < 2; ++i)
        QVERIFY(roundTrip(gw_.port(), httpRequest("POST", "/v1/chat/completions", mockHeaders(), chatBody("no", "mock-gpt@status=429"))));

    const QByteArray m = scrape();
    QVERIFY(!m.isEmpty());
    QCOMPARE(sampleValue(m, R"(gatehouse_requests_total{provider="mock",model="mock-gpt",status="200"})"), 4.0);
    QCOMPARE(sampleValue(m, R"(gatehouse_requests_total{provider="mock",model="mock-gpt@status=429",status="429"})"), 2.0);
    QCOMPARE(sampleValue(m, R"(gatehouse_request_duration_seconds_count{provider="mock",model="mock-gpt"})"), 4.0);
    QCOMPARE(sampleValue(m, R"(gatehouse_request_duration_seconds_bucket{provider="mock",model="mock-gpt",le="+Inf"})"), 4.0);
    QCOMPARE(sampleValue(m, R"(gatehouse_time_to_first_token_seconds_count{provider="mock",model="mock-gpt"})"), 1.0);
    // the mock counts "count me" as 2 completion words per answer, "Mock reply to: stream me" as 5
    QVERIFY(sampleValue(m, R"(gatehouse_tokens_total{provider="mock",model="mock-gpt",type="completion"})") > 0);
    QVERIFY(sampleValue(m, R"(gatehouse_tokens_total{provider="mock",model="mock-gpt",type="prompt"})") > 0);
    QCOMPARE(sampleValue(m, "gatehouse_in_flight_requests"), 0.0);
    QVERIFY(sampleValue(m, "gatehouse_gateway_overhead_seconds_count") >= 4.0);

    // Buckets are cumulative: each le holds at least the one before.
    double previous = 0;
    const QRegularExpression bucket(QStringLiteral(R"(^gatehouse_request_duration_seconds_bucket\{provider="mock",model="mock-gpt",le="[^"]+"\} (\d+)$)"));
    int buckets = 0;
    for (const QByteArray& line : m.split('\n')) {
        const auto match = bucket.match(QString::fromUtf8(line));
        if (!match.hasMatch())
            continue;
        const double v = match.captured(1).toDouble();
        QVERIFY2(v >= previous, line.constData());
        previous = v;
        ++buckets;
    }
    QCOMPARE(buckets, 16);

    // /metrics and /health are not API requests: scraping does not count itself.
    const QByteArray again = scrape();
    QCOMPARE(sampleValue(again, R"(gatehouse_requests_total{provider="mock",model="mock-gpt",status="200"})"), 4.0);
}

void TestGatewayMetrics::promtoolAcceptsTheScrape()
{
    const QString promtool = QStandardPaths::findExecutable(QStringLiteral("promtool"));
    if (promtool.isEmpty())
        QSKIP("promtool is not installed (scripts/deps.sh installs Debian's prometheus package)");
    QVERIFY(roundTrip(gw_.port(), httpRequest("POST", "/v1/chat/completions", mockHeaders(), chatBody("lint me", "mock-gpt"))));
    // A target with a circuit breaker, so the circuit gauges are in the scrape too.
    const QByteArray breakerConfig = R"({"provider":"mock","id":"lint-target","circuit_breaker":{"failure_threshold":2}})";
    const auto viaBreaker = roundTrip(gw_.port(), httpRequest("POST", "/v1/chat/completions",
                                                              RawHeaders{{"content-type", "application/json"}, {"x-portkey-config", breakerConfig}},
                                                              chatBody("lint me", "mock-gpt")));
    QVERIFY(viaBreaker && viaBreaker->status == 200);
    const QByteArray text = scrape();
    QCOMPARE(sampleValue(text, R"(gatehouse_circuit_state{target="lint-target"})"), 0.0);
    QProcess p;
    p.start(promtool, {QStringLiteral("check"), QStringLiteral("metrics")});
    QVERIFY(p.waitForStarted());
    p.write(text);
    p.closeWriteChannel();
    QVERIFY(p.waitForFinished(20000));
    const QByteArray output = p.readAllStandardOutput() + p.readAllStandardError();
    QVERIFY2(p.exitCode() == 0, output.constData());
}

void TestGatewayMetrics::hostileModelNamesAreEscapedAndBounded()
{
    // A quote, a backslash and a newline in a model name must not break the exposition format.
    QVERIFY(roundTrip(gw_.port(), httpRequest("POST", "/v1/chat/completions", mockHeaders(),
                                              R"({"model":"evil\"model\\x\ny","messages":[{"role":"user","content":"hi"}]})")));
    const QByteArray m = scrape();
    QVERIFY2(m.contains(R"(model="evil\"model\\x\ny")"), m.constData());
    for (const QByteArray& line : m.split('\n'))
        QVERIFY2(line.isEmpty() || line.startsWith('#') || line.startsWith("gatehouse_"), line.constData());
}

void TestGatewayMetrics::clientConnectionsAreCounted()
{
    QSignalSpy published(&gw_.service(), &GatewayService::connectionsChanged);
    const auto scraped = [this] {
        const auto r = roundTrip(gw_.port(), httpRequest("GET", "/metrics", {}));
        return r ? sampleValue(r->body, "gatehouse_client_connections") : -1.0;
    };
    std::vector<std::unique_ptr<RawHttpClient>> clients;
    for (int i = 0; i < 3; ++i) {
        clients.push_back(std::make_unique<RawHttpClient>());
        QVERIFY(clients.back()->connectTo(gw_.port()));
    }
    QTRY_COMPARE_WITH_TIMEOUT(scraped(), 4.0, 3000);   // three idle keep-alive connections and the scrape's own
    QTRY_VERIFY_WITH_TIMEOUT(!published.isEmpty() && published.last().at(0).toInt() == 3, 3000);
    clients.clear();
    QTRY_VERIFY_WITH_TIMEOUT(published.last().at(0).toInt() == 0, 3000);
    QCOMPARE(scraped(), 1.0);
}

QTEST_GUILESS_MAIN(TestGatewayMetrics)
#include "tst_gateway_metrics.moc"
