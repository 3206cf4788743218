// Self-test of the MockUpstream test double: it must speak OpenAI's wire format over real HTTP.
#include "mock_upstream.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

#include <memory>
#include <sys/socket.h>

#include <nlohmann/json.hpp>

using gatehouse::test::MockUpstream;
using json = nlohmann::json;

// Compares JSON values through their serialisation: readable failure output, no qCompare overloads.
#define JCOMPARE(actual, expected) \
    QCOMPARE(QString::fromStdString(json(actual).dump()), QString::fromStdString(json(expected).dump()))

namespace {

// A raw HTTP client, to see exactly what goes over the wire (framing, chunking, resets).
struct RawClient {
    QTcpSocket socket;
    QByteArray data;
    QList<qint64> arrivals;  // ms since connect, one per readyRead
    QElapsedTimer clock;

    explicit RawClient(quint16 port)
    {
        QObject::connect(&socket, &QTcpSocket::readyRead, &socket, [this] {
            data += socket.readAll();
            arrivals.append(clock.elapsed());
        });
        clock.start();
        socket.connectToHost(QHostAddress::LocalHost, port);
    }
};

struct Response {
    int status = 0;
    QByteArray head, body;
};

// Takes one response off the front of data (Content-Length or chunked). False if incomplete.
bool takeResponse(QByteArray& data, Response& out)
{
    const qsizetype headEnd = data.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return false;
    out = {};
    out.head = data.left(headEnd + 2);
    out.status = data.mid(9, 3).toInt();
    qsizetype pos = headEnd + 4;
    const QByteArray lowerHead = out.head.toLower();
    if (lowerHead.contains("transfer-encoding: chunked")) {
        for (;;) {
            const qsizetype lineEnd = data.indexOf("\r\n", pos);
            if (lineEnd < 0)
                return false;
            const qsizetype size = data.mid(pos, lineEnd - pos).toLongLong(nullptr, 16);
            if (data.size() < lineEnd + 2 + size + 2)
                return false;
            out.body += data.mid(lineEnd + 2, size);
            pos = lineEnd + 2 + size + 2;
            if (size == 0)
                break;
        }
    } else {
        const qsizetype at = lowerHead.indexOf("content-length: ");
        const qsizetype length = at < 0 ? 0 : lowerHead.mid(at + 16, lowerHead.indexOf("\r\n", at) - at - 16).toLongLong();
        if (data.size() < pos + length)
            return false;
        out.body = data.mid(pos, length);
        pos += length;
    }
    data.remove(0, pos);
    return true;
}

// QTRY_* re-evaluates its expression after success, so a consuming check needs qWaitFor.
bool waitForResponse(QByteArray& data, Response& out)
{
    return QTest::qWaitFor([&] { return takeResponse(data, out); }, 5000);
}

// Best-effort decode of a possibly truncated chunked body (for /resetmid).
QByteArray dechunkPartial(const QByteArray& chunked)
{
    QByteArray out;
    qsizetype pos = 0;
    for (qsizetype lineEnd; (lineEnd = chunked.indexOf("\r\n", pos)) >= 0;) {
        const qsizetype size = chunked.mid(pos, lineEnd - pos).toLongLong(nullptr, 16);
        if (size == 0 || chunked.size() < lineEnd + 2 + size)
            break;
        out += chunked.mid(lineEnd + 2, size);
        pos = lineEnd + 2 + size + 2;
    }
    return out;
}

QList<QByteArray> sseEvents(const QByteArray& body)
{
    QList<QByteArray> events = body.split('\n');
    events.removeAll(QByteArray());
    return events;
}

QByteArray chatRequest(const QByteArray& path, const QByteArray& body, const QByteArray& extra = {})
{
    return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
           + QByteArray::number(body.size()) + "\r\n" + extra + "\r\n" + body;
}

const QByteArray kStreamBody = R"({"model":"gpt-s","stream":true,"messages":[{"role":"user","content":"hi"}]})";

} // namespace

class TstMockUpstream : public QObject {
    Q_OBJECT

    MockUpstream* mock_ = nullptr;
    QNetworkAccessManager* nam_ = nullptr;

    QNetworkReply* send(const QString& path, const QByteArray& body = {})
    {
        QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(mock_->port()).arg(path)));
        request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
        request.setRawHeader("Authorization", "Bearer sk-test");
        QNetworkReply* reply = body.isNull() ? nam_->get(request) : nam_->post(request, body);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!finished.wait(5000))
            qWarning("reply did not finish");
        return reply;
    }
    static json bodyJson(QNetworkReply* reply) { return json::parse(reply->readAll().toStdString()); }
    static int status(QNetworkReply* reply) { return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(); }

private Q_SLOTS:
    void init()
    {
        mock_ = new MockUpstream(this);
        QVERIFY(mock_->listen());
        QVERIFY(mock_->port() != 0);
        QCOMPARE(mock_->baseUrl(), QStringLiteral("http://127.0.0.1:%1/v1").arg(mock_->port()));
        nam_ = new QNetworkAccessManager(this);
    }
    void cleanup()
    {
        delete nam_;
        delete mock_;
    }

    void chatJson()
    {
        QSignalSpy received(mock_, &MockUpstream::requestReceived);
        const QByteArray sent = R"({"model":"gpt-test","messages":[{"role":"user","content":"hi"}]})";
        std::unique_ptr<QNetworkReply> reply(send("/v1/chat/completions", sent));
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(status(reply.get()), 200);
        QVERIFY(reply->header(QNetworkRequest::ContentTypeHeader).toString().startsWith("application/json"));
        QCOMPARE(reply->rawHeader("x-upstream-test"), QByteArray("yes"));
        const json j = bodyJson(reply.get());
        JCOMPARE(j["id"], "chatcmpl-mock-1");
        JCOMPARE(j["object"], "chat.completion");
        JCOMPARE(j["model"], "gpt-test");
        JCOMPARE(j["choices"][0]["message"]["role"], "assistant");
        JCOMPARE(j["choices"][0]["message"]["content"], "Hello from mock upstream");
        JCOMPARE(j["choices"][0]["finish_reason"], "stop");
        JCOMPARE(j["usage"], json({{"prompt_tokens", 11}, {"completion_tokens", 5}, {"total_tokens", 16}}));

        QCOMPARE(received.size(), 1);
        QCOMPARE(mock_->requestCount(), 1);
        const MockUpstream::Received r = mock_->received().first();
        QCOMPARE(r.method, QByteArray("POST"));
        QCOMPARE(r.path, QByteArray("/v1/chat/completions"));
        QCOMPARE(r.header("AUTHORIZATION"), QByteArray("Bearer sk-test"));
        QCOMPARE(r.body, sent);
        mock_->clear();
        QCOMPARE(mock_->requestCount(), 0);
    }

    void otherEndpoints()
    {
        std::unique_ptr<QNetworkReply> models(send("/v1/models"));
        QCOMPARE(status(models.get()), 200);
        JCOMPARE(bodyJson(models.get()), json::parse(R"({"object":"list","data":[{"id":"mock-model","object":"model","created":0,"owned_by":"mock"}]})"));

        std::unique_ptr<QNetworkReply> emb(send("/v1/embeddings", R"({"model":"emb-1","input":"x"})"));
        QCOMPARE(status(emb.get()), 200);
        JCOMPARE(bodyJson(emb.get()), json::parse(R"({"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,0.2,0.3]}],"model":"emb-1","usage":{"prompt_tokens":3,"total_tokens":3}})"));

        std::unique_ptr<QNetworkReply> cmpl(send("/v1/completions", R"({"model":"c-1","prompt":"x"})"));
        const json c = bodyJson(cmpl.get());
        JCOMPARE(c["object"], "text_completion");
        JCOMPARE(c["model"], "c-1");
        JCOMPARE(c["choices"][0]["text"], "Hello from mock upstream");

        std::unique_ptr<QNetworkReply> unknown(send("/v1/nope", "{}"));
        QCOMPARE(status(unknown.get()), 404);
        JCOMPARE(bodyJson(unknown.get())["error"]["type"], "invalid_request_error");
        std::unique_ptr<QNetworkReply> bogus(send("/bogus/v1/chat/completions", "{}"));
        QCOMPARE(status(bogus.get()), 404);
        std::unique_ptr<QNetworkReply> notJson(send("/v1/chat/completions", "nope"));
        QCOMPARE(status(notJson.get()), 400);
        QCOMPARE(mock_->requestCount(), 6);
    }

    void sseFraming()
    {
        RawClient client(mock_->port());
        const QByteArray body = R"({"model":"gpt-s","stream":true,"stream_options":{"include_usage":true}})";
        client.socket.write(chatRequest("/v1/chat/completions", body));
        Response response;
        QVERIFY(waitForResponse(client.data, response));
        QCOMPARE(response.status, 200);
        QVERIFY(response.head.contains("Content-Type: text/event-stream"));
        QVERIFY(response.head.contains("Transfer-Encoding: chunked"));
        QVERIFY(response.head.contains("x-upstream-test: yes"));
        QVERIFY(response.body.endsWith("\n\ndata: [DONE]\n\n"));

        const QList<QByteArray> events = response.body.split('\n');
        QList<json> chunks;
        for (qsizetype i = 0; i < events.size(); ++i) {  // strictly "data: <x>\n\n"
            if (i % 2 == 1 || i == events.size() - 1) {
                QVERIFY(events[i].isEmpty());
                continue;
            }
            QVERIFY(events[i].startsWith("data: "));
            if (events[i] != "data: [DONE]")
                chunks.append(json::parse(events[i].mid(6).toStdString()));
        }
        QCOMPARE(chunks.size(), 8);  // role + 5 pieces + finish + usage
        JCOMPARE(chunks[0]["choices"][0]["delta"], json({{"role", "assistant"}, {"content", ""}}));
        std::string text;
        for (int i = 0; i < 7; ++i) {
            JCOMPARE(chunks[i]["object"], "chat.completion.chunk");
            JCOMPARE(chunks[i]["model"], "gpt-s");
            text += chunks[i]["choices"][0]["delta"].value("content", "");
        }
        JCOMPARE(text, "Hello from mock upstream!");
        JCOMPARE(chunks[6]["choices"][0]["finish_reason"], "stop");
        JCOMPARE(chunks[7]["choices"], json::array());
        JCOMPARE(chunks[7]["usage"]["total_tokens"], 16);

        // Without include_usage, via a real HTTP client: no usage chunk.
        std::unique_ptr<QNetworkReply> reply(send("/v1/chat/completions", kStreamBody));
        const QList<QByteArray> plain = sseEvents(reply->readAll());
        QCOMPARE(plain.size(), 8);
        QCOMPARE(plain.last(), QByteArray("data: [DONE]"));
        QVERIFY(!plain[6].contains("usage"));
    }

    void statusAndTextErrors()
    {
        std::unique_ptr<QNetworkReply> r503(send("/status/503/v1/chat/completions", "{}"));
        QCOMPARE(status(r503.get()), 503);
        QCOMPARE(r503->rawHeader("x-upstream-test"), QByteArray("yes"));
        QVERIFY(!r503->hasRawHeader("Retry-After"));
        JCOMPARE(bodyJson(r503.get()), json::parse(R"({"error":{"message":"mock upstream error 503","type":"server_error","param":null,"code":"mock_503"}})"));

        std::unique_ptr<QNetworkReply> r429(send("/status/429/v1/chat/completions", "{}"));
        QCOMPARE(status(r429.get()), 429);
        QCOMPARE(r429->rawHeader("Retry-After"), QByteArray("1"));
        JCOMPARE(bodyJson(r429.get())["error"]["type"], "invalid_request_error");

        std::unique_ptr<QNetworkReply> text(send("/text/502/v1/embeddings", "{}"));
        QCOMPARE(status(text.get()), 502);
        QVERIFY(text->header(QNetworkRequest::ContentTypeHeader).toString().startsWith("text/plain"));
        QCOMPARE(text->readAll(), QByteArray("upstream says no"));
        QCOMPARE(mock_->received().at(2).path, QByteArray("/text/502/v1/embeddings"));
    }

    void delayDoesNotBlock()
    {
        QElapsedTimer clock;
        clock.start();
        RawClient slow(mock_->port());
        slow.socket.write(chatRequest("/delay/400/v1/chat/completions", "{}"));
        QTRY_COMPARE(mock_->requestCount(), 1);
        std::unique_ptr<QNetworkReply> fast(send("/v1/models"));  // answered while the other waits
        QCOMPARE(status(fast.get()), 200);
        QVERIFY(slow.data.isEmpty());
        QVERIFY(clock.elapsed() < 400);
        Response response;
        QVERIFY(waitForResponse(slow.data, response));
        QVERIFY(clock.elapsed() >= 400);
        QCOMPARE(response.status, 200);
        JCOMPARE(json::parse(response.body.toStdString())["object"], "chat.completion");
    }

    void resetClosesWithoutAnswer()
    {
        RawClient client(mock_->port());
        client.socket.write(chatRequest("/reset/v1/chat/completions", "{}"));
        QTRY_COMPARE(client.socket.state(), QAbstractSocket::UnconnectedState);
        QVERIFY(client.data.isEmpty());
        QCOMPARE(mock_->requestCount(), 1);
        QTRY_COMPARE(mock_->openConnections(), 0);

        std::unique_ptr<QNetworkReply> reply(send("/reset/v1/chat/completions", "{}"));
        QVERIFY(reply->error() != QNetworkReply::NoError);
    }

    void resetMidStream()
    {
        RawClient client(mock_->port());
        client.socket.write(chatRequest("/resetmid/v1/chat/completions", kStreamBody));
        QTRY_COMPARE(client.socket.state(), QAbstractSocket::UnconnectedState);
        const qsizetype headEnd = client.data.indexOf("\r\n\r\n");
        QVERIFY(headEnd > 0);
        QVERIFY(client.data.startsWith("HTTP/1.1 200 OK\r\n"));
        const QByteArray chunked = client.data.mid(headEnd + 4);
        QVERIFY(!chunked.endsWith("0\r\n\r\n"));
        const QByteArray body = dechunkPartial(chunked);
        const QList<QByteArray> events = sseEvents(body);
        QCOMPARE(events.size(), 3);   // two whole events and the start of a third
        QVERIFY(events[1].contains(R"("content":"Hello")"));
        QVERIFY(!body.endsWith("\n"));   // cut inside the third
    }

    void paceSpacesEvents()
    {
        constexpr int gap = 60;
        RawClient client(mock_->port());
        client.socket.write(chatRequest("/pace/60/v1/chat/completions", kStreamBody));
        Response response;
        QVERIFY(waitForResponse(client.data, response));
        QCOMPARE(sseEvents(response.body).size(), 8);
        QVERIFY2(client.arrivals.size() >= 8, qPrintable(QString::number(client.arrivals.size())));
        const qint64 spread = client.arrivals.last() - client.arrivals.first();
        QVERIFY2(spread >= 7 * gap - 20, qPrintable(QString::number(spread)));
    }

    void keepAlivePipelinedChunked()
    {
        RawClient client(mock_->port());
        // Two requests in one write: a chunked POST (with extension and trailer), then a GET.
        client.socket.write("POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                            "a;ext=1\r\n{\"model\":\"\r\n"
                            "9\r\nemb-2\"}  \r\n"
                            "0\r\nX-Trailer: t\r\n\r\n"
                            "GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n");
        Response first, second;
        QVERIFY(waitForResponse(client.data, first));
        QVERIFY(waitForResponse(client.data, second));
        JCOMPARE(json::parse(first.body.toStdString())["model"], "emb-2");
        JCOMPARE(json::parse(second.body.toStdString())["data"][0]["id"], "mock-model");
        QCOMPARE(mock_->received().at(0).body, QByteArray("{\"model\":\"emb-2\"}  "));
        QCOMPARE(mock_->openConnections(), 1);

        // Expect: 100-continue, as curl sends for large bodies; then a third request.
        const QByteArray body = R"({"model":"big"})";
        client.socket.write(chatRequest("/v1/chat/completions", {}, "Expect: 100-continue\r\n")
                                .replace("Content-Length: 0", "Content-Length: " + QByteArray::number(body.size())));
        QTRY_VERIFY(client.data.startsWith("HTTP/1.1 100 Continue\r\n\r\n"));
        client.data.remove(0, 25);
        client.socket.write(body);
        Response third;
        QVERIFY(waitForResponse(client.data, third));
        JCOMPARE(json::parse(third.body.toStdString())["model"], "big");
        QCOMPARE(mock_->requestCount(), 3);
        QCOMPARE(mock_->openConnections(), 1);
    }

    void connectionCloseAndMalformed()
    {
        RawClient closing(mock_->port());
        closing.socket.write(chatRequest("/v1/chat/completions", "{}", "Connection: close\r\n"));
        QTRY_COMPARE(closing.socket.state(), QAbstractSocket::UnconnectedState);
        Response response;
        QVERIFY(takeResponse(closing.data, response));
        QVERIFY(response.head.contains("Connection: close"));

        RawClient bad(mock_->port());
        bad.socket.write("garbage\r\n\r\n");
        QTRY_COMPARE(bad.socket.state(), QAbstractSocket::UnconnectedState);
        QVERIFY(bad.data.startsWith("HTTP/1.1 400 "));
        QTRY_COMPARE(mock_->openConnections(), 0);
    }

    void stallTracksConnections()
    {
        QSignalSpy received(mock_, &MockUpstream::requestReceived);
        auto client = std::make_unique<RawClient>(mock_->port());
        client->socket.write(chatRequest("/stall/v1/chat/completions", kStreamBody));
        QVERIFY(received.wait(5000));
        QCOMPARE(mock_->openConnections(), 1);
        QTest::qWait(200);
        QVERIFY(client->data.isEmpty());
        QCOMPARE(client->socket.state(), QAbstractSocket::ConnectedState);
        client.reset();  // the client hangs up; the mock must notice
        QTRY_COMPARE(mock_->openConnections(), 0);

        // Same with a TCP reset instead of a FIN.
        RawClient rude(mock_->port());
        rude.socket.write(chatRequest("/stall/v1/chat/completions", "{}"));
        QVERIFY(received.wait(5000));
        QCOMPARE(mock_->openConnections(), 1);
        const linger hard{1, 0};
        QCOMPARE(::setsockopt(int(rude.socket.socketDescriptor()), SOL_SOCKET, SO_LINGER, &hard, sizeof hard), 0);
        rude.socket.abort();
        QTRY_COMPARE(mock_->openConnections(), 0);
    }

    void destroyWhileBusy()
    {
        auto* mock = new MockUpstream;
        QVERIFY(mock->listen());
        RawClient stalled(mock->port()), streaming(mock->port());
        stalled.socket.write(chatRequest("/stall/v1/chat/completions", "{}"));
        streaming.socket.write(chatRequest("/pace/50/v1/chat/completions", kStreamBody));
        QTRY_VERIFY(streaming.data.contains("data: "));
        QCOMPARE(mock->openConnections(), 2);
        delete mock;  // must neither crash nor leave timers firing into freed memory
        QTRY_COMPARE(stalled.socket.state(), QAbstractSocket::UnconnectedState);
        QTRY_COMPARE(streaming.socket.state(), QAbstractSocket::UnconnectedState);
        QTest::qWait(150);
    }
};

QTEST_GUILESS_MAIN(TstMockUpstream)
#include "tst_mock_upstream.moc"
