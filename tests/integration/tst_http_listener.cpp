// The gateway's HTTP/1.1 front end as clients meet it on the wire: keep-alive, pipelining, chunked
// and 100-continue uploads, the header/body/idle limits and timeouts, protocol errors, local routes.
// One real gateway (GatewayService on 127.0.0.1:<ephemeral>) with small limits serves every test;
// the last test checks it still serves after all the abuse.

#include "integration_support.h"

#include <QElapsedTimer>
#include <QTest>
#include <QTimer>

using namespace gatehouse;
using namespace gatehouse::itest;

namespace {

constexpr int kMaxHeaderBytes = 8 * 1024;
constexpr qint64 kMaxBodyBytes = 64 * 1024;
constexpr int kHeaderTimeoutMs = 400;
constexpr int kBodyTimeoutMs = 400;
constexpr int kIdleTimeoutMs = 700;

QString replyContent(const HttpResponse& r)
{
    const auto j = r.json();
    if (!j.is_object() || !j.contains("choices"))
        return {};
    return QString::fromStdString(j["choices"][0]["message"]["content"].get<std::string>());
}

} // namespace

class TestHttpListener : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void healthAnswersJson();
    void keepAliveServesSeveralRequestsOnOneConnection();
    void pipelinedRequestsAreAnsweredInOrder();
    void chunkedRequestBodyIsReassembled();
    void expectContinueGets100BeforeTheBody();
    void expectContinueWithOversizedBodyGets413Instead();
    void headerBlockOverLimitGets431();
    void bodyOverLimitByContentLengthGets413WithoutReadingIt();
    void bodyOverLimitWhileClientIsSendingStillGets413();
    void chunkedBodyOverLimitGets413();
    void headerTimeoutGets408AndCloses();
    void tricklingHeadersDoNotExtendTheDeadline();
    void bodyTimeoutGets408();
    void idleKeepAliveConnectionIsClosed();
    void garbageRequestGets400();
    void unknownRouteGets404Json();
    void wrongMethodGets405Json();
    void http10AndConnectionCloseAreHonoured();
    void errorAnswersKeepTheConnection();
    void pipelinedStreamThenPlainRequest();
    void slowAnswerIsNotCutByIdleTimeout();
    void ambiguousFramingIsRefused();
    void headResponseHasNoBody();
    void bodyExactlyAtLimitIsAccepted();
    void http10KeepAliveIsHonoured();
    void headerDeadlineStartsAtFirstByteEvenWhenEqualToIdleTimeout();
    void gatewayStillServesAfterAllOfThis();

private:
    GatewayHarness gw_;
    quint16 port_ = 0;
};

void TestHttpListener::initTestCase()
{
    GatewaySettings s = testSettings();
    s.maxHeaderBytes = kMaxHeaderBytes;
    s.maxBodyBytes = kMaxBodyBytes;
    s.headerTimeoutMs = kHeaderTimeoutMs;
    s.bodyTimeoutMs = kBodyTimeoutMs;
    s.idleTimeoutMs = kIdleTimeoutMs;
    QVERIFY(gw_.start(s));
    port_ = gw_.port();
}

void TestHttpListener::cleanupTestCase()
{
    gw_.service().stopAndWait();
}

void TestHttpListener::healthAnswersJson()
{
    const auto r = roundTrip(port_, httpRequest("GET", "/health", {}));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QVERIFY(r->header("content-type").startsWith("application/json"));
    const auto j = r->json();
    QVERIFY2(j.is_object(), r->body.constData());
    QCOMPARE(j.value("status", ""), std::string("ok"));
    QVERIFY(j.contains("version"));
    QCOMPARE(r->headerCount("content-length"), 1);
    QCOMPARE(r->header("content-length").toInt(), r->body.size());
}

void TestHttpListener::keepAliveServesSeveralRequestsOnOneConnection()
{
    RawHttpClient c;
    QVERIFY(c.connectTo(port_));
    c.send(httpRequest("GET", "/health", {}));
    auto r1 = c.readResponse();
    QVERIFY(r1);
    QCOMPARE(r1->status, 200);
    QVERIFY(r1->header("connection").toLower() != "close");

    c.send(httpRequest("POST", "/v1/chat/completions", mockHeaders(), chatBody("one", "mock-gpt")));
    auto r2 = c.readResponse();
    QVERIFY(r2);
    QCOMPARE(r2->status, 200);
    QCOMPARE(replyContent(*r2), QStringLiteral("Mock reply to: one"));

    c.send(httpRequest("POST", "/v1/chat/completions", mockHeaders(), chatBody("two", "mock-gpt")));
    auto r3 = c.readResponse();
    QVERIFY(r3);
    QCOMPARE(r3->status, 200);
    QCOMPARE(replyContent(*r3), QStringLiteral("Mock reply to: two"));
    QVERIFY(!c.isClosed());
    QVERIFY(c.unread().isEmpty());
}

void TestHttpListener::pipelinedRequestsAreAnsweredInOrder()
{
    // The first is the slowest: answers must still come first-in, first-out.
    QByteArray batch = httpRequest("POST", "/v1/chat/completions", mockHeaders(), chatBody("first", "mock-gpt@latency=200"));
    batch += httpRequest("POST", "/v1/chat/completions", mockHeaders(), chatBody("second", "mock-gpt"));
    batch += httpRequest("POST", "/v1/chat/completions", mockHeaders(), chatBody("third", "mock-gpt@latency=20"));

    RawHttpClient c;
    QVERIFY(c.connectTo(port_));
    c.send(batch);   // one write
    QStringList replies;
    for (int i = 0; i < 3; ++i) {
        const auto r = c.readResponse();
        QVERIFY2(r, qPrintable(QStringLiteral("response %1 missing; got %2").arg(i + 1).arg(QString::fromUtf8(c.unread()))));
        QCOMPARE(r->status, 200);
        replies << replyContent(*r);
    }
    QCOMPARE(replies, QStringList({QStringLiteral("Mock reply to: first"), QStringLiteral("Mock reply to: second"),
                                   QStringLiteral("Mock reply to: third")}));
    QVERIFY(c.elapsedMs() >= 190);   // the latency of the first really applied
    QVERIFY(c.unread().isEmpty());
}

void TestHttpListener::chunkedRequestBodyIsReassembled()
{
    const QByteArray body = chatBody("chunked hello world", "mock-gpt");
    RawHeaders h = mockHeaders({{"Transfer-Encoding", "chunked"}});
    RawHttpClient c;
    QVERIFY(c.connectTo(port_));
    c.send(httpRequest("POST", "/v1/chat/completions", h));
    // The body in three chunks, in separate writes.
    const qsizetype third = body.size() / 3;
    const QList<QByteArray> parts = {body.left(third), body.mid(third, third), body.mid(2 * third)};
    for (const QByteArray& p : parts) {
        QTest::qWait(20);
        c.send(QByteArray::number(p.size(), 16) + "\r\n" + p + "\r\n");
    }
    QTest::qWait(20);
    c.send("0\r\n\r\n");
    const auto r = c.readResponse();
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(replyContent(*r), QStringLiteral("Mock reply to: chunked hello world"));
}

void TestHttpListener::expectContinueGets100BeforeTheBody()
{
    const QByteArray body = chatBody("continued", "mock-gpt");
    RawHttpClient c;
    QVERIFY(c.connectTo(port_));
    c.send(httpRequest("POST", "/v1/chat/completions",
                       mockHeaders({{"Expect", "100-continue"}, {"Content-Length", QByteArray::number(body.size())}})));
    // Nothing of the body is sent until the interim answer is here.
    const auto interim = c.readResponse(3000);
    QVERIFY2(interim, qPrintable(QStringLiteral("no 100 Continue; got '%1'").arg(QString::fromUtf8(c.unread()))));
    QCOMPARE(interim->status, 100);
    QCOMPARE(interim->raw, QByteArray("HTTP/1.1 100 Continue\r\n\r\n"));
    QVERIFY(c.unread().isEmpty());

    c.send(body);
    const auto r = c.readResponse();
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(replyContent(*r), QStringLiteral("Mock reply to: continued"));
}

void TestHttpListener::expectContinueWithOversizedBodyGets413Instead()
{
    RawHttpClient c;
    QVERIFY(c.connectTo(port_));
    c.send(httpRequest("POST", "/v1/chat/completions",
                       mockHeaders({{"Expect", "100-continue"}, {"Content-Length", QByteArray::number(kMaxBodyBytes + 1)}})));
    const auto r = c.readResponse(3000);
    QVERIFY(r);
    const QString problem = openAiErrorProblem(*r, 413, QStringLiteral("body_too_large"));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(!r->raw.contains("100 Continue"));
    QVERIFY(c.waitForClosed(2000));
}

void TestHttpListener::headerBlockOverLimitGets431()
{
    RawHttpClient c;
    QVERIFY(c.connectTo(port_));
    c.send(httpRequest("GET", "/health", {{"X-Big", QByteArray(kMaxHeaderBytes + 100, 'a')}}));
    const auto r = c.readResponse(3000);
    QVERIFY(r);
    const QString problem = openAiErrorProblem(*r, 431, QStringLiteral("headers_too_large"));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(r->header("connection").toLower(), QByteArray("close"));
    QVERIFY(c.waitForClosed(2000));

    // Many small headers add up the same way.
    RawHeaders many;
    for (int i = 0; i < 200; ++i)
        many.append({"X-H" + QByteArray::number(i), QByteArray(60, 'b')});
    const auto r2 = roundTrip(port_, httpRequest("GET", "/health", many), 3000);
    QVERIFY(r2);
    QCOMPARE(r2->status, 431);
}

void TestHttpListener::bodyOverLimitByContentLengthGets413WithoutReadingIt()
{
    RawHttpClient c;
    QVERIFY(c.connectTo(port_));
    // Only the head is sent: the answer must not wait for the 10 MB announced.
    c.send(httpRequest("POST", "/v1/chat/completions", mockHeaders({{"Content-Length", "10000000"}})));
    const auto r = c.readResponse(3000);
    QVERIFY2(r, "no answer before the body was sent");
    const QString problem = openAiErrorProblem(*r, 413, QStringLiteral("body_too_large"));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(r->json()["error"]["message"].get<std::string>().find("65536") != std::string::npos);
    QVERIFY(c.waitForClosed(2000));
}

void TestHttpListener::bodyOverLimitWhileClientIsSendingStillGets413()
{
    // Most clients do not wait for a verdict: they send the head and the body at once. The 413 must
    // still reach them rather than a connection reset caused by closing a socket with unread input.
    RawHttpClient c;
    QVERIFY(c.connectTo(port_));
    QByteArray request = httpRequest("POST", "/v1/chat/completions", mockHeaders({{"Content-Length", "4000000"}}));
    request += QByteArray(512 * 1024, 'x');
    c.send(request);
    const auto r = c.readResponse(3000);
    QVERIFY2(r, qPrintable(QStringLiteral("no 413; connection closed=%1, received '%2' (%3)")
                               .arg(c.isClosed()).arg(QString::fromUtf8(c.allReceived().left(200)))
                               .arg(c.socket().errorString())));
    const QString problem = openAiErrorProblem(*r, 413, QStringLiteral("body_too_large"));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestHttpListener::chunkedBodyOverLimitGets413()
{
    RawHttpClient c;
    QVERIFY(c.connectTo(port_));
    c.send(httpRequest("POST", "/v1/chat/completions", mockHeaders({{"Transfer-Encoding", "chunked"}})));
    const QByteArray chunk(16 * 1024, 'y');
    const QByteArray framed = QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n";
    std::optional<HttpResponse> r;
    for (int i = 0; i < 8 && !c.isClosed(); ++i) {   // 128 KiB offered against a 64 KiB limit
        c.send(framed);
        if (c.waitForUnread(1, 100))
            break;
    }
    r = c.readResponse(3000);
    QVERIFY2(r, qPrintable(QString::fromUtf8(c.allReceived().left(300))));
    const QString problem = openAiErrorProblem(*r, 413, QStringLiteral("body_too_large"));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(c.waitForClosed(2000));
}

void TestHttpListener::headerTimeoutGets408AndCloses()
{
    RawHttpClient c;
    QVERIFY(c.connectTo(port_));
    QElapsedTimer t;
    t.start();
    c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nx-portkey-pro");   // half a head
    const auto r = c.readResponse(3000);
    const qint64 ms = t.elapsed();
    QVERIFY2(r, qPrintable(QString::fromUtf8(c.allReceived())));
    const QString problem = openAiErrorProblem(*r, 408, QStringLiteral("timeout"));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY2(ms >= kHeaderTimeoutMs * 3 / 4 && ms < kHeaderTimeoutMs + 1500, qPrintable(QString::number(ms)));
    QVERIFY(c.waitForClosed(2000));
}

void TestHttpListener::tricklingHeadersDoNotExtendTheDeadline()
{
    RawHttpClient c;
    QVERIFY(c.connectTo(port_));
    QElapsedTimer t;
    t.start();
    c.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
    QTimer trickle;
    QObject::connect(&trickle, &QTimer::timeout, &trickle, [&] {
        if (!c.isClosed())
            c.send("a");
    });
    trickle.start(60);
    const auto r = c.readResponse(4000);
    trickle.stop();
    const qint64 ms = t.elapsed();
    QVERIFY2(r, qPrintable(QString::fromUtf8(c.allReceived())));
    QCOMPARE(r->status, 408);
    QVERIFY2(ms < kHeaderTimeoutMs + 1000, qPrintable(QString::number(ms)));
}

void TestHttpListener::bodyTimeoutGets408()
{
    RawHttpClient c;
    QVERIFY(c.connectTo(port_));
    c.send(httpRequest("POST", "/v1/chat/completions", mockHeaders({{"Content-Length", "200"}})) + "{\"model\":");
    const auto r = c.readResponse(3000);
    QVERIFY(r);
    const QString problem = openAiErrorProblem(*r, 408, QStringLiteral("timeout"));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(r->json()["error"]["message"].get<std::string>().find("body") != std::string::npos);
    QVERIFY(c.waitForClosed(2000));
}

void TestHttpListener::idleKeepAliveConnectionIsClosed()
{
    RawHttpClient c;
    QVERIFY(c.connectTo(port_));
    c.send(httpRequest("GET", "/health", {}));
    const auto r = c.readResponse();
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QElapsedTimer t;
    t.start();
    QVERIFY(c.waitForClosed(kIdleTimeoutMs + 2000));
    const qint64 ms = t.elapsed();
    QVERIFY2(ms >= kIdleTimeoutMs * 3 / 4, qPrintable(QString::number(ms)));   // the idle timer, not an early close
    QVERIFY(c.unread().isEmpty());   // closed silently
}

void TestHttpListener::garbageRequestGets400()
{
    for (const QByteArray& garbage : {QByteArray("HELLO WORLD\r\n\r\n"), QByteArray("GET /health HTTP/1.1\r\nNot A Header\r\n\r\n"),
                                      QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11)}) {
        RawHttpClient c;
        QVERIFY(c.connectTo(port_));
        c.send(garbage);
        const auto r = c.readResponse(3000);
        QVERIFY2(r, garbage.toHex().constData());
        const QString problem = openAiErrorProblem(*r, 400, QStringLiteral("bad_request"));
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY(c.waitForClosed(2000));
    }
}

void TestHttpListener::unknownRouteGets404Json()
{
    for (const QByteArray& path : {QByteArray("/v1/nothing-here"), QByteArray("/nothing"), QByteArray("/v2/chat/completions")}) {
        const auto r = roundTrip(port_, httpRequest("GET", path, mockHeaders()));
        QVERIFY(r);
        const QString problem = openAiErrorProblem(*r, 404, QStringLiteral("not_found"));
        QVERIFY2(problem.isEmpty(), qPrintable(path + ": " + problem));
    }
}

void TestHttpListener::wrongMethodGets405Json()
{
    for (const auto& [method, path] : {std::pair<QByteArray, QByteArray>{"GET", "/v1/chat/completions"},
                                       {"DELETE", "/v1/embeddings"}, {"POST", "/v1/models"}}) {
        const auto r = roundTrip(port_, httpRequest(method, path, mockHeaders(), method == "POST" ? "{}" : ""));
        QVERIFY(r);
        const QString problem = openAiErrorProblem(*r, 405, QStringLiteral("method_not_allowed"));
        QVERIFY2(problem.isEmpty(), qPrintable(method + ' ' + path + ": " + problem));
    }
}

void TestHttpListener::http10AndConnectionCloseAreHonoured()
{
    {
        RawHttpClient c;
        QVERIFY(c.connectTo(port_));
        c.send("GET /health HTTP/1.0\r\n\r\n");
        const auto r = c.readResponse();
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QVERIFY(c.waitForClosed(2000));
    }
    {
        RawHttpClient c;
        QVERIFY(c.connectTo(port_));
        c.send(httpRequest("GET", "/health", {{"Connection", "close"}}));
        const auto r = c.readResponse();
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(r->header("connection").toLower(), QByteArray("close"));
        QVERIFY(c.waitForClosed(2000));
    }
}

void TestHttpListener::errorAnswersKeepTheConnection()
{
    RawHttpClient c;
    QVERIFY(c.connectTo(port_));
    c.send(httpRequest("GET", "/v1/unknown", {}));
    const auto r1 = c.readResponse();
    QVERIFY(r1);
    QCOMPARE(r1->status, 404);
    c.send(httpRequest("POST", "/v1/chat/completions", mockHeaders(), "{oops"));
    const auto r2 = c.readResponse();
    QVERIFY(r2);
    QCOMPARE(r2->status, 400);
    c.send(httpRequest("GET", "/health", {}));
    const auto r3 = c.readResponse();
    QVERIFY(r3);
    QCOMPARE(r3->status, 200);
    QVERIFY(!c.isClosed());
}

void TestHttpListener::pipelinedStreamThenPlainRequest()
{
    QByteArray batch = httpRequest("POST", "/v1/chat/completions", mockHeaders(),
                                   chatBody("streamed first", "mock-gpt@gap=10", true));
    batch += httpRequest("POST", "/v1/chat/completions", mockHeaders(), chatBody("plain second", "mock-gpt"));
    batch += httpRequest("GET", "/health", {});
    RawHttpClient c;
    QVERIFY(c.connectTo(port_));
    c.send(batch);
    const auto s = c.readResponse();
    QVERIFY(s);
    QCOMPARE(s->status, 200);
    QVERIFY(s->chunkedTerminatorSeen);
    QVERIFY(s->body.endsWith("data: [DONE]\n\n"));
    const auto p = c.readResponse();
    QVERIFY(p);
    QCOMPARE(replyContent(*p), QStringLiteral("Mock reply to: plain second"));
    const auto h = c.readResponse();
    QVERIFY(h);
    QCOMPARE(h->status, 200);
    QVERIFY(h->json().contains("status"));
}

void TestHttpListener::slowAnswerIsNotCutByIdleTimeout()
{
    // The idle timer (700 ms) is for connections with nothing in flight, not for slow answers.
    RawHttpClient c;
    QVERIFY(c.connectTo(port_));
    c.send(httpRequest("POST", "/v1/chat/completions", mockHeaders(), chatBody("slow", "mock-gpt@latency=1100")));
    const auto r = c.readResponse(4000);
    QVERIFY2(r, qPrintable(QStringLiteral("closed=%1").arg(c.isClosed())));
    QCOMPARE(r->status, 200);
    QCOMPARE(replyContent(*r), QStringLiteral("Mock reply to: slow"));
}

void TestHttpListener::ambiguousFramingIsRefused()
{
    // Content-Length together with chunked is the classic request-smuggling vector.
    RawHttpClient c;
    QVERIFY(c.connectTo(port_));
    c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nx-portkey-provider: mock\r\n"
           "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    const auto r = c.readResponse(3000);
    QVERIFY(r);
    QCOMPARE(r->status, 400);
    QVERIFY(c.waitForClosed(2000));
}

void TestHttpListener::headResponseHasNoBody()
{
    // RFC 9110 9.3.2: a response to HEAD carries no content. A body here is read by the client as the
    // start of the next response on the connection.
    RawHttpClient c;
    QVERIFY(c.connectTo(port_));
    c.send("HEAD /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QVERIFY(c.waitForUnreadContaining("\r\n\r\n", 3000));
    QTest::qWait(150);   // anything after the head has arrived by now
    const QByteArray got = c.unread();
    const QByteArray afterHead = got.mid(got.indexOf("\r\n\r\n") + 4);
    QVERIFY2(afterHead.isEmpty(), qPrintable(QStringLiteral("head '%1' followed by body '%2'")
                                                 .arg(QString::fromUtf8(got.left(got.indexOf("\r\n\r\n"))),
                                                      QString::fromUtf8(afterHead))));
    QVERIFY2(got.startsWith("HTTP/1.1 200 "), got.constData());   // HEAD is served wherever GET is
    QVERIFY(got.toLower().contains("content-length: "));

    const auto head = c.readHeadResponse();
    QVERIFY(head);
    QCOMPARE(head->status, 200);

    // The connection is still in step: the next answer parses cleanly, HEAD on other routes too.
    c.send(httpRequest("GET", "/health", {}));
    const auto r = c.readResponse();
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QVERIFY(r->json().is_object());
    c.send("HEAD /v1/chat/completions HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto h405 = c.readHeadResponse();
    QVERIFY(h405);
    QCOMPARE(h405->status, 405);
    const auto after = c.readResponse();
    QVERIFY2(after && after->status == 200 && after->json().is_object(), qPrintable(QString::fromUtf8(c.allReceived().right(400))));
}

void TestHttpListener::bodyExactlyAtLimitIsAccepted()
{
    // A chat body padded with spaces to exactly maxBodyBytes is accepted; one byte more is refused.
    QByteArray body = chatBody("at the limit", "mock-gpt");
    body.append(QByteArray(kMaxBodyBytes - body.size(), ' '));
    QCOMPARE(body.size(), kMaxBodyBytes);
    auto r = roundTrip(port_, httpRequest("POST", "/v1/chat/completions", mockHeaders(), body));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(replyContent(*r), QStringLiteral("Mock reply to: at the limit"));
    r = roundTrip(port_, httpRequest("POST", "/v1/chat/completions", mockHeaders(), body + ' '));
    QVERIFY(r);
    QCOMPARE(r->status, 413);
}

void TestHttpListener::http10KeepAliveIsHonoured()
{
    RawHttpClient c;
    QVERIFY(c.connectTo(port_));
    c.send("GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    const auto r1 = c.readResponse();
    QVERIFY(r1);
    QCOMPARE(r1->status, 200);
    QCOMPARE(r1->header("connection").toLower(), QByteArray("keep-alive"));
    c.send("GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    const auto r2 = c.readResponse();
    QVERIFY(r2);
    QCOMPARE(r2->status, 200);
}

void TestHttpListener::headerDeadlineStartsAtFirstByteEvenWhenEqualToIdleTimeout()
{
    // docs/architecture.md: the header deadline runs from the first byte of the request. With the idle
    // and header timeouts configured equal, a request that starts late in the idle period must still
    // get the whole header time.
    GatewayHarness gw;
    GatewaySettings s = testSettings();
    s.headerTimeoutMs = 600;
    s.idleTimeoutMs = 600;
    QVERIFY(gw.start(s));
    RawHttpClient c;
    QVERIFY(c.connectTo(gw.port()));
    QTest::qWait(400);   // idle for most of the idle timeout, then start a request slowly
    QElapsedTimer t;
    t.start();
    c.send("GET /health HTTP/1.1\r\nHost: x\r\n");
    const auto r = c.readResponse(3000);
    const qint64 ms = t.elapsed();
    QVERIFY2(r, qPrintable(QString::fromUtf8(c.allReceived())));
    QCOMPARE(r->status, 408);
    QVERIFY2(ms >= 600 * 3 / 4, qPrintable(QStringLiteral("408 after %1 ms of a 600 ms header deadline").arg(ms)));
}

void TestHttpListener::gatewayStillServesAfterAllOfThis()
{
    const auto h = roundTrip(port_, httpRequest("GET", "/health", {}));
    QVERIFY(h);
    QCOMPARE(h->status, 200);
    QCOMPARE(h->json().value("in_flight", -1), 0);
    const auto r = roundTrip(port_, httpRequest("POST", "/v1/chat/completions", mockHeaders(), chatBody("still here", "mock-gpt")));
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(replyContent(*r), QStringLiteral("Mock reply to: still here"));
}

QTEST_GUILESS_MAIN(TestHttpListener)
#include "tst_http_listener.moc"
