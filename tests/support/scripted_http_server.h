#pragma once
// A small HTTP/1.1 server on 127.0.0.1 for mock upstreams that speak a provider's own wire format.
// It parses requests (Content-Length or chunked bodies, keep-alive, pipelining), records them, and
// asks the subclass for an answer: a whole body, or a chunked stream of pieces sent gapMs apart
// (pieces are written as separate HTTP chunks, so clients see events split where the script says),
// optionally cut off by aborting the connection after the last piece.

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <QTcpServer>

class QTcpSocket;

namespace gatehouse::test {

class ScriptedHttpServer : public QObject {
    Q_OBJECT
public:
    struct Request {
        QByteArray method;
        QByteArray target;                             // as sent, query included
        QByteArray path;                               // target without the query
        QByteArray query;
        QList<QPair<QByteArray, QByteArray>> headers;  // names lower-cased, order kept
        QByteArray body;
        QByteArray header(QByteArrayView name) const;  // first value; empty if absent
    };

    struct Reply {
        int status = 200;
        QByteArray contentType = "application/json";
        QList<QPair<QByteArray, QByteArray>> headers;
        QByteArray body;               // used when pieces is empty
        QList<QByteArray> pieces;      // non-empty: chunked transfer, one HTTP chunk per piece
        int gapMs = 0;                 // between pieces
        bool cut = false;              // after the pieces, abort the connection (no final chunk)
    };

    explicit ScriptedHttpServer(QObject* parent = nullptr);
    ~ScriptedHttpServer() override;

    bool listen();
    quint16 port() const;
    QList<Request> received() const { return received_; }
    Request lastRequest() const { return received_.isEmpty() ? Request() : received_.last(); }
    int requestCount() const { return int(received_.size()); }
    void clear() { received_.clear(); }

Q_SIGNALS:
    void requestReceived();

protected:
    virtual Reply answer(const Request& request) = 0;

private:
    struct Connection {
        QByteArray buffer;
        bool busy = false;
    };
    void onNewConnection();
    void process(QTcpSocket* socket);
    void writePieces(QTcpSocket* socket, QList<QByteArray> pieces, int gapMs, bool cut);
    void abortWhenFlushed(QTcpSocket* socket);
    void done(QTcpSocket* socket);
    void drop(QTcpSocket* socket);

    QTcpServer server_;
    QHash<QTcpSocket*, Connection> connections_;
    QList<Request> received_;
};

} // namespace gatehouse::test
