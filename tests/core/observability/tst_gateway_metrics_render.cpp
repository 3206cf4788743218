// GatewayMetrics on its own: histogram buckets (le is inclusive, rendered cumulatively) and the bound
// on label sets that keeps random model names from growing memory without end.
#include "observability/gateway_metrics.h"

#include <QTest>

using namespace gatehouse;

namespace {

RequestRecord record(const QString& model, int status, double totalMs)
{
    RequestRecord r;
    r.provider = QStringLiteral("openai");
    r.model = model;
    r.status = status;
    r.totalMs = totalMs;
    r.upstreamMs = totalMs / 2;
    r.promptTokens = 10;
    r.completionTokens = 5;
    r.totalTokens = 15;
    r.attempts = 1;
    return r;
}

double value(const QByteArray& text, const QByteArray& series)
{
    for (const QByteArray& line : text.split('\n')) {
        if (line.startsWith(series + ' '))
            return line.mid(series.size() + 1).toDouble();
    }
    return -1;
}

} // namespace

class TestGatewayMetricsRender : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void bucketsAreInclusiveAndCumulative();
    void seriesAreBounded();
    void retriesFallbacksAndErrors();
};

void TestGatewayMetricsRender::bucketsAreInclusiveAndCumulative()
{
    GatewayMetrics m;
    m.observe(record(QStringLiteral("gpt"), 200, 10));     // exactly 0.01 s: in le="0.01"
    m.observe(record(QStringLiteral("gpt"), 200, 10.5));   // above it
    m.observe(record(QStringLiteral("gpt"), 200, 120000)); // beyond the last bound: only +Inf
    const QByteArray t = m.render({});
    const QByteArray prefix = R"(gatehouse_request_duration_seconds_bucket{provider="openai",model="gpt",le=")";
    QCOMPARE(value(t, prefix + R"(0.005"})"), 0.0);
    QCOMPARE(value(t, prefix + R"(0.01"})"), 1.0);
    QCOMPARE(value(t, prefix + R"(0.025"})"), 2.0);
    QCOMPARE(value(t, prefix + R"(60"})"), 2.0);
    QCOMPARE(value(t, prefix + R"(+Inf"})"), 3.0);
    QCOMPARE(value(t, R"(gatehouse_request_duration_seconds_sum{provider="openai",model="gpt"})"), 120.0205);
    QCOMPARE(value(t, R"(gatehouse_tokens_total{provider="openai",model="gpt",type="prompt"})"), 30.0);
}

void TestGatewayMetricsRender::seriesAreBounded()
{
    GatewayMetrics m;
    const int extra = 50;
    for (int i = 0; i < int(GatewayMetrics::kMaxSeries) + extra; ++i)
        m.observe(record(QStringLiteral("model-%1").arg(i), 200, 1));
    m.observe(record(QStringLiteral("model-0"), 200, 1));   // a known one still has its own series
    const QByteArray t = m.render({});
    QCOMPARE(value(t, R"(gatehouse_requests_total{provider="openai",model="model-0",status="200"})"), 2.0);
    QCOMPARE(value(t, R"(gatehouse_requests_total{provider="openai",model="__other__",status="200"})"), double(extra));
    const QByteArray beyond = "gatehouse_requests_total{provider=\"openai\",model=\"model-"
        + QByteArray::number(int(GatewayMetrics::kMaxSeries) + 1) + "\",status=\"200\"}";
    QCOMPARE(value(t, beyond), -1.0);
}

void TestGatewayMetricsRender::retriesFallbacksAndErrors()
{
    GatewayMetrics m;
    RequestRecord r = record(QStringLiteral("gpt"), 200, 5);
    r.attempts = 3;
    r.fallbackUsed = true;
    m.observe(r);
    RequestRecord e = record(QStringLiteral("gpt"), 0, 5);
    e.errorType = QStringLiteral("client_disconnected");
    m.observe(e);
    const QByteArray t = m.render({.inFlight = 2, .clientConnections = 3, .uptimeSeconds = 1});
    QCOMPARE(value(t, R"(gatehouse_retries_total{provider="openai",model="gpt"})"), 2.0);
    QCOMPARE(value(t, R"(gatehouse_fallbacks_total{provider="openai",model="gpt"})"), 1.0);
    QCOMPARE(value(t, R"(gatehouse_requests_total{provider="openai",model="gpt",status="0"})"), 1.0);
    QCOMPARE(value(t, R"(gatehouse_errors_total{type="client_disconnected"})"), 1.0);
    QCOMPARE(value(t, "gatehouse_in_flight_requests"), 2.0);
    QCOMPARE(value(t, "gatehouse_client_connections"), 3.0);
}

QTEST_GUILESS_MAIN(TestGatewayMetricsRender)
#include "tst_gateway_metrics_render.moc"
