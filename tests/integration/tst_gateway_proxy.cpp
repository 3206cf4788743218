// The gateway relaying to a real HTTP upstream (MockUpstream on loopback) through the `openai`
// provider with x-portkey-custom-host: what reaches the provider, what comes back to the client
// (bytes, headers, SSE pacing), how upstream failures and client hang-ups are handled, and the 4xx
// answers for bad client input.

#include "integration_support.h"
#include "mock_upstream.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QHostAddress>
#include <QTimer>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTest>

#include <algorithm>
#include <memory>

#include <sys/socket.h>

using namespace gatehouse;
using namespace gatehouse::itest;
using gatehouse::test::MockUpstream;

Q_DECLARE_METATYPE(gatehouse::itest::RawHeaders)

namespace {

// An upstream that streams a large SSE answer as fast as its socket takes it (its own send buffer
// kept small), so a stalled reader downstream shows up here as writes that stop progressing.
class BigStreamUpstream : public QObject {
public:
    static constexpr int kEvents = 32 * 1024;   // ~1 KiB each: ~32 MiB

    BigStreamUpstream()
    {
        QObject::connect(&server_, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = server_.nextPendingConnection()) {
                if (socket_) {
                    s->deleteLater();
                    continue;
                }
                socket_ = s;
                s->setSocketOption(QAbstractSocket::LowDelayOption, 1);   // as real servers do: no Nagle delays
                const int small = 64 * 1024;
                ::setsockopt(int(s->socketDescriptor()), SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
                QObject::connect(s, &QTcpSocket::readyRead, this, [this] { onRead(); });
                QObject::connect(s, &QTcpSocket::bytesWritten, this, [this](qint64 n) { written_ += n; pump(); });
                QObject::connect(s, &QTcpSocket::disconnected, this, [this] { disconnected_ = true; });
            }
        });
    }
    ~BigStreamUpstream() override
    {
        if (socket_)
            socket_->disconnect(this);
    }
    bool listen() { return server_.listen(QHostAddress::LocalHost, 0); }
    QString host() const { return QStringLiteral("http://127.0.0.1:%1/v1").arg(server_.serverPort()); }
    qint64 written() const { return written_; }
    bool finished() const { return next_ >= kEvents && doneSent_; }
    bool disconnected() const { return disconnected_; }

    static QByteArray event(int i)
    {
        return "data: {\"i\":" + QByteArray::number(i) + ",\"pad\":\"" + QByteArray(1000, char('a' + i % 26)) + "\"}\n\n";
    }
    static QByteArray expectedBody()
    {
        QByteArray all;
        all.reserve(qsizetype(kEvents) * 1030);
        for (int i = 0; i < kEvents; ++i)
            all += event(i);
        return all + "data: [DONE]\n\n";
    }

private:
    void onRead()
    {
        in_ += socket_->readAll();
        const qsizetype headEnd = in_.indexOf("\r\n\r\n");
        if (started_ || headEnd < 0)
            return;
        const qsizetype at = in_.toLower().indexOf("content-length:");
        const qsizetype length = at < 0 ? 0 : in_.mid(at + 15, in_.indexOf("\r\n", at) - at - 15).trimmed().toLongLong();
        if (in_.size() < headEnd + 4 + length)
            return;
        started_ = true;
        socket_->write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
        pump();
    }
    void pump()
    {
        if (!started_ || !socket_ || socket_->state() != QAbstractSocket::ConnectedState)
            return;
        while (socket_->bytesToWrite() < 64 * 1024 && next_ < kEvents) {
            const QByteArray e = event(next_++);
            socket_->write(QByteArray::number(e.size(), 16) + "\r\n" + e + "\r\n");
        }
        if (next_ >= kEvents && !doneSent_) {
            doneSent_ = true;
            const QByteArray done = "data: [DONE]\n\n";
            socket_->write(QByteArray::number(done.size(), 16) + "\r\n" + done + "\r\n0\r\n\r\n");
        }
    }

    QTcpServer server_;
    QTcpSocket* socket_ = nullptr;
    QByteArray in_;
    bool started_ = false;
    bool doneSent_ = false;
    bool disconnected_ = false;
    int next_ = 0;
    qint64 written_ = 0;
};

// A keep-alive upstream that answers every request with the same small JSON and can hang up on all
// its (idle) connections, as servers do with their keep-alive timeouts.
class KeepAliveUpstream : public QObject {
public:
    KeepAliveUpstream()
    {
        QObject::connect(&server_, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = server_.nextPendingConnection()) {
                ++accepted_;
                buffers_.insert(s, {});
                QObject::connect(s, &QTcpSocket::readyRead, this, [this, s] { answer(s); });
                QObject::connect(s, &QObject::destroyed, this, [this, s] { buffers_.remove(s); });
            }
        });
    }
    ~KeepAliveUpstream() override
    {
        for (QTcpSocket* s : server_.findChildren<QTcpSocket*>())   // they outlive buffers_
            s->disconnect(this);
    }
    bool listen() { return server_.listen(QHostAddress::LocalHost, 0); }
    QString host() const { return QStringLiteral("http://127.0.0.1:%1/v1").arg(server_.serverPort()); }
    int accepted() const { return accepted_; }
    void hangUpAll()
    {
        for (QTcpSocket* s : buffers_.keys()) {
            s->disconnectFromHost();
            s->deleteLater();
        }
    }

private:
    void answer(QTcpSocket* s)
    {
        QByteArray& buf = buffers_[s];
        buf += s->readAll();
        for (;;) {
            const qsizetype headEnd = buf.indexOf("\r\n\r\n");
            if (headEnd < 0)
                return;
            const qsizetype at = buf.toLower().indexOf("content-length:");
            const qsizetype length = at < 0 || at > headEnd ? 0
                : buf.mid(at + 15, buf.indexOf("\r\n", at) - at - 15).trimmed().toLongLong();
            if (buf.size() < headEnd + 4 + length)
                return;
            buf.remove(0, headEnd + 4 + length);
            const QByteArray body = R"({"id":"ka","object":"chat.completion","choices":[]})";
            s->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                     + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        }
    }

    QTcpServer server_;
    QHash<QTcpSocket*, QByteArray> buffers_;
    int accepted_ = 0;
};

// A client that reads nothing until told to: its socket buffers at most 64 KiB, so the kernel's
// receive window fills and the gateway's writes back up.
class SlowReader {
public:
    bool connectTo(quint16 port)
    {
        socket_.setReadBufferSize(64 * 1024);
        socket_.connectToHost(QHostAddress::LocalHost, port);
        return socket_.waitForConnected(3000);
    }
    void send(const QByteArray& bytes)
    {
        socket_.write(bytes);
        socket_.flush();
    }
    // From now on read everything; true once the chunked terminator has arrived.
    // (An event loop, not QTest::qWaitFor: that sleeps 10 ms between polls, which would cap throughput.)
    bool readToEnd(int timeoutMs)
    {
        QEventLoop loop;
        auto check = [&] {
            data_ += socket_.readAll();
            if (data_.endsWith("\r\n0\r\n\r\n"))
                loop.quit();
        };
        QObject::connect(&socket_, &QTcpSocket::readyRead, &loop, check);
        QObject::connect(&socket_, &QTcpSocket::disconnected, &loop, &QEventLoop::quit);
        QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
        socket_.setReadBufferSize(0);
        QTimer::singleShot(0, &loop, check);
        loop.exec();
        data_ += socket_.readAll();
        return data_.endsWith("\r\n0\r\n\r\n");
    }
    const QByteArray& data() const { return data_; }
    void abort() { socket_.abort(); }

private:
    QTcpSocket socket_;
    QByteArray data_;
};

} // namespace

class TestGatewayProxy : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void nonStreamChatIsRelayedByteForByte();
    void upstreamSeesOnlyProviderHeaders();
    void forwardHeadersAreForwarded();
    void queryStringReachesTheUpstream();
    void responseCarriesPortkeyAndUpstreamHeaders();
    void generatedTraceIdIsAUuid();
    void streamIsRelayedAsEventsArrive();
    void upstreamErrorStatusPassesThrough_data();
    void upstreamErrorStatusPassesThrough();
    void upstreamTextErrorIsWrappedAsOpenAiError();
    void unreachableUpstreamGets502();
    void requestTimeoutGets408();
    void upstreamResetGets502();
    void upstreamResetMidStreamEndsWithErrorEvent();
    void clientDisconnectDuringStallDropsUpstream();
    void clientDisconnectDuringStreamDropsUpstream();
    void slowClientPausesUpstreamAndLosesNothing();
    void slowClientHangingUpWhilePausedDropsUpstream();
    void embeddingsAreRelayed();
    void legacyCompletionsAreRelayed();
    void modelsAreListedWithGet();
    void concurrentRequestsAreKeptApart();
    void upstreamClosingIdleConnectionsIsTransparent();
    void customHostWithTrailingSlash();
    void invalidJsonBodyGets400();
    void invalidMetadataGets400();
    void unknownProviderGets400ListingProviders();
    void missingAuthorizationGets401();
    void badClientInputNeverReachesTheUpstream_data();
    void badClientInputNeverReachesTheUpstream();
    void headerErrorsStillEchoTraceAndProvider();

private:
    QString host(const QString& prefix = {}) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2/v1").arg(up_->port()).arg(prefix);
    }
    std::optional<HttpResponse> viaGateway(QByteArrayView method, QByteArrayView path, const RawHeaders& headers,
                                           QByteArrayView body = {}, int timeoutMs = 5000)
    {
        return roundTrip(gw_.port(), httpRequest(method, path, headers, body), timeoutMs);
    }
    // The upstream's own answer to the same call, for byte-for-byte comparison.
    std::optional<HttpResponse> direct(QByteArrayView method, QByteArrayView path, QByteArrayView body = {})
    {
        auto r = roundTrip(up_->port(), httpRequest(method, path, {{"Content-Type", "application/json"}}, body));
        up_->clear();
        return r;
    }
    const RequestRecord* waitForRecord(const QString& traceId, int timeoutMs = 3000)
    {
        (void)QTest::qWaitFor([&] { return gw_.countByTrace(traceId) > 0; }, timeoutMs);
        QTest::qWait(60);   // a duplicate would arrive in the same or the next batch
        return gw_.recordByTrace(traceId);
    }

    GatewayHarness gw_;
    std::unique_ptr<MockUpstream> up_;
};

void TestGatewayProxy::initTestCase()
{
    QVERIFY(gw_.start());
}

void TestGatewayProxy::init()
{
    up_ = std::make_unique<MockUpstream>();   // fresh per test: its connection count is this test's alone
    QVERIFY(up_->listen());
}

void TestGatewayProxy::cleanup()
{
    up_.reset();
}

void TestGatewayProxy::cleanupTestCase()
{
    gw_.service().stopAndWait();
}

void TestGatewayProxy::nonStreamChatIsRelayedByteForByte()
{
    const QByteArray body = chatBody("relay me", "gpt-4o-mini");
    const auto expected = direct("POST", "/v1/chat/completions", body);
    QVERIFY(expected);
    QCOMPARE(expected->status, 200);

    const auto r = viaGateway("POST", "/v1/chat/completions", openAiHeaders(host()), body);
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(r->body, expected->body);
    QCOMPARE(r->header("content-type"), expected->header("content-type"));
    QCOMPARE(r->json()["choices"][0]["message"]["content"].get<std::string>(), std::string("Hello from mock upstream"));
}

void TestGatewayProxy::upstreamSeesOnlyProviderHeaders()
{
    const QByteArray body = chatBody("what does the upstream see", "gpt-4o-mini");
    const auto r = viaGateway("POST", "/v1/chat/completions",
                              openAiHeaders(host(), {{"x-portkey-trace-id", "trace-upstream-view"},
                                                     {"x-portkey-metadata", R"({"_user":"alice"})"},
                                                     {"x-custom", "not listed"}}),
                              body);
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(up_->requestCount(), 1);
    const MockUpstream::Received got = up_->received().first();
    QCOMPARE(got.method, QByteArray("POST"));
    QCOMPARE(got.path, QByteArray("/v1/chat/completions"));
    QCOMPARE(got.header("authorization"), QByteArray("Bearer sk-test"));
    QCOMPARE(got.header("content-type"), QByteArray("application/json"));
    QCOMPARE(got.body, body);
    int authorizations = 0;
    for (const auto& [name, value] : got.headers) {
        QVERIFY2(!name.startsWith("x-portkey-"), name.constData());
        authorizations += name == "authorization" ? 1 : 0;
    }
    QCOMPARE(authorizations, 1);
    QVERIFY(got.header("x-custom").isEmpty());   // only listed headers are forwarded
}

void TestGatewayProxy::forwardHeadersAreForwarded()
{
    const auto r = viaGateway("POST", "/v1/chat/completions",
                              openAiHeaders(host(), {{"x-portkey-forward-headers", "x-custom"},
                                                     {"X-Custom", "forward me"},
                                                     {"x-other", "keep me here"},
                                                     {"openai-organization", "org-123"}}),
                              chatBody("forward", "gpt-4o-mini"));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(up_->requestCount(), 1);
    const MockUpstream::Received got = up_->received().first();
    QCOMPARE(got.header("x-custom"), QByteArray("forward me"));
    QVERIFY(got.header("x-other").isEmpty());
    QCOMPARE(got.header("openai-organization"), QByteArray("org-123"));
    for (const auto& h : got.headers)
        QVERIFY2(!h.first.startsWith("x-portkey-"), h.first.constData());
}

void TestGatewayProxy::queryStringReachesTheUpstream()
{
    const auto r = viaGateway("POST", "/v1/chat/completions?api-version=2024-06-01", openAiHeaders(host()),
                              chatBody("query", "gpt-4o-mini"));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(up_->requestCount(), 1);
    QCOMPARE(up_->received().first().path, QByteArray("/v1/chat/completions?api-version=2024-06-01"));
}

void TestGatewayProxy::responseCarriesPortkeyAndUpstreamHeaders()
{
    const auto r = viaGateway("POST", "/v1/chat/completions",
                              openAiHeaders(host(), {{"x-portkey-trace-id", "my-agent-run-42"}}),
                              chatBody("headers", "gpt-4o-mini"));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(r->header("x-portkey-trace-id"), QByteArray("my-agent-run-42"));
    QCOMPARE(r->header("x-portkey-provider"), QByteArray("openai"));
    QCOMPARE(r->header("x-portkey-retry-attempt-count"), QByteArray("0"));
    QVERIFY(r->hasHeader("x-portkey-cache-status"));
    QVERIFY(r->hasHeader("x-portkey-last-used-option-index"));
    QVERIFY2(QRegularExpression(QStringLiteral("^req_[0-9a-f]{24}$")).match(QString::fromLatin1(r->header("x-portkey-request-id"))).hasMatch(),
             r->header("x-portkey-request-id").constData());
    QCOMPARE(r->header("x-upstream-test"), QByteArray("yes"));
    QCOMPARE(r->header("x-request-id"), QByteArray("req_mock_1"));   // the provider's own headers pass
    for (const char* name : {"x-portkey-trace-id", "x-portkey-provider", "x-portkey-retry-attempt-count",
                             "x-portkey-cache-status", "x-portkey-last-used-option-index", "x-portkey-request-id",
                             "x-upstream-test", "content-type"})
        QVERIFY2(r->headerCount(name) == 1, name);
    // Hop-by-hop headers are the gateway's own, never the upstream's copied next to them.
    QCOMPARE(r->headerCount("content-length"), 1);
    QCOMPARE(r->headerCount("transfer-encoding"), 0);
    QVERIFY(r->headerCount("connection") <= 1);
    QCOMPARE(r->header("content-length").toLongLong(), r->body.size());

    // Streamed: chunked exactly once, no length.
    RawHttpClient c;
    QVERIFY(c.connectTo(gw_.port()));
    c.send(httpRequest("POST", "/v1/chat/completions", openAiHeaders(host()), chatBody("s", "gpt-4o-mini", true)));
    const auto s = c.readResponse();
    QVERIFY(s);
    QCOMPARE(s->status, 200);
    QCOMPARE(s->headerCount("transfer-encoding"), 1);
    QCOMPARE(s->headerCount("content-length"), 0);
    QVERIFY(s->headerCount("connection") <= 1);
    QCOMPARE(s->header("x-upstream-test"), QByteArray("yes"));
    QCOMPARE(s->header("x-portkey-provider"), QByteArray("openai"));
    QVERIFY(s->hasHeader("x-portkey-trace-id"));
}

void TestGatewayProxy::generatedTraceIdIsAUuid()
{
    const QRegularExpression uuid(QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"));
    QSet<QByteArray> seen;
    for (int i = 0; i < 2; ++i) {
        const auto r = viaGateway("POST", "/v1/chat/completions", openAiHeaders(host()), chatBody("t", "gpt-4o-mini"));
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        const QByteArray id = r->header("x-portkey-trace-id");
        QVERIFY2(uuid.match(QString::fromLatin1(id)).hasMatch(), id.constData());
        seen.insert(id);
    }
    QCOMPARE(seen.size(), 2);
    // Errors the gateway answers itself carry one too.
    const auto e = viaGateway("POST", "/v1/chat/completions", openAiHeaders(host()), "{broken");
    QVERIFY(e);
    QCOMPARE(e->status, 400);
    QVERIFY(uuid.match(QString::fromLatin1(e->header("x-portkey-trace-id"))).hasMatch());
}

void TestGatewayProxy::streamIsRelayedAsEventsArrive()
{
    const QByteArray body = chatBody("stream me", "gpt-4o-mini", true);
    const auto expected = direct("POST", "/v1/chat/completions", body);
    QVERIFY(expected);

    RawHttpClient c;
    QVERIFY(c.connectTo(gw_.port()));
    c.send(httpRequest("POST", "/v1/chat/completions", openAiHeaders(host(QStringLiteral("/pace/100"))), body));
    const auto r = c.readResponse(5000);
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QVERIFY(r->header("content-type").startsWith("text/event-stream"));
    QVERIFY(r->chunked);
    QVERIFY(r->chunkedTerminatorSeen);
    QVERIFY(r->raw.endsWith("\r\n0\r\n\r\n"));
    QCOMPARE(r->body, expected->body);   // the events, unchanged

    const QList<SseEvent> events = sseEvents(*r);
    QCOMPARE(events.size(), 8);          // role, 5 pieces, finish, [DONE]
    QCOMPARE(events.last().data, QByteArray("[DONE]"));
    QList<qint64> at;
    for (const SseEvent& e : events)
        at << c.arrivalMs(e.streamEnd);
    QVERIFY(!at.contains(-1));
    // 7 gaps of 100 ms upstream: the client must see them, not one burst at the end.
    const qint64 spread = at.last() - at.first();
    QVERIFY2(spread >= 450, qPrintable(QStringLiteral("first event at %1 ms, last at %2 ms").arg(at.first()).arg(at.last())));
    int separate = 0;
    for (int i = 1; i < at.size(); ++i)
        separate += at[i] - at[i - 1] >= 40 ? 1 : 0;
    QVERIFY2(separate >= 5, qPrintable(QStringLiteral("arrivals bunched: %1").arg(
                                 [&] { QStringList l; for (qint64 v : at) l << QString::number(v); return l.join(','); }())));
}

void TestGatewayProxy::upstreamErrorStatusPassesThrough_data()
{
    QTest::addColumn<int>("status");
    QTest::newRow("503") << 503;
    QTest::newRow("429") << 429;
    QTest::newRow("400") << 400;
    QTest::newRow("500") << 500;
}

void TestGatewayProxy::upstreamErrorStatusPassesThrough()
{
    QFETCH(int, status);
    const QString prefix = QStringLiteral("/status/%1").arg(status);
    const QByteArray body = chatBody("fail please", "gpt-4o-mini");
    const auto expected = direct("POST", "/status/" + QByteArray::number(status) + "/v1/chat/completions", body);
    QVERIFY(expected);
    QCOMPARE(expected->status, status);

    const auto r = viaGateway("POST", "/v1/chat/completions", openAiHeaders(host(prefix)), body);
    QVERIFY(r);
    QCOMPARE(r->status, status);
    QCOMPARE(r->body, expected->body);
    const QString problem = openAiErrorProblem(*r, status, QStringLiteral("mock_%1").arg(status));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    if (status == 429)
        QCOMPARE(r->header("retry-after"), QByteArray("1"));
    QCOMPARE(r->header("x-portkey-provider"), QByteArray("openai"));
}

void TestGatewayProxy::upstreamTextErrorIsWrappedAsOpenAiError()
{
    const auto r = viaGateway("POST", "/v1/chat/completions", openAiHeaders(host(QStringLiteral("/text/502"))),
                              chatBody("text error", "gpt-4o-mini"));
    QVERIFY(r);
    const QString problem = openAiErrorProblem(*r, 502, QStringLiteral("upstream_error"));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const auto j = r->json();
    QVERIFY2(j["error"]["message"].get<std::string>().find("upstream says no") != std::string::npos, r->body.constData());
    QCOMPARE(r->headerCount("content-type"), 1);
}

void TestGatewayProxy::unreachableUpstreamGets502()
{
    const auto r = viaGateway("POST", "/v1/chat/completions", openAiHeaders(QStringLiteral("http://127.0.0.1:1/v1")),
                              chatBody("nobody home", "gpt-4o-mini"));
    QVERIFY(r);
    const QString problem = openAiErrorProblem(*r, 502, QStringLiteral("upstream_unreachable"));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestGatewayProxy::requestTimeoutGets408()
{
    QElapsedTimer t;
    t.start();
    const auto r = viaGateway("POST", "/v1/chat/completions",
                              openAiHeaders(host(QStringLiteral("/delay/2000")), {{"x-portkey-request-timeout", "200"}}),
                              chatBody("too slow", "gpt-4o-mini"));
    const qint64 ms = t.elapsed();
    QVERIFY(r);
    const QString problem = openAiErrorProblem(*r, 408, QStringLiteral("timeout"));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY2(ms >= 150 && ms < 1500, qPrintable(QString::number(ms)));
}

void TestGatewayProxy::upstreamResetGets502()
{
    const auto r = viaGateway("POST", "/v1/chat/completions", openAiHeaders(host(QStringLiteral("/reset"))),
                              chatBody("reset", "gpt-4o-mini"));
    QVERIFY(r);
    const QString problem = openAiErrorProblem(*r, 502, QStringLiteral("upstream_connection_reset"));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestGatewayProxy::upstreamResetMidStreamEndsWithErrorEvent()
{
    RawHttpClient c;
    QVERIFY(c.connectTo(gw_.port()));
    c.send(httpRequest("POST", "/v1/chat/completions", openAiHeaders(host(QStringLiteral("/resetmid"))),
                       chatBody("break me", "gpt-4o-mini", true)));
    const auto r = c.readResponse(5000);
    QVERIFY2(r, qPrintable(QString::fromUtf8(c.allReceived())));
    QCOMPARE(r->status, 200);
    QVERIFY(r->chunkedTerminatorSeen);   // a clean end of stream, not a dropped connection
    const QList<SseEvent> events = sseEvents(*r);
    // The upstream broke off inside its third event: that half is not relayed, and the error event
    // is a whole event of its own.
    QCOMPARE(events.size(), 3);
    QVERIFY(events[0].data.contains("\"role\":\"assistant\""));
    QVERIFY(events[1].data.contains("\"content\":\"Hello\""));
    const auto err = nlohmann::json::parse(events[2].data.constBegin(), events[2].data.constEnd(), nullptr, false);
    QVERIFY2(err.is_object() && err.contains("error") && err["error"].contains("message"), events[2].data.constData());
    QVERIFY(!r->body.contains("[DONE]"));

    // The connection survives a broken upstream stream.
    QVERIFY(!c.isClosed());
    c.send(httpRequest("GET", "/health", {}));
    const auto h = c.readResponse();
    QVERIFY(h);
    QCOMPARE(h->status, 200);
}

void TestGatewayProxy::clientDisconnectDuringStallDropsUpstream()
{
    const QString trace = QStringLiteral("trace-stall-hangup");
    {
        RawHttpClient c;
        QVERIFY(c.connectTo(gw_.port()));
        c.send(httpRequest("POST", "/v1/chat/completions",
                           openAiHeaders(host(QStringLiteral("/stall")), {{"x-portkey-trace-id", trace.toUtf8()}}),
                           chatBody("stall", "gpt-4o-mini")));
        QTRY_COMPARE_WITH_TIMEOUT(up_->requestCount(), 1, 3000);
        QCOMPARE(up_->openConnections(), 1);
        c.abort();
    }
    QTRY_COMPARE_WITH_TIMEOUT(up_->openConnections(), 0, 3000);
    const RequestRecord* rec = waitForRecord(trace);
    QVERIFY(rec);
    QCOMPARE(rec->status, 499);
    QCOMPARE(rec->provider, QStringLiteral("openai"));

    const auto h = roundTrip(gw_.port(), httpRequest("GET", "/health", {}));
    QVERIFY(h);
    QCOMPARE(h->status, 200);
    QCOMPARE(h->json().value("in_flight", -1), 0);
}

void TestGatewayProxy::clientDisconnectDuringStreamDropsUpstream()
{
    // 8 events 300 ms apart: the upstream would stream for 2.1 s; the hang-up must end it long before.
    const QString trace = QStringLiteral("trace-stream-hangup");
    QElapsedTimer sinceAbort;
    {
        RawHttpClient c;
        QVERIFY(c.connectTo(gw_.port()));
        c.send(httpRequest("POST", "/v1/chat/completions",
                           openAiHeaders(host(QStringLiteral("/pace/300")), {{"x-portkey-trace-id", trace.toUtf8()}}),
                           chatBody("hang up", "gpt-4o-mini", true)));
        QVERIFY(c.waitForUnreadContaining("data: ", 3000));
        QCOMPARE(up_->openConnections(), 1);
        c.abort();
        sinceAbort.start();
    }
    QTRY_COMPARE_WITH_TIMEOUT(up_->openConnections(), 0, 3000);
    QVERIFY2(sinceAbort.elapsed() < 1200, qPrintable(QString::number(sinceAbort.elapsed())));
    const RequestRecord* rec = waitForRecord(trace);
    QVERIFY(rec);
    QCOMPARE(rec->status, 499);
    QVERIFY(rec->stream);

    const auto r = viaGateway("POST", "/v1/chat/completions", openAiHeaders(host()), chatBody("after", "gpt-4o-mini"));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
}

void TestGatewayProxy::slowClientPausesUpstreamAndLosesNothing()
{
    BigStreamUpstream big;
    QVERIFY(big.listen());
    SlowReader client;
    QVERIFY(client.connectTo(gw_.port()));
    client.send(httpRequest("POST", "/v1/chat/completions",
                            openAiHeaders(big.host(), {{"x-portkey-trace-id", "trace-slow-reader"}}),
                            chatBody("big", "gpt-4o-mini", true)));
    // The client reads nothing: the upstream must come to a standstill long before the end.
    QVERIFY(QTest::qWaitFor([&] { return big.written() > 0; }, 3000));
    qint64 before = -1;
    const bool stalled = QTest::qWaitFor([&] {
        const qint64 now = big.written();
        QTest::qWait(250);
        before = now;
        return big.written() == now;
    }, 5000);
    const qint64 total = BigStreamUpstream::expectedBody().size();
    QVERIFY2(stalled && !big.finished(),
             qPrintable(QStringLiteral("upstream not held back: %1 of %2 bytes written").arg(big.written()).arg(total)));
    QVERIFY2(before < total / 2, qPrintable(QStringLiteral("%1 of %2 bytes buffered for a reader that reads nothing").arg(before).arg(total)));

    // Then it reads: everything arrives, in order, nothing lost or repeated across pause/resume, and
    // at full speed again (a resumed transfer must not crawl).
    QElapsedTimer readClock;
    readClock.start();
    const bool ended = client.readToEnd(30000);
    const qint64 readMs = readClock.elapsed();
    qInfo("upstream held at %lld of %lld bytes; the rest arrived in %lld ms", before, total, readMs);
    QVERIFY2(ended, qPrintable(QStringLiteral("received %1 bytes").arg(client.data().size())));
    HttpResponse r;
    qsizetype consumed = 0;
    QCOMPARE(parseHttpResponse(client.data(), r, &consumed), ParseState::Complete);
    QCOMPARE(r.status, 200);
    QVERIFY(r.body == BigStreamUpstream::expectedBody());
    QVERIFY2(readMs < 5000, qPrintable(QStringLiteral("%1 ms for the remaining %2 bytes").arg(readMs).arg(total - before)));
    QTRY_VERIFY_WITH_TIMEOUT(gw_.countByTrace(QStringLiteral("trace-slow-reader")) == 1, 3000);
    const RequestRecord* rec = gw_.recordByTrace(QStringLiteral("trace-slow-reader"));
    QCOMPARE(rec->status, 200);
    QCOMPARE(rec->responseBytes, total);
}

void TestGatewayProxy::slowClientHangingUpWhilePausedDropsUpstream()
{
    BigStreamUpstream big;
    QVERIFY(big.listen());
    {
        SlowReader client;
        QVERIFY(client.connectTo(gw_.port()));
        client.send(httpRequest("POST", "/v1/chat/completions",
                                openAiHeaders(big.host(), {{"x-portkey-trace-id", "trace-paused-hangup"}}),
                                chatBody("big", "gpt-4o-mini", true)));
        QVERIFY(QTest::qWaitFor([&] { return big.written() > 0; }, 3000));
        QTest::qWait(300);   // paused by now
        client.abort();
    }
    QTRY_VERIFY_WITH_TIMEOUT(big.disconnected(), 3000);
    QTRY_VERIFY_WITH_TIMEOUT(gw_.countByTrace(QStringLiteral("trace-paused-hangup")) == 1, 3000);
    QCOMPARE(gw_.recordByTrace(QStringLiteral("trace-paused-hangup"))->status, 499);
    const auto h = roundTrip(gw_.port(), httpRequest("GET", "/health", {}));
    QVERIFY(h);
    QCOMPARE(h->json().value("in_flight", -1), 0);
}

void TestGatewayProxy::embeddingsAreRelayed()
{
    const QByteArray body = R"({"model":"text-embedding-3-small","input":"embed me"})";
    const auto expected = direct("POST", "/v1/embeddings", body);
    QVERIFY(expected);
    const auto r = viaGateway("POST", "/v1/embeddings", openAiHeaders(host()), body);
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(r->body, expected->body);
    QCOMPARE(up_->requestCount(), 1);
    QCOMPARE(up_->received().first().path, QByteArray("/v1/embeddings"));
    QCOMPARE(up_->received().first().body, body);
}

void TestGatewayProxy::legacyCompletionsAreRelayed()
{
    const QByteArray body = R"({"model":"gpt-3.5-turbo-instruct","prompt":"Say hi"})";
    const auto expected = direct("POST", "/v1/completions", body);
    QVERIFY(expected);
    const auto r = viaGateway("POST", "/v1/completions", openAiHeaders(host()), body);
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(r->body, expected->body);
    QCOMPARE(up_->received().first().path, QByteArray("/v1/completions"));
}

void TestGatewayProxy::modelsAreListedWithGet()
{
    const auto expected = direct("GET", "/v1/models");
    QVERIFY(expected);
    RawHeaders h = openAiHeaders(host());
    h.removeIf([](const auto& p) { return p.first == "Content-Type"; });
    const auto r = viaGateway("GET", "/v1/models", h);
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(r->body, expected->body);
    QCOMPARE(up_->requestCount(), 1);
    const MockUpstream::Received got = up_->received().first();
    QCOMPARE(got.method, QByteArray("GET"));
    QCOMPARE(got.path, QByteArray("/v1/models"));
    QCOMPARE(got.header("authorization"), QByteArray("Bearer sk-test"));
    QVERIFY(got.body.isEmpty());
}

void TestGatewayProxy::concurrentRequestsAreKeptApart()
{
    // Many transfers on the libcurl multi at once, streamed and not, finishing in scrambled order:
    // every client gets its own answer.
    constexpr int kClients = 24;
    std::vector<std::unique_ptr<RawHttpClient>> clients;
    for (int i = 0; i < kClients; ++i) {
        const bool stream = i % 2 == 1;
        const QString prefix = stream ? QStringLiteral("/pace/%1").arg(5 + (i * 7) % 20)
                                      : QStringLiteral("/delay/%1").arg(1 + (i * 37) % 150);
        auto c = std::make_unique<RawHttpClient>();
        QVERIFY(c->connectTo(gw_.port()));
        c->send(httpRequest("POST", "/v1/chat/completions", openAiHeaders(host(prefix)),
                            chatBody(QStringLiteral("client %1").arg(i), QStringLiteral("model-%1").arg(i), stream)));
        clients.push_back(std::move(c));
    }
    for (int i = 0; i < kClients; ++i) {
        const auto r = clients[std::size_t(i)]->readResponse(8000);
        QVERIFY2(r, qPrintable(QString::number(i)));
        QCOMPARE(r->status, 200);
        const std::string model = "model-" + std::to_string(i);
        if (i % 2 == 1) {
            const QList<SseEvent> events = sseEvents(*r);
            QCOMPARE(events.size(), 8);
            QCOMPARE(events.last().data, QByteArray("[DONE]"));
            for (int e = 0; e + 1 < events.size(); ++e)
                QCOMPARE(nlohmann::json::parse(events[e].data.toStdString())["model"].get<std::string>(), model);
        } else {
            QCOMPARE(r->json()["model"].get<std::string>(), model);
        }
    }
    QCOMPARE(up_->requestCount(), kClients);
}

void TestGatewayProxy::upstreamClosingIdleConnectionsIsTransparent()
{
    // Providers close idle keep-alive connections; the next request must not fail on a dead pooled one.
    KeepAliveUpstream ka;
    QVERIFY(ka.listen());
    auto call = [&] {
        return viaGateway("POST", "/v1/chat/completions", openAiHeaders(ka.host()), chatBody("ka", "gpt-4o-mini"));
    };
    auto r = call();
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    r = call();   // reuses the pooled connection
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(ka.accepted(), 1);

    ka.hangUpAll();
    QTest::qWait(50);
    r = call();
    QVERIFY(r);
    QCOMPARE(r->status, 200);

    ka.hangUpAll();   // and with no time for the gateway to notice
    r = call();
    QVERIFY(r);
    QCOMPARE(r->status, 200);
}

void TestGatewayProxy::customHostWithTrailingSlash()
{
    const auto r = viaGateway("POST", "/v1/chat/completions", openAiHeaders(host() + QStringLiteral("/")),
                              chatBody("slash", "gpt-4o-mini"));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(up_->received().first().path, QByteArray("/v1/chat/completions"));
}

void TestGatewayProxy::invalidJsonBodyGets400()
{
    for (const QByteArray& body : {QByteArray("{\"model\": \"gpt-4o-mini\", "), QByteArray("not json at all"), QByteArray("[1,2]")}) {
        const auto r = viaGateway("POST", "/v1/chat/completions", openAiHeaders(host()), body);
        QVERIFY(r);
        const QString problem = openAiErrorProblem(*r, 400, QStringLiteral("invalid_json"));
        QVERIFY2(problem.isEmpty(), qPrintable(body + ": " + problem));
    }
    QCOMPARE(up_->requestCount(), 0);
}

void TestGatewayProxy::invalidMetadataGets400()
{
    for (const QByteArray& md : {QByteArray("not json"), QByteArray("[\"a\"]"), QByteArray(R"({"nested":{"a":1}})")}) {
        const auto r = viaGateway("POST", "/v1/chat/completions", openAiHeaders(host(), {{"x-portkey-metadata", md}}),
                                  chatBody("md", "gpt-4o-mini"));
        QVERIFY(r);
        const QString problem = openAiErrorProblem(*r, 400, QStringLiteral("invalid_metadata"));
        QVERIFY2(problem.isEmpty(), qPrintable(md + ": " + problem));
        QCOMPARE(r->json()["error"]["param"].get<std::string>(), std::string("x-portkey-metadata"));
    }
    QCOMPARE(up_->requestCount(), 0);
}

void TestGatewayProxy::unknownProviderGets400ListingProviders()
{
    const auto r = viaGateway("POST", "/v1/chat/completions",
                              {{"x-portkey-provider", "no-such-provider"}, {"Authorization", "Bearer sk-test"},
                               {"Content-Type", "application/json"}},
                              chatBody("who", "gpt-4o-mini"));
    QVERIFY(r);
    const QString problem = openAiErrorProblem(*r, 400, QStringLiteral("invalid_provider"));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const QString message = QString::fromStdString(r->json()["error"]["message"].get<std::string>());
    for (const char* id : {"no-such-provider", "openai", "mock", "groq", "ollama"})
        QVERIFY2(message.contains(QLatin1String(id)), qPrintable(message));
}

void TestGatewayProxy::missingAuthorizationGets401()
{
    const auto r = viaGateway("POST", "/v1/chat/completions",
                              {{"x-portkey-provider", "openai"}, {"Content-Type", "application/json"}},
                              chatBody("no key", "gpt-4o-mini"));
    QVERIFY(r);
    const QString problem = openAiErrorProblem(*r, 401, QStringLiteral("missing_api_key"));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(r->json()["error"]["type"].get<std::string>(), std::string("authentication_error"));
}

void TestGatewayProxy::badClientInputNeverReachesTheUpstream_data()
{
    QTest::addColumn<RawHeaders>("headers");   // added to the openai headers (a same-named one replaces it)
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    const QByteArray chat = chatBody("x", "gpt-4o-mini");
    const QByteArray cc = "/v1/chat/completions";
    QTest::newRow("timeout not a number") << RawHeaders{{"x-portkey-request-timeout", "soon"}} << cc << chat << 400 << "invalid_request_timeout";
    QTest::newRow("timeout zero") << RawHeaders{{"x-portkey-request-timeout", "0"}} << cc << chat << 400 << "invalid_request_timeout";
    QTest::newRow("saved config id") << RawHeaders{{"x-portkey-config", "pc-abc123"}} << cc << chat << 400 << "config_not_found";
    QTest::newRow("config not json") << RawHeaders{{"x-portkey-config", "{oops"}} << cc << chat << 400 << "invalid_config";
    QTest::newRow("config with targets") << RawHeaders{{"x-portkey-config", R"({"strategy":{"mode":"fallback"},"targets":[]})"}}
                                         << cc << chat << 400 << "invalid_config";
    QTest::newRow("custom host ftp") << RawHeaders{{"x-portkey-custom-host", "ftp://127.0.0.1/v1"}} << cc << chat << 400 << "invalid_custom_host";
    QTest::newRow("custom host metadata") << RawHeaders{{"x-portkey-custom-host", "http://169.254.169.254/v1"}} << cc << chat << 400 << "invalid_custom_host";
    QTest::newRow("custom host credentials") << RawHeaders{{"x-portkey-custom-host", "http://user:pw@127.0.0.1/v1"}} << cc << chat << 400 << "invalid_custom_host";
    QTest::newRow("virtual key") << RawHeaders{{"x-portkey-virtual-key", "vk-123"}} << cc << chat << 401 << "virtual_key_not_found";
    QTest::newRow("forward host") << RawHeaders{{"x-portkey-forward-headers", "host"}} << cc << chat << 400 << "invalid_forward_headers";
    QTest::newRow("model not a string") << RawHeaders{} << cc << QByteArray(R"({"model":5,"messages":[]})") << 400 << "invalid_type";
    QTest::newRow("stream not a bool") << RawHeaders{} << cc << QByteArray(R"({"model":"m","stream":"yes","messages":[]})") << 400 << "invalid_type";
    QTest::newRow("empty body") << RawHeaders{} << cc << QByteArray() << 400 << "invalid_json";
    QTest::newRow("form body") << RawHeaders{{"Content-Type", "application/x-www-form-urlencoded"}} << cc << QByteArray("a=b") << 415 << "unsupported_media_type";
    QTest::newRow("missing provider") << RawHeaders{{"x-portkey-provider", ""}} << cc << chat << 400 << "missing_provider";
    QTest::newRow("unsupported endpoint") << RawHeaders{{"x-portkey-provider", "groq"}} << QByteArray("/v1/embeddings")
                                          << QByteArray(R"({"model":"m","input":"x"})") << 400 << "unsupported_endpoint";
}

void TestGatewayProxy::badClientInputNeverReachesTheUpstream()
{
    QFETCH(RawHeaders, headers);
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, code);
    RawHeaders h = openAiHeaders(host());
    for (const auto& [name, value] : headers) {
        h.removeIf([&](const auto& p) { return p.first.toLower() == name.toLower(); });
        if (!value.isEmpty())
            h.append({name, value});
    }
    const auto r = viaGateway("POST", path, h, body);
    QVERIFY(r);
    const QString problem = openAiErrorProblem(*r, status, code);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(up_->requestCount(), 0);
}

void TestGatewayProxy::headerErrorsStillEchoTraceAndProvider()
{
    // A client matching errors to its calls needs the trace id back even when a header was refused.
    const auto r = viaGateway("POST", "/v1/chat/completions",
                              openAiHeaders(host(), {{"x-portkey-trace-id", "trace-bad-header"},
                                                     {"x-portkey-metadata", "{nope"}}),
                              chatBody("x", "gpt-4o-mini"));
    QVERIFY(r);
    QCOMPARE(r->status, 400);
    QCOMPARE(r->header("x-portkey-trace-id"), QByteArray("trace-bad-header"));
    QCOMPARE(r->header("x-portkey-provider"), QByteArray("openai"));
    QVERIFY(r->hasHeader("x-portkey-request-id"));
}

QTEST_GUILESS_MAIN(TestGatewayProxy)
#include "tst_gateway_proxy.moc"
