#include "http/response_writer.h"

#include "http/http_connection.h"

namespace gatehouse {

void ResponseWriter::sendHead(int status, const HeaderList& headers, qint64 contentLength)
{
    if (!conn_ || headSent_)
        return;
    headSent_ = true;
    status_ = status;
    chunked_ = contentLength == kChunked;
    conn_->writeHead(status, headers, contentLength, /*flushNow=*/chunked_);
}

void ResponseWriter::sendBody(QByteArrayView data)
{
    if (!conn_ || !headSent_ || finished_ || data.isEmpty())
        return;
    bodyBytes_ += data.size();
    conn_->writeBody(data, chunked_);
}

void ResponseWriter::finish()
{
    if (finished_)
        return;
    finished_ = true;
    if (conn_ && headSent_) {
        HttpConnection* c = conn_;
        conn_ = nullptr;
        c->finishResponse(chunked_);
    }
}

void ResponseWriter::sendFull(int status, const HeaderList& headers, QByteArrayView body)
{
    if (!conn_ || headSent_)
        return;
    headSent_ = true;
    status_ = status;
    bodyBytes_ = body.size();
    conn_->writeHead(status, headers, body.size(), /*flushNow=*/false);
    if (!body.isEmpty())
        conn_->writeBody(body, false);
    finish();
}

qint64 ResponseWriter::pendingBytes() const
{
    return conn_ ? conn_->pendingBytes() : 0;
}

void ResponseWriter::detach(bool aborted)
{
    conn_ = nullptr;
    if (aborted && !finished_ && onAbort_) {
        auto cb = std::move(onAbort_);
        onAbort_ = nullptr;
        cb();
    }
}

} // namespace gatehouse
