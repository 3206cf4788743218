// HttpRequestParser: incremental HTTP/1.x parsing with the gateway's limits, one request at a time.
#include "http/http_request_parser.h"

#include <QTest>

using gatehouse::HttpRequest;
using gatehouse::HttpRequestParser;
using State = HttpRequestParser::State;

namespace {

HttpRequestParser::Result feed(HttpRequestParser& p, const QByteArray& data)
{
    return p.feed(data.constData(), std::size_t(data.size()));
}

const char* stateName(State s)
{
    switch (s) {
    case State::NeedMore: return "NeedMore";
    case State::Complete: return "Complete";
    case State::Error: return "Error";
    }
    return "?";
}

HttpRequestParser::Limits limits(int maxHeaderBytes, qint64 maxBodyBytes)
{
    HttpRequestParser::Limits l;
    l.maxHeaderBytes = maxHeaderBytes;
    l.maxBodyBytes = maxBodyBytes;
    return l;
}

} // namespace

#define QCOMPARE_STATE(actual, expected) QCOMPARE(stateName(actual), stateName(expected))

class TestHttpRequestParser : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void simpleGet();
    void postBodyFedByteByByte();
    void chunkedBodyIsReassembled();
    void chunkedBodyInOddPieces();
    void chunkedTrailerIsNotAHeader();
    void headerNamesLowerCasedValuesKept();
    void emptyHeaderValueDoesNotMergeNames();
    void pathAndQuerySplit_data();
    void pathAndQuerySplit();
    void pipelinedRequestsParsedOneAtATime();
    void pipelinedPostThenGet();
    void keepAlive_data();
    void keepAlive();
    void headerBlockOverLimitIs431();
    void manySmallHeadersOverLimitIs431();
    void headerLimitIsPerRequestOnKeepAlive();
    void contentLengthOverLimitIs413BeforeBody();
    void contentLengthAtLimitIsAccepted();
    void chunkedBodyOverLimitIs413();
    void garbageIs400_data();
    void garbageIs400();
    void expectContinueCalledOnce();
    void noExpectContinueWithoutHeader();
    void noExpectContinueForOversizedBody();
};

void TestHttpRequestParser::simpleGet()
{
    HttpRequestParser p({});
    const QByteArray raw = "GET /v1/models HTTP/1.1\r\nHost: localhost:8787\r\nAccept: */*\r\n\r\n";
    const auto r = feed(p, raw);
    QCOMPARE_STATE(r.state, State::Complete);
    QCOMPARE(r.consumed, std::size_t(raw.size()));
    const HttpRequest req = p.takeRequest();
    QCOMPARE(req.method, QByteArray("GET"));
    QCOMPARE(req.target, QByteArray("/v1/models"));
    QCOMPARE(req.path, QByteArray("/v1/models"));
    QVERIFY(req.query.isEmpty());
    QCOMPARE(req.header("host").toByteArray(), QByteArray("localhost:8787"));
    QCOMPARE(req.header("accept").toByteArray(), QByteArray("*/*"));
    QVERIFY(req.body.isEmpty());
    QVERIFY(req.keepAlive);
    QCOMPARE(req.httpMinor, 1);
    QVERIFY(!p.inRequest());
}

void TestHttpRequestParser::postBodyFedByteByByte()
{
    HttpRequestParser p({});
    const QByteArray head = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            "Content-Length: 27\r\n\r\n";
    const QByteArray body = R"({"model":"m","stream":true})";
    QCOMPARE(body.size(), 27);
    const QByteArray raw = head + body;

    for (qsizetype i = 0; i < raw.size(); ++i) {
        const auto r = p.feed(raw.constData() + i, 1);
        QCOMPARE(r.consumed, std::size_t(1));
        if (i + 1 < raw.size()) {
            QCOMPARE_STATE(r.state, State::NeedMore);
            QVERIFY(p.inRequest());
            // Headers are done exactly once the blank line has been read.
            QCOMPARE(p.headersDone(), i + 1 >= head.size());
        } else {
            QCOMPARE_STATE(r.state, State::Complete);
        }
    }
    const HttpRequest req = p.takeRequest();
    QCOMPARE(req.method, QByteArray("POST"));
    QCOMPARE(req.path, QByteArray("/v1/chat/completions"));
    QCOMPARE(req.header("content-type").toByteArray(), QByteArray("application/json"));
    QCOMPARE(req.header("host").toByteArray(), QByteArray("x"));
    QCOMPARE(req.headers.size(), std::size_t(3));
    QCOMPARE(req.body, body);
}

void TestHttpRequestParser::chunkedBodyIsReassembled()
{
    HttpRequestParser p({});
    const QByteArray raw = "POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                           "5\r\nhello\r\n"
                           "6\r\n world\r\n"
                           "0\r\n\r\n";
    const auto r = feed(p, raw);
    QCOMPARE_STATE(r.state, State::Complete);
    QCOMPARE(r.consumed, std::size_t(raw.size()));
    QCOMPARE(p.takeRequest().body, QByteArray("hello world"));
}

// Found by fuzzing: trailer fields were appended to the headers after they had been lower-cased, so a
// trailer could add an x-portkey-* header nobody sent in the header block.
void TestHttpRequestParser::chunkedTrailerIsNotAHeader()
{
    HttpRequestParser p({});
    const QByteArray raw = "POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                           "5\r\nhello\r\n"
                           "0\r\nx-portkey-provider: mock\r\nX-Trailer: 1\r\n\r\n";
    const auto r = feed(p, raw);
    QCOMPARE_STATE(r.state, State::Complete);
    const HttpRequest req = p.takeRequest();
    QCOMPARE(req.body, QByteArray("hello"));
    QCOMPARE(req.headers.size(), std::size_t(2));
    QVERIFY(!gatehouse::hasHeader(req.headers, "x-portkey-provider"));
    QVERIFY(!gatehouse::hasHeader(req.headers, "x-trailer"));
    QCOMPARE(req.header("transfer-encoding"), QByteArrayView("chunked"));
}

void TestHttpRequestParser::chunkedBodyInOddPieces()
{
    HttpRequestParser p({});
    const QByteArray raw = "POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                           "a\r\n0123456789\r\n"
                           "3\r\nabc\r\n"
                           "0\r\n\r\n";
    State last = State::NeedMore;
    std::size_t total = 0;
    for (qsizetype i = 0; i < raw.size(); i += 7) {
        const QByteArray piece = raw.mid(i, 7);
        const auto r = feed(p, piece);
        QCOMPARE(r.consumed, std::size_t(piece.size()));
        total += r.consumed;
        last = r.state;
        if (i + 7 < raw.size())
            QCOMPARE_STATE(r.state, State::NeedMore);
    }
    QCOMPARE_STATE(last, State::Complete);
    QCOMPARE(total, std::size_t(raw.size()));
    QCOMPARE(p.takeRequest().body, QByteArray("0123456789abc"));
}

void TestHttpRequestParser::headerNamesLowerCasedValuesKept()
{
    HttpRequestParser p({});
    const QByteArray raw = "GET / HTTP/1.1\r\nHost: x\r\nX-Portkey-Provider: OpenAI\r\n"
                           "AUTHORIZATION: Bearer sk-MiXeD\r\nX-Portkey-Metadata: {\"Env\":\"Prod\"}\r\n\r\n";
    QCOMPARE_STATE(feed(p, raw).state, State::Complete);
    const HttpRequest req = p.takeRequest();
    QCOMPARE(req.headers.size(), std::size_t(4));
    // Order is kept, names are lower-case, values are as sent.
    QCOMPARE(req.headers[0].first, QByteArray("host"));
    QCOMPARE(req.headers[1].first, QByteArray("x-portkey-provider"));
    QCOMPARE(req.headers[1].second, QByteArray("OpenAI"));
    QCOMPARE(req.headers[2].first, QByteArray("authorization"));
    QCOMPARE(req.headers[2].second, QByteArray("Bearer sk-MiXeD"));
    QCOMPARE(req.headers[3].first, QByteArray("x-portkey-metadata"));
    QCOMPARE(req.headers[3].second, QByteArray("{\"Env\":\"Prod\"}"));
    QCOMPARE(req.header("authorization").toByteArray(), QByteArray("Bearer sk-MiXeD"));
}

void TestHttpRequestParser::emptyHeaderValueDoesNotMergeNames()
{
    // Byte by byte, so callbacks split at every boundary.
    HttpRequestParser p({});
    const QByteArray raw = "GET / HTTP/1.1\r\nX-Empty:\r\nX-Next: v\r\n\r\n";
    State s = State::NeedMore;
    for (char c : raw)
        s = p.feed(&c, 1).state;
    QCOMPARE_STATE(s, State::Complete);
    const HttpRequest req = p.takeRequest();
    QCOMPARE(req.headers.size(), std::size_t(2));
    QCOMPARE(req.headers[0].first, QByteArray("x-empty"));
    QVERIFY(req.headers[0].second.isEmpty());
    QCOMPARE(req.headers[1].first, QByteArray("x-next"));
    QCOMPARE(req.headers[1].second, QByteArray("v"));
}

void TestHttpRequestParser::pathAndQuerySplit_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("query");
    QTest::newRow("no query") << QByteArray("/v1/chat/completions") << QByteArray("/v1/chat/completions") << QByteArray();
    QTest::newRow("query") << QByteArray("/v1/chat/completions?api-version=2024-02-01&x=1")
                           << QByteArray("/v1/chat/completions") << QByteArray("api-version=2024-02-01&x=1");
    QTest::newRow("empty query") << QByteArray("/v1/models?") << QByteArray("/v1/models") << QByteArray();
    QTest::newRow("second ? stays in query") << QByteArray("/a?b=1?c") << QByteArray("/a") << QByteArray("b=1?c");
}

void TestHttpRequestParser::pathAndQuerySplit()
{
    QFETCH(QByteArray, target);
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, query);
    HttpRequestParser p({});
    QCOMPARE_STATE(feed(p, "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n").state, State::Complete);
    const HttpRequest req = p.takeRequest();
    QCOMPARE(req.target, target);
    QCOMPARE(req.path, path);
    QCOMPARE(req.query, query);
}

void TestHttpRequestParser::pipelinedRequestsParsedOneAtATime()
{
    HttpRequestParser p({});
    const QByteArray first = "GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n";
    const QByteArray second = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}";
    const QByteArray buffer = first + second;

    const auto r1 = feed(p, buffer);
    QCOMPARE_STATE(r1.state, State::Complete);
    QCOMPARE(r1.consumed, std::size_t(first.size()));
    const HttpRequest a = p.takeRequest();
    QCOMPARE(a.method, QByteArray("GET"));
    QCOMPARE(a.path, QByteArray("/v1/models"));

    const QByteArray rest = buffer.mid(qsizetype(r1.consumed));
    const auto r2 = feed(p, rest);
    QCOMPARE_STATE(r2.state, State::Complete);
    QCOMPARE(r2.consumed, std::size_t(second.size()));
    const HttpRequest b = p.takeRequest();
    QCOMPARE(b.method, QByteArray("POST"));
    QCOMPARE(b.path, QByteArray("/v1/chat/completions"));
    QCOMPARE(b.body, QByteArray("{}"));
    // The first request's headers do not leak into the second.
    QCOMPARE(b.headers.size(), std::size_t(2));
}

void TestHttpRequestParser::pipelinedPostThenGet()
{
    HttpRequestParser p({});
    const QByteArray first = "POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
    const QByteArray second = "GET /b?x=1 HTTP/1.1\r\nHost: y\r\n\r\n";
    const QByteArray buffer = first + second;

    const auto r1 = feed(p, buffer);
    QCOMPARE_STATE(r1.state, State::Complete);
    QCOMPARE(r1.consumed, std::size_t(first.size()));
    QCOMPARE(p.takeRequest().body, QByteArray("hello"));

    const auto r2 = feed(p, buffer.mid(qsizetype(r1.consumed)));
    QCOMPARE_STATE(r2.state, State::Complete);
    QCOMPARE(r2.consumed, std::size_t(second.size()));
    const HttpRequest b = p.takeRequest();
    QCOMPARE(b.path, QByteArray("/b"));
    QCOMPARE(b.query, QByteArray("x=1"));
    QVERIFY(b.body.isEmpty());
}

void TestHttpRequestParser::keepAlive_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<bool>("keepAlive");
    QTest::addColumn<int>("minor");
    QTest::newRow("1.1 default") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n\r\n") << true << 1;
    QTest::newRow("1.1 close") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n") << false << 1;
    QTest::newRow("1.1 Close mixed case") << QByteArray("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n") << false << 1;
    QTest::newRow("1.0 default") << QByteArray("GET / HTTP/1.0\r\n\r\n") << false << 0;
    QTest::newRow("1.0 keep-alive") << QByteArray("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n") << true << 0;
}

void TestHttpRequestParser::keepAlive()
{
    QFETCH(QByteArray, raw);
    QFETCH(bool, keepAlive);
    QFETCH(int, minor);
    HttpRequestParser p({});
    QCOMPARE_STATE(feed(p, raw).state, State::Complete);
    const HttpRequest req = p.takeRequest();
    QCOMPARE(req.keepAlive, keepAlive);
    QCOMPARE(req.httpMinor, minor);
}

void TestHttpRequestParser::headerBlockOverLimitIs431()
{
    HttpRequestParser p(limits(1024, 1 << 20));
    const QByteArray raw = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + QByteArray(2000, 'a') + "\r\n\r\n";
    const auto r = feed(p, raw);
    QCOMPARE_STATE(r.state, State::Error);
    QCOMPARE(p.errorStatus(), 431);
    QVERIFY(!p.errorMessage().isEmpty());
    // The error sticks: the connection must close, nothing more is parsed.
    QCOMPARE_STATE(feed(p, "GET / HTTP/1.1\r\n\r\n").state, State::Error);
    QCOMPARE(p.errorStatus(), 431);
}

void TestHttpRequestParser::manySmallHeadersOverLimitIs431()
{
    HttpRequestParser p(limits(1024, 1 << 20));
    QByteArray raw = "GET / HTTP/1.1\r\n";
    for (int i = 0; i < 100; ++i)
        raw += "X-H" + QByteArray::number(i) + ": value-value\r\n";   // ~1.5 KB in all
    raw += "\r\n";
    QCOMPARE_STATE(feed(p, raw).state, State::Error);
    QCOMPARE(p.errorStatus(), 431);
}

void TestHttpRequestParser::headerLimitIsPerRequestOnKeepAlive()
{
    // Two requests of ~700 header bytes each on one connection, limit 1024: both are fine.
    HttpRequestParser p(limits(1024, 1 << 20));
    const QByteArray one = "GET / HTTP/1.1\r\nX-Pad: " + QByteArray(700, 'p') + "\r\n\r\n";
    const QByteArray buffer = one + one;
    const auto r1 = feed(p, buffer);
    QCOMPARE_STATE(r1.state, State::Complete);
    QCOMPARE(r1.consumed, std::size_t(one.size()));
    p.takeRequest();
    const auto r2 = feed(p, buffer.mid(qsizetype(r1.consumed)));
    QCOMPARE_STATE(r2.state, State::Complete);
    QCOMPARE(p.takeRequest().header("x-pad").size(), qsizetype(700));
}

void TestHttpRequestParser::contentLengthOverLimitIs413BeforeBody()
{
    HttpRequestParser p(limits(64 * 1024, 100));
    // Only the head: the client has not sent (and must not need to send) the body.
    const QByteArray head = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n";
    const auto r = feed(p, head);
    QCOMPARE_STATE(r.state, State::Error);
    QCOMPARE(p.errorStatus(), 413);
    QVERIFY(p.errorMessage().contains("100"));
}

void TestHttpRequestParser::contentLengthAtLimitIsAccepted()
{
    HttpRequestParser p(limits(64 * 1024, 100));
    const QByteArray raw = "POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\n" + QByteArray(100, 'b');
    QCOMPARE_STATE(feed(p, raw).state, State::Complete);
    QCOMPARE(p.takeRequest().body.size(), qsizetype(100));
}

void TestHttpRequestParser::chunkedBodyOverLimitIs413()
{
    HttpRequestParser p(limits(64 * 1024, 10));
    const QByteArray head = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    QCOMPARE_STATE(feed(p, head).state, State::NeedMore);
    QCOMPARE_STATE(feed(p, "8\r\n01234567\r\n").state, State::NeedMore);   // 8 <= 10
    const auto r = feed(p, "8\r\n89abcdef\r\n0\r\n\r\n");                     // 16 > 10
    QCOMPARE_STATE(r.state, State::Error);
    QCOMPARE(p.errorStatus(), 413);
}

void TestHttpRequestParser::garbageIs400_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::newRow("words") << QByteArray("HELLO WORLD\r\n\r\n");
    QTest::newRow("tls client hello") << QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
    QTest::newRow("bad version") << QByteArray("GET / HTTP/x.y\r\n\r\n");
    QTest::newRow("bad content-length") << QByteArray("POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n");
    QTest::newRow("bad chunk size") << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
}

void TestHttpRequestParser::garbageIs400()
{
    QFETCH(QByteArray, raw);
    HttpRequestParser p({});
    const auto r = feed(p, raw);
    QCOMPARE_STATE(r.state, State::Error);
    QCOMPARE(p.errorStatus(), 400);
    QVERIFY(!p.errorMessage().isEmpty());
}

void TestHttpRequestParser::expectContinueCalledOnce()
{
    HttpRequestParser p({});
    int calls = 0;
    p.onExpectContinue = [&calls] { ++calls; };
    const QByteArray head = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n";
    QCOMPARE_STATE(feed(p, head).state, State::NeedMore);
    QCOMPARE(calls, 1);   // before the body: the client is waiting for it
    QCOMPARE_STATE(feed(p, "ab").state, State::NeedMore);
    QCOMPARE_STATE(feed(p, "cde").state, State::Complete);
    QCOMPARE(calls, 1);
    QCOMPARE(p.takeRequest().body, QByteArray("abcde"));
}

void TestHttpRequestParser::noExpectContinueWithoutHeader()
{
    HttpRequestParser p({});
    int calls = 0;
    p.onExpectContinue = [&calls] { ++calls; };
    QCOMPARE_STATE(feed(p, "POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}").state, State::Complete);
    QCOMPARE(calls, 0);
}

void TestHttpRequestParser::noExpectContinueForOversizedBody()
{
    // A body that will be refused must not be invited with "100 Continue".
    HttpRequestParser p(limits(64 * 1024, 10));
    int calls = 0;
    p.onExpectContinue = [&calls] { ++calls; };
    const auto r = feed(p, "POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n");
    QCOMPARE_STATE(r.state, State::Error);
    QCOMPARE(p.errorStatus(), 413);
    QCOMPARE(calls, 0);
}

QTEST_GUILESS_MAIN(TestHttpRequestParser)
#include "tst_http_request_parser.moc"
