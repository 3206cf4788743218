// Fault injection against real loopback upstreams, through configs with retries and fallbacks: a
// host that does not resolve, TLS spoken to a plain-HTTP socket or to one that never answers the
// handshake or that shows a certificate no one trusts, stalls before the headers and in the middle of the body, a client that leaves mid-stream
// or while a retry is pending, 429 storms with Retry-After from many clients at once, and garbage
// pipelined behind a streamed call. For each:
// the client gets a complete answer or an OpenAI-shaped error with the right status, the configured
// retries and fallbacks are followed, the upstream connection is let go, nothing stays in flight, and
// the request is in the SQLite request log.

#include "integration_support.h"
#include "mock_upstream.h"
#include "scripted_http_server.h"
#include "test_tls_certificate.h"

#include "observability/log_query.h"
#include "observability/log_store.h"

#include <QFile>
#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <memory>
#include <vector>

using namespace gatehouse;
using namespace gatehouse::itest;
using gatehouse::test::MockUpstream;
using gatehouse::test::ScriptedHttpServer;
using gatehouse::test::TestTlsCertificate;

namespace {

constexpr int kStormClients = 16;

// An OpenAI target at customHost; extra: more keys, starting with ','.
QByteArray leaf(const QString& customHost, const QByteArray& extra = {})
{
    return "{\"provider\":\"openai\",\"api_key\":\"sk-fault\",\"custom_host\":\"" + customHost.toUtf8() + "\"" + extra + "}";
}

QByteArray fallback(const QList<QByteArray>& targets, const QByteArray& extra = {})
{
    return R"({"strategy":{"mode":"fallback"})" + extra + R"(,"targets":[)" + targets.join(',') + "]}";
}

// A rate-limited provider: the first failFirst requests (all of them when -1) get 429 with the
// rate headers, the rest a chat answer.
class StormUpstream : public ScriptedHttpServer {
public:
    int failFirst = -1;
    QList<QPair<QByteArray, QByteArray>> rateHeaders;

protected:
    Reply answer(const Request&) override
    {
        Reply r;
        if (failFirst < 0 || requestCount() <= failFirst) {
            r.status = 429;
            r.headers = rateHeaders;
            r.body = R"({"error":{"message":"Rate limit reached for requests","type":"requests","param":null,"code":"rate_limit_exceeded"}})";
            return r;
        }
        r.body = R"({"id":"chatcmpl-storm","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"after the storm"},"finish_reason":"stop"}]})";
        return r;
    }
};

// A socket server for TLS faults: answers the first bytes (a TLS ClientHello) in plain HTTP and
// closes, or (silent) accepts and never says a word.
class RawServer : public QObject {
public:
    explicit RawServer(bool silent) : silent_(silent)
    {
        QObject::connect(&server_, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = server_.nextPendingConnection()) {
                ++accepted_;
                QObject::connect(s, &QTcpSocket::disconnected, this, [this, s] { ++closed_; s->deleteLater(); });
                if (!silent_) {
                    QObject::connect(s, &QTcpSocket::readyRead, s, [s] {
                        s->readAll();
                        s->write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                        s->disconnectFromHost();
                    });
                }
            }
        });
    }
    bool listen() { return server_.listen(QHostAddress::LocalHost, 0); }
    QString httpsHost() const { return QStringLiteral("https://127.0.0.1:%1/v1").arg(server_.serverPort()); }
    int accepted() const { return accepted_; }
    int open() const { return accepted_ - closed_; }

private:
    QTcpServer server_;
    bool silent_ = false;
    int accepted_ = 0;
    int closed_ = 0;
};

} // namespace

class TestGatewayFaults : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void unresolvableHostIsRetriedThenFallsBack();
    void unresolvableHostWithoutFallbackGets502();
    void tlsToPlainHttpServerGets502AndFallsBack();
    void tlsHandshakeStallIsCutByRequestTimeout();
    void untrustedCertificateGets502AndFallsBack();
    void certificateFromExtraCaFileIsTrusted();
    void stallBeforeHeadersTimesOutAndFallsBack();
    void stallMidBodyIsCutByTotalTimeout();
    void stallMidStreamEndsWithErrorEventAtDeadline();
    void clientLeavingMidStreamCancelsTheUpstream();
    void clientLeavingDuringRetryWaitStopsTheRetries();
    void rateLimitStormIsRetriedAfterRetryAfter();
    void rateLimitStormAskingTooLongIsNotWaitedOut();
    void rateLimitStormRunsOutOfRetries();
    void pipelinedGarbageWaitsForTheStreamBeforeIt();

private:
    QString host(const MockUpstream& up, const QString& prefix = {}) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2/v1").arg(up.port()).arg(prefix);
    }
    QByteArray request(const QByteArray& config, const QByteArray& trace, bool stream = false) const
    {
        return httpRequest("POST", "/v1/chat/completions",
                           {{"Content-Type", "application/json"}, {"x-portkey-config", config}, {"x-portkey-trace-id", trace}},
                           chatBody("fault", "gpt-4o-mini", stream));
    }
    std::optional<HttpResponse> send(const QByteArray& config, const QByteArray& trace, int timeoutMs = 8000)
    {
        return roundTrip(gw_.port(), request(config, trace), timeoutMs);
    }
    // The request's rows in the SQLite log (exactly one expected), read back with a reader of our own.
    std::vector<RequestRecord> logged(const QString& trace)
    {
        (void)QTest::qWaitFor([&] { return gw_.countByTrace(trace) > 0; }, 5000);
        log_.flushAndWait();
        LogReader reader;
        if (!reader.open(log_.path()))
            return {};
        LogFilter f;
        f.traceId = trace;
        return reader.query(f, 100).rows;
    }
    // Sends a two-target fallback config whose first target fails: the second must answer (200, its
    // index in x-portkey-last-used-option-index) and the request be logged once with two attempts.
    // Empty when so, else what is wrong; *failed: the first attempt, as logged.
    QString fellBack(const QByteArray& config, const QByteArray& trace, AttemptRecord* failed)
    {
        const auto r = send(config, trace);
        if (!r || r->status != 200)
            return QStringLiteral("no 200 from the fallback: %1").arg(r ? QString::fromUtf8(r->body.left(300)) : QStringLiteral("no answer"));
        if (r->header("x-portkey-last-used-option-index") != "config.targets[1]")
            return QStringLiteral("answered by %1").arg(QString::fromUtf8(r->header("x-portkey-last-used-option-index")));
        const auto rows = logged(QString::fromUtf8(trace));
        if (rows.size() != 1 || rows.front().attemptLog.size() != 2 || !rows.front().fallbackUsed)
            return QStringLiteral("%1 logged rows, not one with two attempts and the fallback used").arg(rows.size());
        *failed = rows.front().attemptLog[0];
        return {};
    }
    // kStormClients clients, each on its own connection, send the same request at once (traces
    // <tracePrefix>0, 1, ...); empty when a connection failed.
    std::vector<std::unique_ptr<RawHttpClient>> sendStorm(const QByteArray& config, const QByteArray& tracePrefix)
    {
        std::vector<std::unique_ptr<RawHttpClient>> clients;
        for (int i = 0; i < kStormClients; ++i) {
            clients.push_back(std::make_unique<RawHttpClient>());
            if (!clients.back()->connectTo(gw_.port()))
                return {};
            clients.back()->send(request(config, tracePrefix + QByteArray::number(i)));
        }
        return clients;
    }
    // One target at storm with `attempts` retries on 429, honouring the provider's retry hints.
    static QByteArray stormConfig(const StormUpstream& storm, int attempts)
    {
        return fallback({leaf(QStringLiteral("http://127.0.0.1:%1/v1").arg(storm.port()),
                              R"(,"retry":{"attempts":)" + QByteArray::number(attempts)
                                  + R"(,"on_status_codes":[429],"use_retry_after_header":true})")});
    }
    // Every storm client got the provider's 429 in OpenAI's shape, retries run out (count -1), with
    // retryAfter relayed when given, and is logged once as a 429 after `calls` calls. Empty when so.
    QString stormEndedIn429(const std::vector<std::unique_ptr<RawHttpClient>>& clients, const QByteArray& tracePrefix,
                            int calls, const QByteArray& retryAfter = {})
    {
        for (std::size_t i = 0; i < clients.size(); ++i) {
            const auto r = clients[i]->readResponse(5000);
            if (!r)
                return QStringLiteral("client %1: no answer").arg(i);
            if (const QString problem = openAiErrorProblem(*r, 429, QStringLiteral("rate_limit_exceeded")); !problem.isEmpty())
                return QStringLiteral("client %1: %2").arg(i).arg(problem);
            if (!retryAfter.isEmpty() && r->header("retry-after") != retryAfter)
                return QStringLiteral("client %1: retry-after '%2'").arg(i).arg(QString::fromUtf8(r->header("retry-after")));
            if (r->header("x-portkey-retry-attempt-count") != "-1")
                return QStringLiteral("client %1: retry count '%2'").arg(i).arg(QString::fromUtf8(r->header("x-portkey-retry-attempt-count")));
        }
        for (std::size_t i = 0; i < clients.size(); ++i) {
            const auto rows = logged(QString::fromUtf8(tracePrefix + QByteArray::number(qulonglong(i))));
            if (rows.size() != 1 || rows.front().status != 429 || rows.front().attempts != calls || rows.front().retries != -1
                || int(rows.front().attemptLog.size()) != calls)
                return QStringLiteral("client %1: %2 rows, not one 429 after %3 calls").arg(i).arg(rows.size()).arg(calls);
        }
        return {};
    }
    int health(const char* field)
    {
        const auto r = roundTrip(gw_.port(), httpRequest("GET", "/health", {}));
        return r && r->status == 200 ? r->json().value(field, -1) : -1;
    }

    QTemporaryDir dir_;
    LogStore log_;
    GatewayHarness gw_;
    std::unique_ptr<MockUpstream> up_;   // answers normally: the fallback target
};

void TestGatewayFaults::initTestCase()
{
    QVERIFY(dir_.isValid());
    QString error;
    QVERIFY2(log_.open(dir_.filePath(QStringLiteral("requests.db")), &error), qPrintable(error));
    QObject::connect(&gw_.service(), &GatewayService::recordsReady, &log_, &LogStore::append);
    GatewaySettings s = testSettings();
    s.upstreamConnectTimeoutMs = 3000;
    QVERIFY(gw_.start(s));
}

void TestGatewayFaults::init()
{
    up_ = std::make_unique<MockUpstream>();
    QVERIFY(up_->listen());
    gw_.clearRecords();
}

void TestGatewayFaults::cleanup()
{
    // Whatever happened, the gateway is up and holds nothing: no request, and no client connection
    // but the one asking.
    QTRY_COMPARE_WITH_TIMEOUT(health("in_flight"), 0, 3000);
    QTRY_COMPARE_WITH_TIMEOUT(health("connections"), 1, 3000);
    up_.reset();
}

void TestGatewayFaults::cleanupTestCase()
{
    gw_.service().stopAndWait();
    log_.close();
}

void TestGatewayFaults::unresolvableHostIsRetriedThenFallsBack()
{
    const QByteArray config = fallback({leaf(QStringLiteral("http://no-such-host.invalid/v1"),
                                             R"(,"retry":{"attempts":1,"on_status_codes":[502]})"),
                                        leaf(host(*up_))});
    const auto r = send(config, "fault-dns-fallback");
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(r->json()["choices"][0]["message"]["content"].get<std::string>(), std::string("Hello from mock upstream"));
    QCOMPARE(r->header("x-portkey-last-used-option-index"), QByteArray("config.targets[1]"));
    QCOMPARE(up_->requestCount(), 1);

    const auto rows = logged(QStringLiteral("fault-dns-fallback"));
    QCOMPARE(int(rows.size()), 1);
    const RequestRecord& rec = rows.front();
    QCOMPARE(rec.status, 200);
    QVERIFY(rec.fallbackUsed);
    QCOMPARE(rec.attempts, 3);   // the unresolvable target, its one retry, then the fallback
    QCOMPARE(int(rec.attemptLog.size()), 3);
    for (int i = 0; i < 2; ++i) {
        QCOMPARE(rec.attemptLog[i].path, QStringLiteral("config.targets[0]"));
        QCOMPARE(rec.attemptLog[i].status, 502);
        QVERIFY2(rec.attemptLog[i].error.contains(QStringLiteral("Could not reach")), qPrintable(rec.attemptLog[i].error));
    }
    QCOMPARE(rec.attemptLog[2].path, QStringLiteral("config.targets[1]"));
    QCOMPARE(rec.attemptLog[2].status, 200);
}

void TestGatewayFaults::unresolvableHostWithoutFallbackGets502()
{
    const auto r = roundTrip(gw_.port(), httpRequest("POST", "/v1/chat/completions",
                                                     openAiHeaders(QStringLiteral("http://no-such-host.invalid/v1"),
                                                                   {{"x-portkey-trace-id", "fault-dns-alone"}}),
                                                     chatBody("nowhere", "gpt-4o-mini")),
                             8000);
    QVERIFY(r);
    const QString problem = openAiErrorProblem(*r, 502, QStringLiteral("upstream_unreachable"));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const std::string message = r->json()["error"]["message"].get<std::string>();
    QVERIFY2(message.find("no-such-host.invalid") != std::string::npos, message.c_str());
    QVERIFY(!r->raw.contains("sk-test"));

    const auto rows = logged(QStringLiteral("fault-dns-alone"));
    QCOMPARE(int(rows.size()), 1);
    QCOMPARE(rows.front().status, 502);
    QCOMPARE(rows.front().provider, QStringLiteral("openai"));
    QVERIFY(!rows.front().errorMessage.isEmpty());
}

void TestGatewayFaults::tlsToPlainHttpServerGets502AndFallsBack()
{
    RawServer plain(false);
    QVERIFY(plain.listen());

    // Alone: a clear TLS error.
    const auto r = roundTrip(gw_.port(), httpRequest("POST", "/v1/chat/completions",
                                                     openAiHeaders(plain.httpsHost(), {{"x-portkey-trace-id", "fault-tls-alone"}}),
                                                     chatBody("tls", "gpt-4o-mini")));
    QVERIFY(r);
    const QString problem = openAiErrorProblem(*r, 502, QStringLiteral("upstream_tls_error"));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(plain.accepted(), 1);
    const auto rows = logged(QStringLiteral("fault-tls-alone"));
    QCOMPARE(int(rows.size()), 1);
    QCOMPARE(rows.front().status, 502);

    // In a fallback: the next target answers.
    AttemptRecord failed;
    const QString why = fellBack(fallback({leaf(plain.httpsHost()), leaf(host(*up_))}), "fault-tls-fallback", &failed);
    QVERIFY2(why.isEmpty(), qPrintable(why));
    QCOMPARE(failed.status, 502);
    QVERIFY2(failed.error.contains(QStringLiteral("TLS")), qPrintable(failed.error));
    QTRY_COMPARE_WITH_TIMEOUT(plain.open(), 0, 3000);
}

void TestGatewayFaults::tlsHandshakeStallIsCutByRequestTimeout()
{
    // The socket accepts and never answers the ClientHello: request_timeout bounds the handshake too.
    RawServer silent(true);
    QVERIFY(silent.listen());
    AttemptRecord failed;
    const QString why = fellBack(fallback({leaf(silent.httpsHost(), R"(,"request_timeout":300)"), leaf(host(*up_))}), "fault-tls-stall", &failed);
    QVERIFY2(why.isEmpty(), qPrintable(why));
    // 408 whether the attempt timer or the transport's connect timeout (clamped to it) fires first
    QCOMPARE(failed.status, 408);
    QVERIFY2(failed.error.contains(QStringLiteral("300ms")), qPrintable(failed.error));
    QCOMPARE(silent.accepted(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(silent.open(), 0, 3000);   // the gateway hung up on it
}

void TestGatewayFaults::untrustedCertificateGets502AndFallsBack()
{
    // A real HTTPS server whose self-signed certificate no store trusts: refused, never served.
    const TestTlsCertificate cert = TestTlsCertificate::generate();
    QVERIFY(cert.isValid());
    MockUpstream tls;
    QVERIFY(tls.listenTls(cert.certificatePem, cert.privateKeyPem));

    const auto r = roundTrip(gw_.port(), httpRequest("POST", "/v1/chat/completions",
                                                     openAiHeaders(tls.baseUrl(), {{"x-portkey-trace-id", "fault-cert-alone"}}),
                                                     chatBody("tls", "gpt-4o-mini")));
    QVERIFY(r);
    const QString problem = openAiErrorProblem(*r, 502, QStringLiteral("upstream_tls_error"));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const QString message = QString::fromStdString(r->json()["error"]["message"].get<std::string>());
    QVERIFY2(message.contains(QStringLiteral("certificate"), Qt::CaseInsensitive), qPrintable(message));
    QCOMPARE(tls.requestCount(), 0);   // not a byte of the request went to the unverified peer

    AttemptRecord failed;
    const QString why = fellBack(fallback({leaf(tls.baseUrl()), leaf(host(*up_))}), "fault-cert-fallback", &failed);
    QVERIFY2(why.isEmpty(), qPrintable(why));
    QCOMPARE(failed.status, 502);
    QVERIFY2(failed.error.contains(QStringLiteral("certificate")), qPrintable(failed.error));
    QCOMPARE(tls.requestCount(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(tls.openConnections(), 0, 3000);
}

void TestGatewayFaults::certificateFromExtraCaFileIsTrusted()
{
    // The same kind of server, trusted through --upstream-ca-file: plain and streamed calls go through.
    const TestTlsCertificate cert = TestTlsCertificate::generate();
    QVERIFY(cert.isValid());
    MockUpstream tls;
    QVERIFY(tls.listenTls(cert.certificatePem, cert.privateKeyPem));
    QFile ca(dir_.filePath(QStringLiteral("private-ca.pem")));
    QVERIFY(ca.open(QIODevice::WriteOnly));
    ca.write(cert.certificatePem);
    ca.close();

    GatewaySettings s = testSettings();
    s.upstreamCaFile = ca.fileName();
    GatewayHarness trusting;
    QVERIFY(trusting.start(s));
    const auto r = roundTrip(trusting.port(), httpRequest("POST", "/v1/chat/completions", openAiHeaders(tls.baseUrl()),
                                                          chatBody("over tls", "gpt-4o-mini")));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(r->header("x-upstream-test"), QByteArray("yes"));
    QCOMPARE(r->json()["object"].get<std::string>(), std::string("chat.completion"));
    const auto streamed = roundTrip(trusting.port(), httpRequest("POST", "/v1/chat/completions", openAiHeaders(tls.baseUrl()),
                                                                 chatBody("over tls", "gpt-4o-mini", true)));
    QVERIFY(streamed);
    QCOMPARE(streamed->status, 200);
    QVERIFY2(streamed->body.contains("data: [DONE]"), streamed->body.constData());
    QCOMPARE(tls.requestCount(), 2);
    trusting.service().stopAndWait();
}

void TestGatewayFaults::stallBeforeHeadersTimesOutAndFallsBack()
{
    MockUpstream stalling;
    QVERIFY(stalling.listen());
    const QByteArray config = fallback({leaf(host(stalling, QStringLiteral("/stall"))), leaf(host(*up_))},
                                       R"(,"request_timeout":300)");
    const auto r = send(config, "fault-stall-head");
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(r->header("x-portkey-last-used-option-index"), QByteArray("config.targets[1]"));
    QCOMPARE(stalling.requestCount(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(stalling.openConnections(), 0, 3000);   // the timed-out call was hung up

    const auto rows = logged(QStringLiteral("fault-stall-head"));
    QCOMPARE(int(rows.size()), 1);
    const RequestRecord& rec = rows.front();
    QCOMPARE(rec.status, 200);
    QVERIFY(rec.fallbackUsed);
    QCOMPARE(int(rec.attemptLog.size()), 2);
    QCOMPARE(rec.attemptLog[0].status, 408);
    QVERIFY2(rec.attemptLog[0].error.contains(QStringLiteral("300ms")), qPrintable(rec.attemptLog[0].error));
    QCOMPARE(rec.attemptLog[1].status, 200);

    // Without a fallback the client gets the 408 itself.
    const auto alone = send(fallback({leaf(host(stalling, QStringLiteral("/stall")))}, R"(,"request_timeout":300)"), "fault-stall-head-alone");
    QVERIFY(alone);
    const QString problem = openAiErrorProblem(*alone, 408, QStringLiteral("timeout"));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QTRY_COMPARE_WITH_TIMEOUT(stalling.openConnections(), 0, 3000);
    QCOMPARE(int(logged(QStringLiteral("fault-stall-head-alone")).size()), 1);
}

void TestGatewayFaults::stallMidBodyIsCutByTotalTimeout()
{
    // Headers and half the JSON, then silence: request_timeout (head only, as in Portkey) no longer
    // applies; total_timeout does.
    MockUpstream stalling;
    QVERIFY(stalling.listen());
    const auto r = send(fallback({leaf(host(stalling, QStringLiteral("/stallmid")))}, R"(,"request_timeout":5000,"total_timeout":400)"),
                        "fault-stall-body");
    QVERIFY(r);
    const QString problem = openAiErrorProblem(*r, 504, QStringLiteral("timeout"));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY2(r->json()["error"]["message"].get<std::string>().find("total_timeout") != std::string::npos, r->body.constData());
    QTRY_COMPARE_WITH_TIMEOUT(stalling.openConnections(), 0, 3000);

    const auto rows = logged(QStringLiteral("fault-stall-body"));
    QCOMPARE(int(rows.size()), 1);
    QCOMPARE(rows.front().status, 504);
    QCOMPARE(rows.front().errorType, QStringLiteral("timeout_error"));
    QCOMPARE(rows.front().attempts, 1);
    QCOMPARE(int(rows.front().attemptLog.size()), 1);
    QCOMPARE(rows.front().attemptLog[0].status, 504);
}

void TestGatewayFaults::stallMidStreamEndsWithErrorEventAtDeadline()
{
    MockUpstream stalling;
    QVERIFY(stalling.listen());
    RawHttpClient c;
    QVERIFY(c.connectTo(gw_.port()));
    c.send(request(fallback({leaf(host(stalling, QStringLiteral("/stallmid")))}, R"(,"total_timeout":400)"),
                   "fault-stall-stream", true));
    const auto r = c.readResponse(5000);
    QVERIFY2(r, c.allReceived().constData());
    QCOMPARE(r->status, 200);
    QVERIFY(r->chunkedTerminatorSeen);   // a clean end, not a cut connection
    const QList<SseEvent> events = sseEvents(*r);
    QCOMPARE(events.size(), 3);
    QVERIFY(events[1].data.contains("\"content\":\"Hello\""));
    const auto err = nlohmann::json::parse(events[2].data.constBegin(), events[2].data.constEnd(), nullptr, false);
    QVERIFY2(err.is_object() && err.contains("error") && err["error"]["code"] == "timeout", events[2].data.constData());
    QVERIFY(!r->body.contains("[DONE]"));
    QTRY_COMPARE_WITH_TIMEOUT(stalling.openConnections(), 0, 3000);
    QVERIFY(!c.isClosed());   // and the client's connection is still good

    const auto rows = logged(QStringLiteral("fault-stall-stream"));
    QCOMPARE(int(rows.size()), 1);
    QCOMPARE(rows.front().status, 200);
    QVERIFY(rows.front().stream);
    QVERIFY2(rows.front().errorMessage.contains(QStringLiteral("total_timeout")), qPrintable(rows.front().errorMessage));
}

void TestGatewayFaults::clientLeavingMidStreamCancelsTheUpstream()
{
    MockUpstream slow;
    QVERIFY(slow.listen());
    {
        RawHttpClient c;
        QVERIFY(c.connectTo(gw_.port()));
        c.send(request(fallback({leaf(host(slow, QStringLiteral("/pace/300")))}), "fault-client-leaves", true));
        QVERIFY(c.waitForUnreadContaining("data: ", 3000));
        QCOMPARE(slow.openConnections(), 1);
        c.abort();
    }
    QTRY_COMPARE_WITH_TIMEOUT(slow.openConnections(), 0, 3000);
    const auto rows = logged(QStringLiteral("fault-client-leaves"));
    QCOMPARE(int(rows.size()), 1);
    const RequestRecord& rec = rows.front();
    QCOMPARE(rec.status, 499);
    QCOMPARE(rec.errorType, QStringLiteral("client_disconnected"));
    QVERIFY(rec.stream);
    QVERIFY(rec.responseBytes > 0);   // part of the stream had been sent
    QCOMPARE(rec.attempts, 1);        // the cut call still counts
    QCOMPARE(int(rec.attemptLog.size()), 1);
    QVERIFY2(rec.attemptLog[0].error.contains(QStringLiteral("client closed")), qPrintable(rec.attemptLog[0].error));
    const auto metrics = roundTrip(gw_.port(), httpRequest("GET", "/metrics", {}));
    QVERIFY(metrics);
    QVERIFY2(metrics->body.contains("\ngatehouse_in_flight_requests 0\n"), metrics->body.constData());
}

void TestGatewayFaults::clientLeavingDuringRetryWaitStopsTheRetries()
{
    // The provider asks for a 1 s pause; the client leaves during it: no retry may follow.
    MockUpstream limited;
    QVERIFY(limited.listen());
    const QByteArray config = fallback({leaf(host(limited, QStringLiteral("/status/429")),
                                             R"(,"retry":{"attempts":3,"on_status_codes":[429],"use_retry_after_header":true})")});
    {
        RawHttpClient c;
        QVERIFY(c.connectTo(gw_.port()));
        c.send(request(config, "fault-leave-in-wait"));
        QTRY_COMPARE_WITH_TIMEOUT(limited.requestCount(), 1, 3000);
        QTest::qWait(200);   // the 429 is in: the gateway is waiting out its second
        c.abort();
    }
    const auto rows = logged(QStringLiteral("fault-leave-in-wait"));
    QCOMPARE(int(rows.size()), 1);
    QCOMPARE(rows.front().status, 499);
    QCOMPARE(rows.front().attempts, 1);
    QCOMPARE(int(rows.front().attemptLog.size()), 1);
    QCOMPARE(rows.front().attemptLog[0].status, 429);
    QTest::qWait(1300);   // past the moment the retry was due
    QCOMPARE(limited.requestCount(), 1);
}

void TestGatewayFaults::rateLimitStormIsRetriedAfterRetryAfter()
{
    // Every client's first call meets the storm; each waits the second the provider asks for, then
    // gets through.
    StormUpstream storm;
    QVERIFY(storm.listen());
    storm.failFirst = kStormClients;
    storm.rateHeaders = {{"Retry-After", "1"}};
    const auto clients = sendStorm(stormConfig(storm, 2), "fault-storm-");
    QCOMPARE(int(clients.size()), kStormClients);
    for (int i = 0; i < kStormClients; ++i) {
        const auto r = clients[std::size_t(i)]->readResponse(8000);
        QVERIFY2(r, qPrintable(QString::number(i)));
        QCOMPARE(r->status, 200);
        QCOMPARE(r->header("x-portkey-retry-attempt-count"), QByteArray("1"));
        QCOMPARE(r->json()["choices"][0]["message"]["content"].get<std::string>(), std::string("after the storm"));
    }
    QCOMPARE(storm.requestCount(), 2 * kStormClients);
    for (int i = 0; i < kStormClients; ++i) {
        const auto rows = logged(QStringLiteral("fault-storm-%1").arg(i));
        QCOMPARE(int(rows.size()), 1);
        const RequestRecord& rec = rows.front();
        QCOMPARE(rec.status, 200);
        QCOMPARE(rec.attempts, 2);
        QCOMPARE(rec.retries, 1);
        QCOMPARE(int(rec.attemptLog.size()), 2);
        QCOMPARE(rec.attemptLog[0].status, 429);
        // The retry started no earlier than the asked second after the 429 arrived.
        const double waited = rec.attemptLog[1].startMs - (rec.attemptLog[0].startMs + rec.attemptLog[0].latencyMs);
        QVERIFY2(waited >= 995, qPrintable(QString::number(waited)));
    }
}

void TestGatewayFaults::rateLimitStormAskingTooLongIsNotWaitedOut()
{
    // Retry-After beyond the 60 s bound: no retry, every client gets the 429 (and the hint) at once.
    StormUpstream storm;
    QVERIFY(storm.listen());
    storm.rateHeaders = {{"Retry-After", "120"}};
    const auto clients = sendStorm(stormConfig(storm, 3), "fault-storm-long-");
    QCOMPARE(int(clients.size()), kStormClients);
    const QString why = stormEndedIn429(clients, "fault-storm-long-", 1, "120");
    QVERIFY2(why.isEmpty(), qPrintable(why));
    QCOMPARE(storm.requestCount(), kStormClients);
}

void TestGatewayFaults::rateLimitStormRunsOutOfRetries()
{
    // A storm that does not pass: each client gets exactly attempts + 1 calls, then the 429.
    StormUpstream storm;
    QVERIFY(storm.listen());
    storm.rateHeaders = {{"retry-after-ms", "20"}};
    const auto clients = sendStorm(stormConfig(storm, 2), "fault-storm-out-");
    QCOMPARE(int(clients.size()), kStormClients);
    const QString why = stormEndedIn429(clients, "fault-storm-out-", 3);
    QVERIFY2(why.isEmpty(), qPrintable(why));
    QCOMPARE(storm.requestCount(), 3 * kStormClients);
}

void TestGatewayFaults::pipelinedGarbageWaitsForTheStreamBeforeIt()
{
    // A streamed call behind which the client pipelined garbage: the stream is completed first,
    // then the garbage gets its 400 and the connection is closed.
    QByteArray batch = request(fallback({leaf(host(*up_, QStringLiteral("/pace/50")))}), "fault-pipelined-garbage", true);
    batch += QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 NOT HTTP\r\n\r\n", 24);
    RawHttpClient c;
    QVERIFY(c.connectTo(gw_.port()));
    c.send(batch);   // one write
    const auto r = c.readResponse(5000);
    QVERIFY2(r, c.allReceived().constData());
    QCOMPARE(r->status, 200);
    QVERIFY(r->chunkedTerminatorSeen);
    const QList<SseEvent> events = sseEvents(*r);
    QCOMPARE(events.size(), 8);
    QCOMPARE(events.last().data, QByteArray("[DONE]"));
    const auto bad = c.readResponse(3000);
    QVERIFY2(bad, c.unread().constData());
    const QString problem = openAiErrorProblem(*bad, 400, QStringLiteral("bad_request"));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(c.waitForClosed(3000));

    const auto rows = logged(QStringLiteral("fault-pipelined-garbage"));
    QCOMPARE(int(rows.size()), 1);
    QCOMPARE(rows.front().status, 200);
    QVERIFY(rows.front().errorType.isEmpty());
}

QTEST_GUILESS_MAIN(TestGatewayFaults)
#include "tst_gateway_faults.moc"
