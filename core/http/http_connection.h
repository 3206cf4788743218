#pragma once
// One client connection on the gateway thread: reads and parses requests, enforces the header, body
// and idle timeouts, hands each request to the handler and writes its answer. Keep-alive and
// pipelining: requests are answered strictly in order, one at a time.

#include "http/http_request_parser.h"
#include "http/request_handler.h"
#include "http/response_writer.h"

#include <QObject>
#include <QTimer>

class QTcpSocket;

namespace gatehouse {

struct ConnectionLimits {
    HttpRequestParser::Limits parser;
    int headerTimeoutMs = 10'000;
    int bodyTimeoutMs = 60'000;
    int idleTimeoutMs = 75'000;
};

class HttpConnection : public QObject {
    Q_OBJECT
public:
    HttpConnection(qintptr socketDescriptor, const ConnectionLimits& limits, RequestHandler* handler,
                   QObject* parent = nullptr);
    ~HttpConnection() override;

    bool isBusy() const { return active_ != nullptr; }
    // Shutdown: close now when idle, otherwise right after the response in progress.
    void closeWhenIdle();

Q_SIGNALS:
    void closed(gatehouse::HttpConnection* self);

private:
    friend class ResponseWriter;

    void onReadyRead();
    void processInput();
    void dispatch(HttpRequest&& request);
    void answerProtocolError(int status, const QByteArray& message);
    void onTimeout();
    void armTimer();
    void close(bool abort);

    // used by ResponseWriter
    void writeHead(int status, const HeaderList& headers, qint64 contentLength, bool flushNow);
    void writeBody(QByteArrayView data, bool chunked);
    void finishResponse(bool chunked);
    qint64 pendingBytes() const;

    QTcpSocket* socket_;
    ConnectionLimits limits_;
    RequestHandler* handler_;
    HttpRequestParser parser_;
    QByteArray in_;
    // Which deadline timer_ is counting: the header deadline must not restart on every trickled byte,
    // and cannot be told apart from the idle timer by its interval when both are configured equal.
    enum class TimerPhase { None, Idle, Header, Body };
    QTimer timer_;
    TimerPhase phase_ = TimerPhase::None;
    ResponseWriterPtr active_;
    ClientInfo client_;
    bool keepAliveCurrent_ = true;
    bool headCurrent_ = false;   // HEAD: the answer's head only, never a body
    int httpMinorCurrent_ = 1;
    bool closeAfterResponse_ = false;
    bool closed_ = false;
    bool resumeScheduled_ = false;
};

} // namespace gatehouse
