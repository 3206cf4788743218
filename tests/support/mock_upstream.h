#pragma once
// A real HTTP/1.1 server on 127.0.0.1 that impersonates an OpenAI-compatible provider, so
// integration tests drive the gateway's actual network path (sockets, chunking, resets) instead of
// a stubbed client. The scenario is picked from the request path, so one instance serves them all;
// point a provider at baseUrl(), or at http://127.0.0.1:<port>/<prefix>/v1:
//   /v1/...                 chat/completions (JSON, or SSE when "stream":true), completions,
//                           embeddings, GET models; any other path -> 404 OpenAI error
//   /status/<code>/v1/...   <code> with an OpenAI error body (429 adds Retry-After: 1)
//   /text/<code>/v1/...     <code> with text/plain "upstream says no"
//   /delay/<ms>/v1/...      the normal answer after <ms> (a timer; never blocks)
//   /stall/v1/...           never answers and keeps the socket open
//   /hold/v1/...            answers normally, but only when releaseHeld() is called
//   /reset/v1/...           abort()s the socket right after reading the request
//   /resetmid/v1/...        streams headers, 2 SSE events and half of a third (unstreamed: half the JSON), then abort()s
//   /stallmid/v1/...        streams headers and 2 SSE events (unstreamed: half the JSON), then goes silent, socket open
//   /pace/<ms>/v1/...       streams the SSE events <ms> apart
//   /openai/deployments/<d>/..., /openai/v1/...   Azure OpenAI's paths, answered like /v1/...
// An embeddings request for a model named "words-<n>" gets a deterministic <n>-dimension bag-of-words
// vector per input (same words, same vector), for semantic-cache tests.
// A chat whose model contains "tool" and that sends tools gets a call of the first tool with
// {"city":"Paris"} (streamed: arguments in two fragments), unless the last message is a tool result.
// Prefixes combine, e.g. /delay/50/status/503/v1/chat/completions. Every response carries
// "x-upstream-test: yes" to check header pass-through. Everything runs on the owning thread.

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QPair>
#include <QString>
#include <QTcpServer>

#include <memory>

class QTcpSocket;

namespace gatehouse::test {

class MockUpstream : public QObject {
    Q_OBJECT
public:
    struct Received {
        QByteArray method;
        QByteArray path;                               // request target as sent, query included
        QList<QPair<QByteArray, QByteArray>> headers;  // names lower-cased, order kept
        QByteArray body;                               // de-chunked
        // First value of a header, name matched case-insensitively; empty if absent.
        QByteArray header(QByteArrayView name) const;
    };

    explicit MockUpstream(QObject* parent = nullptr);
    ~MockUpstream() override;

    bool listen();            // 127.0.0.1, ephemeral port
    // The same server behind TLS with this certificate (TestTlsCertificate), HTTP/1.1 only.
    bool listenTls(const QByteArray& certificatePem, const QByteArray& privateKeyPem);
    quint16 port() const;
    QString baseUrl() const;  // "http://127.0.0.1:<port>/v1" ("https://" after listenTls)

    QList<Received> received() const;
    int requestCount() const;
    void clear();             // forgets recorded requests; open connections are untouched

    // Client sockets connected right now: shows whether the gateway hangs up upstream calls.
    int openConnections() const;
    // Answers every request held by /hold/ so far.
    void releaseHeld();

Q_SIGNALS:
    void requestReceived();   // after each request has been recorded

private:
    struct Connection {
        QByteArray buffer;          // unparsed input; pipelined requests wait here
        bool busy = false;          // a response is in progress (answers go strictly in order)
        bool keepAlive = true;
        bool continueSent = false;  // "100 Continue" already sent for the current request
    };

    void onNewConnection();
    void processBuffer(QTcpSocket* socket);
    void respond(QTcpSocket* socket, const Received& request);
    void writeSimple(QTcpSocket* socket, int status, const QByteArray& contentType, const QByteArray& body,
                     const QByteArray& extraHeaders = {});
    enum class StreamEnd { Finish, Abort, Stall };
    void streamStep(QTcpSocket* socket, QList<QByteArray> events, int gapMs, StreamEnd end);
    void abortWhenFlushed(QTcpSocket* socket);
    void finishResponse(QTcpSocket* socket);
    void drop(QTcpSocket* socket);

    std::unique_ptr<QTcpServer> server_;   // a QSslServer after listenTls
    bool tls_ = false;
    QHash<QTcpSocket*, Connection> connections_;
    QList<Received> received_;
    QList<QPair<QPointer<QTcpSocket>, Received>> held_;
};

} // namespace gatehouse::test
