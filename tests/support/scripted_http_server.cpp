#include "scripted_http_server.h"

#include <QHostAddress>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

namespace gatehouse::test {

namespace {

enum class Parse { Incomplete, Done, Bad };

Parse parse(QByteArray& buf, ScriptedHttpServer::Request& out)
{
    const qsizetype headEnd = buf.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return buf.size() > 64 * 1024 ? Parse::Bad : Parse::Incomplete;
    QList<QByteArray> lines = buf.left(headEnd).split('\n');
    const QList<QByteArray> first = lines.takeFirst().trimmed().split(' ');
    if (first.size() != 3)
        return Parse::Bad;
    ScriptedHttpServer::Request r;
    r.method = first[0];
    r.target = first[1];
    const qsizetype q = r.target.indexOf('?');
    r.path = q < 0 ? r.target : r.target.left(q);
    r.query = q < 0 ? QByteArray() : r.target.mid(q + 1);
    for (const QByteArray& line : lines) {
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return Parse::Bad;
        r.headers.append({line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed()});
    }
    qsizetype pos = headEnd + 4;
    if (r.header("transfer-encoding").toLower().contains("chunked")) {
        for (;;) {
            const qsizetype lineEnd = buf.indexOf("\r\n", pos);
            if (lineEnd < 0)
                return Parse::Incomplete;
            bool ok = false;
            const qsizetype size = buf.mid(pos, lineEnd - pos).split(';').first().trimmed().toLongLong(&ok, 16);
            if (!ok || size < 0)
                return Parse::Bad;
            if (buf.size() < lineEnd + 2 + size + 2)
                return Parse::Incomplete;
            r.body += buf.mid(lineEnd + 2, size);
            pos = lineEnd + 2 + size + 2;
            if (size == 0)
                break;   // no trailers from the clients used here
        }
    } else if (const QByteArray len = r.header("content-length"); !len.isEmpty()) {
        const qsizetype n = len.toLongLong();
        if (buf.size() < pos + n)
            return Parse::Incomplete;
        r.body = buf.mid(pos, n);
        pos += n;
    }
    buf.remove(0, pos);
    out = std::move(r);
    return Parse::Done;
}

QByteArray reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

} // namespace

QByteArray ScriptedHttpServer::Request::header(QByteArrayView name) const
{
    const QByteArray lower = name.toByteArray().toLower();
    for (const auto& h : headers) {
        if (h.first == lower)
            return h.second;
    }
    return {};
}

ScriptedHttpServer::ScriptedHttpServer(QObject* parent)
    : QObject(parent)
{
    connect(&server_, &QTcpServer::newConnection, this, &ScriptedHttpServer::onNewConnection);
}

ScriptedHttpServer::~ScriptedHttpServer()
{
    for (QTcpSocket* socket : server_.findChildren<QTcpSocket*>())
        socket->disconnect(this);
}

bool ScriptedHttpServer::listen() { return server_.listen(QHostAddress::LocalHost, 0); }
quint16 ScriptedHttpServer::port() const { return server_.serverPort(); }

void ScriptedHttpServer::onNewConnection()
{
    while (QTcpSocket* socket = server_.nextPendingConnection()) {
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        connections_.insert(socket, {});
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
            const auto it = connections_.find(socket);
            if (it == connections_.end())
                return;
            it->buffer += socket->readAll();
            process(socket);
        });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] { drop(socket); });
    }
}

void ScriptedHttpServer::process(QTcpSocket* socket)
{
    const auto it = connections_.find(socket);
    if (it == connections_.end() || it->busy)
        return;
    Request request;
    const Parse result = parse(it->buffer, request);
    if (result == Parse::Incomplete)
        return;
    if (result == Parse::Bad) {
        socket->write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        socket->disconnectFromHost();
        return;
    }
    it->busy = true;
    received_.append(request);
    const QPointer<QTcpSocket> guard(socket);
    Q_EMIT requestReceived();
    if (!guard)
        return;
    const Reply reply = answer(request);
    QByteArray head = "HTTP/1.1 " + QByteArray::number(reply.status) + ' ' + reason(reply.status) + "\r\n";
    head += "Content-Type: " + reply.contentType + "\r\n";
    for (const auto& [name, value] : reply.headers)
        head += name + ": " + value + "\r\n";
    if (reply.pieces.isEmpty()) {
        socket->write(head + "Content-Length: " + QByteArray::number(reply.body.size()) + "\r\n\r\n" + reply.body);
        return done(socket);
    }
    socket->write(head + "Transfer-Encoding: chunked\r\n\r\n");
    writePieces(socket, reply.pieces, reply.gapMs, reply.cut);
}

void ScriptedHttpServer::writePieces(QTcpSocket* socket, QList<QByteArray> pieces, int gapMs, bool cut)
{
    if (socket->state() != QAbstractSocket::ConnectedState)
        return;
    while (!pieces.isEmpty()) {
        const QByteArray p = pieces.takeFirst();
        if (!p.isEmpty())
            socket->write(QByteArray::number(p.size(), 16) + "\r\n" + p + "\r\n");
        if (gapMs > 0 && !pieces.isEmpty()) {
            socket->flush();
            QTimer::singleShot(gapMs, socket, [=, this] { writePieces(socket, pieces, gapMs, cut); });
            return;
        }
    }
    if (cut)
        return abortWhenFlushed(socket);
    socket->write("0\r\n\r\n");
    done(socket);
}

// abort() discards unsent output, so hand everything to the OS first: the client must see it.
void ScriptedHttpServer::abortWhenFlushed(QTcpSocket* socket)
{
    socket->flush();
    if (socket->bytesToWrite() > 0) {
        connect(socket, &QTcpSocket::bytesWritten, this, [this, socket] { abortWhenFlushed(socket); }, Qt::SingleShotConnection);
        return;
    }
    socket->abort();
    drop(socket);
}

void ScriptedHttpServer::done(QTcpSocket* socket)
{
    const auto it = connections_.find(socket);
    if (it == connections_.end())
        return;
    it->busy = false;
    QTimer::singleShot(0, socket, [this, socket] { process(socket); });
}

void ScriptedHttpServer::drop(QTcpSocket* socket)
{
    if (connections_.remove(socket))
        socket->deleteLater();
}

} // namespace gatehouse::test
