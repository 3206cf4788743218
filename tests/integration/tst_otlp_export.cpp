// OTLP/HTTP trace export from the running gateway to a local mock collector: spans nest as the
// client's span headers say, attempts are client spans under their request, W3C traceparent ids are
// kept, GenAI attributes are set, collector headers are sent, and a collector outage is reported and
// retried without losing the spans.

#include "integration_support.h"
#include "scripted_http_server.h"

#include "observability/otlp_exporter.h"
#include "observability/otlp_spans.h"

#include <QSignalSpy>
#include <QTest>

#include <map>

using namespace gatehouse;
using namespace gatehouse::itest;
using json = nlohmann::json;

namespace {

class MockCollector : public gatehouse::test::ScriptedHttpServer {
public:
    int status = 200;

protected:
    Reply answer(const Request&) override
    {
        Reply r;
        r.status = status;
        r.body = status == 200 ? QByteArray("{}") : QByteArray(R"({"message":"unavailable"})");
        return r;
    }
};

// Every span the collector received.
std::vector<json> acceptedSpans(const MockCollector& c)
{
    std::vector<json> out;
    const auto requests = c.received();
    for (qsizetype i = 0; i < requests.size(); ++i) {
        const json body = json::parse(requests[i].body.toStdString(), nullptr, false);
        if (!body.is_object())
            continue;
        for (const auto& rs : body["resourceSpans"])
            for (const auto& ss : rs["scopeSpans"])
                for (const auto& s : ss["spans"])
                    out.push_back(s);
    }
    return out;
}

std::string attribute(const json& span, const char* key)
{
    for (const auto& a : span["attributes"]) {
        if (a["key"] == key) {
            const auto& v = a["value"];
            if (v.contains("stringValue"))
                return v["stringValue"];
            if (v.contains("intValue"))
                return v["intValue"];
            if (v.contains("doubleValue"))
                return v["doubleValue"].dump();
            if (v.contains("boolValue"))
                return v["boolValue"].get<bool>() ? "true" : "false";
            return v.dump();
        }
    }
    return "<absent>";
}

} // namespace

class TestOtlpExport : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void idMapping();
    void spansReachTheCollector();
    void outageIsReportedAndRetried();
};

void TestOtlpExport::idMapping()
{
    QCOMPARE(otlpTraceId(QStringLiteral("4BF92F3577B34DA6A3CE929D0E0E4736")), QByteArray("4bf92f3577b34da6a3ce929d0e0e4736"));
    QCOMPARE(otlpTraceId(QStringLiteral("0b0e7d3e-5f3c-4d7a-9a55-0f6a7e1c2d3b")), QByteArray("0b0e7d3e5f3c4d7a9a550f6a7e1c2d3b"));
    const QByteArray hashed = otlpTraceId(QStringLiteral("agent-run-9"));
    QCOMPARE(hashed.size(), 32);
    QCOMPARE(otlpTraceId(QStringLiteral("agent-run-9")), hashed);            // stable
    QVERIFY(otlpTraceId(QStringLiteral("agent-run-10")) != hashed);
    QVERIFY(otlpTraceId(QStringLiteral("00000000000000000000000000000000")) != QByteArray(32, '0'));   // invalid in OTel
    QCOMPARE(otlpSpanId(QStringLiteral("t"), QStringLiteral("00f067aa0ba902b7")), QByteArray("00f067aa0ba902b7"));
    QCOMPARE(otlpSpanId(QStringLiteral("t"), QStringLiteral("step-1")).size(), 16);
    QVERIFY(otlpSpanId(QStringLiteral("t1"), QStringLiteral("step-1")) != otlpSpanId(QStringLiteral("t2"), QStringLiteral("step-1")));
}

void TestOtlpExport::spansReachTheCollector()
{
    MockCollector collector;
    QVERIFY(collector.listen());
    GatewayHarness gw;
    QVERIFY(gw.start());
    OtlpSettings settings;
    settings.endpoint = QUrl(QStringLiteral("http://127.0.0.1:%1/v1/traces").arg(collector.port()));
    settings.headers = {{"x-collector-key", "collector-secret-1"}};
    settings.flushIntervalMs = 50;
    OtlpExporter exporter(settings);
    connect(&gw.service(), &GatewayService::recordsReady, &exporter, &OtlpExporter::append);

    auto send = [&](const RawHeaders& headers, const QByteArray& body) {
        const auto r = roundTrip(gw.port(), httpRequest("POST", "/v1/chat/completions", headers, body));
        QVERIFY(r && r->status == 200);
    };
    send(mockHeaders({{"x-portkey-trace-id", "agent-run-9"}, {"x-portkey-span-id", "root"}, {"x-portkey-span-name", "agent"}}),
         R"({"model":"mock-gpt","temperature":0.5,"messages":[{"role":"user","content":"plan"}]})");
    send(mockHeaders({{"x-portkey-trace-id", "agent-run-9"}, {"x-portkey-span-id", "tool"}, {"x-portkey-parent-span-id", "root"}}),
         chatBody("call the tool", "mock-gpt"));
    const QByteArray config = R"({"strategy":{"mode":"fallback"},"targets":[{"provider":"mock","override_params":{"model":"mock-gpt@status=503"}},{"provider":"mock"}]})";
    send({{"content-type", "application/json"}, {"x-portkey-config", config}, {"x-portkey-trace-id", "fallback-run"}},
         chatBody("fall back", "mock-gpt"));
    send(mockHeaders({{"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}}), chatBody("w3c", "mock-gpt"));

    // 4 server spans, 5 attempts (1 + 1 + 2 + 1)
    QTRY_VERIFY_WITH_TIMEOUT(acceptedSpans(collector).size() >= 9, 5000);
    const std::vector<json> spans = acceptedSpans(collector);
    QCOMPARE(int(spans.size()), 9);
    QCOMPARE(collector.lastRequest().header("x-collector-key"), QByteArray("collector-secret-1"));
    QCOMPARE(collector.lastRequest().path, QByteArray("/v1/traces"));
    QTRY_COMPARE(exporter.exportedSpans(), 9);   // once the reply is read

    std::map<std::string, json> servers;   // by gatehouse.span_id or trace
    std::vector<json> clients;
    for (const json& s : spans) {
        if (s["kind"] == 2)
            servers[attribute(s, "gatehouse.trace_id") + "/" + attribute(s, "gatehouse.span_id")] = s;
        else
            clients.push_back(s);
    }
    QCOMPARE(int(servers.size()), 4);
    QCOMPARE(int(clients.size()), 5);
    const json& root = servers.at("agent-run-9/root");
    const json& tool = servers.at("agent-run-9/tool");
    QVERIFY(root["traceId"] == tool["traceId"]);
    QVERIFY(root["traceId"].get<std::string>() == otlpTraceId(QStringLiteral("agent-run-9")).toStdString());
    QVERIFY(tool["parentSpanId"] == root["spanId"]);
    QVERIFY(!root.contains("parentSpanId"));
    QVERIFY(root["name"] == "agent");
    QCOMPARE(attribute(root, "gen_ai.system"), std::string("mock"));
    QCOMPARE(attribute(root, "gen_ai.request.model"), std::string("mock-gpt"));
    QCOMPARE(attribute(root, "gen_ai.response.model"), std::string("mock-gpt"));
    QCOMPARE(attribute(root, "gen_ai.operation.name"), std::string("chat"));
    QCOMPARE(attribute(root, "gen_ai.request.temperature"), std::string("0.5"));
    QVERIFY(attribute(root, "gen_ai.usage.input_tokens") != "<absent>");
    QVERIFY(root["status"]["code"] == 1);
    QVERIFY(std::stoll(root["endTimeUnixNano"].get<std::string>()) >= std::stoll(root["startTimeUnixNano"].get<std::string>()));

    const json& w3c = servers.at("4bf92f3577b34da6a3ce929d0e0e4736/<absent>");
    QVERIFY(w3c["traceId"] == "4bf92f3577b34da6a3ce929d0e0e4736");
    QVERIFY(w3c["parentSpanId"] == "00f067aa0ba902b7");   // joins the caller's span

    const json& fallback = servers.at("fallback-run/<absent>");
    QCOMPARE(attribute(fallback, "gatehouse.fallback_used"), std::string("true"));
    std::vector<json> attempts;
    for (const json& c : clients) {
        if (c["parentSpanId"] == fallback["spanId"])
            attempts.push_back(c);
    }
    QCOMPARE(int(attempts.size()), 2);
    std::sort(attempts.begin(), attempts.end(), [](const json& a, const json& b) { return a["name"] < b["name"]; });
    QCOMPARE(attribute(attempts[0], "http.response.status_code"), std::string("503"));
    QVERIFY(attempts[0]["status"]["code"] == 2);
    QCOMPARE(attribute(attempts[1], "http.response.status_code"), std::string("200"));
    QVERIFY(attempts[0]["traceId"] == fallback["traceId"]);
}

void TestOtlpExport::outageIsReportedAndRetried()
{
    MockCollector collector;
    collector.status = 503;
    QVERIFY(collector.listen());
    GatewayHarness gw;
    QVERIFY(gw.start());
    OtlpSettings settings;
    settings.endpoint = QUrl(QStringLiteral("http://127.0.0.1:%1/v1/traces").arg(collector.port()));
    settings.flushIntervalMs = 50;
    settings.firstBackoffMs = 100;
    settings.maxBackoffMs = 200;
    OtlpExporter exporter(settings);
    QSignalSpy failed(&exporter, &OtlpExporter::exportFailed);
    QSignalSpy recovered(&exporter, &OtlpExporter::exportRecovered);
    connect(&gw.service(), &GatewayService::recordsReady, &exporter, &OtlpExporter::append);

    for (int i = 0; i < 3; ++i)
        QVERIFY(roundTrip(gw.port(), httpRequest("POST", "/v1/chat/completions", mockHeaders(), chatBody("while down", "mock-gpt"))));
    QTRY_VERIFY_WITH_TIMEOUT(collector.requestCount() >= 3, 5000);   // tried, and tried again
    QCOMPARE(failed.count(), 1);   // reported once per outage, not per attempt
    QVERIFY2(failed.first().first().toString().contains(QStringLiteral("HTTP 503")), qPrintable(failed.first().first().toString()));
    QCOMPARE(exporter.exportedSpans(), 0);

    collector.status = 200;
    QTRY_COMPARE_WITH_TIMEOUT(exporter.exportedSpans(), 6, 5000);   // 3 requests + 3 attempts, none lost
    QCOMPARE(recovered.count(), 1);
    QCOMPARE(exporter.droppedSpans(), 0);
}

QTEST_GUILESS_MAIN(TestOtlpExport)
#include "tst_otlp_export.moc"
