#include "http/http_connection.h"

#include "http/http_status.h"
#include "pipeline/api_error.h"

#include <QTcpSocket>

namespace gatehouse {

namespace {
constexpr qint64 kMaxBufferedInput = 1024 * 1024;   // pipelined input held while a request is served
constexpr int kCloseDrainMs = 5'000;                 // how long a closing socket may flush its output
} // namespace

HttpConnection::HttpConnection(qintptr socketDescriptor, const ConnectionLimits& limits,
                               RequestHandler* handler, QObject* parent)
    : QObject(parent)
    , socket_(new QTcpSocket(this))
    , limits_(limits)
    , handler_(handler)
    , parser_(limits.parser)
    , timer_(this)
{
    socket_->setSocketDescriptor(socketDescriptor);
    socket_->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    client_.address = socket_->peerAddress().toString();
    client_.port = socket_->peerPort();

    parser_.onExpectContinue = [this] {
        socket_->write("HTTP/1.1 100 Continue\r\n\r\n");
        socket_->flush();
    };

    timer_.setSingleShot(true);
    timer_.setTimerType(Qt::CoarseTimer);
    connect(&timer_, &QTimer::timeout, this, &HttpConnection::onTimeout);
    connect(socket_, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(socket_, &QTcpSocket::bytesWritten, this, [this] {
        if (active_ && active_->onDrained_ && socket_->bytesToWrite() < ResponseWriter::kLowWaterBytes)
            active_->onDrained_();
    });
    connect(socket_, &QTcpSocket::disconnected, this, [this] { close(true); });
    connect(socket_, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) { close(true); });
    armTimer();
}

HttpConnection::~HttpConnection()
{
    if (active_)
        active_->detach(true);
}

void HttpConnection::closeWhenIdle()
{
    closeAfterResponse_ = true;
    if (!active_)
        close(false);
}

void HttpConnection::onReadyRead()
{
    if (closed_)
        return;
    // While a request is being served, leave further input in the socket (TCP back-pressure) once
    // enough is buffered; it is read when the answer is finished.
    if (active_ && in_.size() >= kMaxBufferedInput)
        return;
    QByteArray data = socket_->readAll();
    if (in_.isEmpty())
        in_ = std::move(data);
    else
        in_.append(data);
    processInput();
}

void HttpConnection::processInput()
{
    resumeScheduled_ = false;
    while (!active_ && !closed_ && !in_.isEmpty()) {
        const auto r = parser_.feed(in_.constData(), std::size_t(in_.size()));
        if (r.consumed >= std::size_t(in_.size()))
            in_.clear();
        else if (r.consumed > 0)
            in_.remove(0, qsizetype(r.consumed));
        if (r.state == HttpRequestParser::State::Error) {
            answerProtocolError(parser_.errorStatus(), parser_.errorMessage());
            return;
        }
        if (r.state != HttpRequestParser::State::Complete)
            break;
        dispatch(parser_.takeRequest());
    }
    if (!active_ && !closed_ && socket_->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &HttpConnection::onReadyRead, Qt::QueuedConnection);
    armTimer();
}

void HttpConnection::dispatch(HttpRequest&& request)
{
    keepAliveCurrent_ = request.keepAlive;
    headCurrent_ = request.method == "HEAD";
    httpMinorCurrent_ = request.httpMinor;
    active_ = ResponseWriterPtr(new ResponseWriter(this));
    timer_.stop();
    phase_ = TimerPhase::None;
    const ResponseWriterPtr writer = active_;
    handler_->handle(std::move(request), writer, client_);
}

void HttpConnection::answerProtocolError(int status, const QByteArray& message)
{
    ApiError err{status, QString::fromUtf8(message), QStringLiteral("invalid_request_error"),
                 status == 408 ? QStringLiteral("timeout")
                 : status == 413 ? QStringLiteral("body_too_large")
                 : status == 431 ? QStringLiteral("headers_too_large")
                                 : QStringLiteral("bad_request"),
                 {}};
    closeAfterResponse_ = true;
    if (active_) {   // a handler is mid-answer; it cannot be rescued
        close(true);
        return;
    }
    const QByteArray body = err.toJson();
    headCurrent_ = false;   // protocol errors answer a request that was never parsed
    writeHead(status, {{QByteArrayLiteral("content-type"), QByteArrayLiteral("application/json")}},
              body.size(), false);
    writeBody(body, false);
    socket_->flush();
    close(false);
}

void HttpConnection::armTimer()
{
    if (closed_ || active_) {
        timer_.stop();
        phase_ = TimerPhase::None;
        return;
    }
    if (!parser_.inRequest()) {
        phase_ = TimerPhase::Idle;
        timer_.start(limits_.idleTimeoutMs);
    } else if (!parser_.headersDone()) {
        // The header deadline runs from the first byte of the request: trickling bytes do not extend it.
        if (phase_ != TimerPhase::Header || !timer_.isActive()) {
            phase_ = TimerPhase::Header;
            timer_.start(limits_.headerTimeoutMs);
        }
    } else {
        phase_ = TimerPhase::Body;
        timer_.start(limits_.bodyTimeoutMs);   // body: longest silence between bytes
    }
}

void HttpConnection::onTimeout()
{
    if (closed_ || active_)
        return;
    if (!parser_.inRequest()) {
        close(false);   // idle keep-alive connection
        return;
    }
    answerProtocolError(408, parser_.headersDone()
        ? QByteArrayLiteral("Timed out waiting for the request body")
        : QByteArrayLiteral("Timed out waiting for the request headers"));
}

void HttpConnection::close(bool abort)
{
    if (closed_)
        return;
    closed_ = true;
    timer_.stop();
    if (active_) {
        ResponseWriterPtr w = std::move(active_);
        w->detach(true);
    }
    disconnect(socket_, nullptr, this, nullptr);
    if (abort || socket_->state() != QAbstractSocket::ConnectedState) {
        socket_->abort();
    } else if (socket_->bytesToWrite() > 0) {
        // Let the last answer drain before the socket goes; bounded so a stuck reader cannot pin it.
        connect(socket_, &QTcpSocket::disconnected, this, &QObject::deleteLater);
        socket_->disconnectFromHost();
        QTimer::singleShot(kCloseDrainMs, this, &QObject::deleteLater);
        Q_EMIT closed(this);
        return;
    } else {
        socket_->disconnectFromHost();
    }
    Q_EMIT closed(this);
    deleteLater();
}

void HttpConnection::writeHead(int status, const HeaderList& headers, qint64 contentLength, bool flushNow)
{
    QByteArray out;
    out.reserve(256 + qsizetype(headers.size()) * 48);
    out.append("HTTP/1.1 ").append(QByteArray::number(status)).append(' ')
       .append(httpReasonPhrase(status)).append("\r\n");
    for (const auto& [name, value] : headers)
        out.append(name).append(": ").append(value).append("\r\n");
    if (contentLength == ResponseWriter::kChunked)
        out.append("transfer-encoding: chunked\r\n");
    else
        out.append("content-length: ").append(QByteArray::number(contentLength)).append("\r\n");
    if (closeAfterResponse_ || !keepAliveCurrent_)
        out.append("connection: close\r\n");
    else if (httpMinorCurrent_ == 0)
        out.append("connection: keep-alive\r\n");
    out.append("\r\n");
    socket_->write(out);
    if (flushNow)
        socket_->flush();
}

void HttpConnection::writeBody(QByteArrayView data, bool chunked)
{
    if (headCurrent_)
        return;
    if (!chunked) {
        socket_->write(data.data(), data.size());
        return;
    }
    // One write per chunk: size line, data and CRLF together, flushed so SSE events leave at once.
    QByteArray out;
    out.reserve(data.size() + 16);
    out.append(QByteArray::number(data.size(), 16)).append("\r\n").append(data).append("\r\n");
    socket_->write(out);
    socket_->flush();
}

void HttpConnection::finishResponse(bool chunked)
{
    if (chunked && !headCurrent_)
        socket_->write("0\r\n\r\n", 5);
    socket_->flush();
    active_.reset();
    if (closeAfterResponse_ || !keepAliveCurrent_) {
        close(false);
        return;
    }
    if ((!in_.isEmpty() || socket_->bytesAvailable() > 0) && !resumeScheduled_) {
        // Next pipelined request: continue from the event loop, not from inside the finishing call.
        resumeScheduled_ = true;
        QMetaObject::invokeMethod(this, [this] {
            if (!in_.isEmpty()) processInput(); else onReadyRead();
        }, Qt::QueuedConnection);
    }
    armTimer();
}

qint64 HttpConnection::pendingBytes() const
{
    return socket_->bytesToWrite();
}

} // namespace gatehouse
