#pragma once
// The handle a request handler answers through. It outlives the client connection safely: once the
// connection is gone every call is a no-op, and the abort callback tells the handler to stop work.

#include "http/http_request.h"

#include <QByteArrayView>
#include <functional>
#include <memory>

namespace gatehouse {

class HttpConnection;

class ResponseWriter {
public:
    static constexpr qint64 kChunked = -1;

    // Starts the response. contentLength kChunked means the body follows as chunks (SSE).
    void sendHead(int status, const HeaderList& headers, qint64 contentLength);
    void sendBody(QByteArrayView data);
    void finish();
    // Head + whole body + finish in one write.
    void sendFull(int status, const HeaderList& headers, QByteArrayView body);

    bool isOpen() const { return conn_ != nullptr; }
    bool headSent() const { return headSent_; }
    bool finished() const { return finished_; }
    int status() const { return status_; }
    qint64 bodyBytesSent() const { return bodyBytes_; }
    // Bytes written but not yet taken by the kernel: lets a producer slow down for a slow reader.
    qint64 pendingBytes() const;

    // Called once if the client disconnects (or the connection fails) before finish().
    void setOnAbort(std::function<void()> cb) { onAbort_ = std::move(cb); }
    // Called when written output has drained below the low-water mark (kLowWaterBytes).
    void setOnDrained(std::function<void()> cb) { onDrained_ = std::move(cb); }
    static constexpr qint64 kLowWaterBytes = 256 * 1024;

private:
    friend class HttpConnection;
    explicit ResponseWriter(HttpConnection* conn) : conn_(conn) {}
    void detach(bool aborted);

    HttpConnection* conn_;
    std::function<void()> onAbort_;
    std::function<void()> onDrained_;
    bool headSent_ = false;
    bool chunked_ = false;
    bool finished_ = false;
    int status_ = 0;
    qint64 bodyBytes_ = 0;
};

using ResponseWriterPtr = std::shared_ptr<ResponseWriter>;

} // namespace gatehouse
