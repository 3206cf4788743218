#pragma once
// The handle a request handler answers through. It outlives the client connection safely: once the
// connection is gone every call is a no-op, and the abort callback tells the handler to stop work.

#include "http/http_request.h"

#include <QByteArrayView>
#include <functional>
#include <memory>

namespace gatehouse {

class HttpConnection;

// Rewrites an answer on its way out (e.g. OpenAI shapes -> Anthropic shapes on /v1/messages), so the
// pipeline behind the writer keeps speaking one format. Called on the writer's thread, in order.
class ResponseFilter {
public:
    virtual ~ResponseFilter() = default;
    // Before the head is written; chunked: a body of sendBody() pieces follows.
    virtual void head(int& status, HeaderList& headers, bool chunked) = 0;
    virtual QByteArray body(QByteArrayView piece) = 0;          // one piece of a chunked body
    virtual QByteArray finish() = 0;                            // the end of a chunked body
    virtual QByteArray whole(int status, QByteArrayView body) = 0;   // the body of sendFull()
    // The gateway's own OpenAI error event ending a chunked body it could not complete (the
    // upstream broke off): a filter may rewrite it into its client's error event.
    virtual QByteArray streamError(QByteArrayView openAiEvent) { return body(openAiEvent); }
};

class ResponseWriter {
public:
    static constexpr qint64 kChunked = -1;

    // Starts the response. contentLength kChunked means the body follows as chunks (SSE).
    void sendHead(int status, const HeaderList& headers, qint64 contentLength);
    void sendBody(QByteArrayView data);
    // An OpenAI error event that ends a stream the gateway cannot complete (see ResponseFilter).
    void sendStreamError(QByteArrayView event);
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
    // Set before the answer starts; everything written afterwards passes through it.
    void setFilter(std::unique_ptr<ResponseFilter> filter) { filter_ = std::move(filter); }

private:
    friend class HttpConnection;
    explicit ResponseWriter(HttpConnection* conn) : conn_(conn) {}
    void detach(bool aborted);

    HttpConnection* conn_;
    std::function<void()> onAbort_;
    std::function<void()> onDrained_;
    std::unique_ptr<ResponseFilter> filter_;
    bool headSent_ = false;
    bool chunked_ = false;
    bool finished_ = false;
    int status_ = 0;
    qint64 bodyBytes_ = 0;
};

using ResponseWriterPtr = std::shared_ptr<ResponseWriter>;

} // namespace gatehouse
