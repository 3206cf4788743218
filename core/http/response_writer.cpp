#include "http/response_writer.h"

#include "http/http_connection.h"

namespace gatehouse {

void ResponseWriter::sendHead(int status, const HeaderList& headers, qint64 contentLength)
{
    if (!conn_ || headSent_)
        return;
    headSent_ = true;
    chunked_ = contentLength == kChunked;
    if (filter_) {
        HeaderList filtered = headers;
        filter_->head(status, filtered, chunked_);
        status_ = status;
        conn_->writeHead(status, filtered, contentLength, /*flushNow=*/chunked_);
        return;
    }
    status_ = status;
    conn_->writeHead(status, headers, contentLength, /*flushNow=*/chunked_);
}

void ResponseWriter::sendBody(QByteArrayView data)
{
    if (!conn_ || !headSent_ || finished_ || data.isEmpty())
        return;
    QByteArray filtered;
    if (filter_ && chunked_) {
        filtered = filter_->body(data);
        data = filtered;
        if (data.isEmpty())
            return;
    }
    bodyBytes_ += data.size();
    conn_->writeBody(data, chunked_);
}

void ResponseWriter::sendStreamError(QByteArrayView event)
{
    if (!filter_ || !chunked_)
        return sendBody(event);
    if (!conn_ || !headSent_ || finished_)
        return;
    const QByteArray filtered = filter_->streamError(event);
    if (filtered.isEmpty())
        return;
    bodyBytes_ += filtered.size();
    conn_->writeBody(filtered, chunked_);
}

void ResponseWriter::finish()
{
    if (finished_)
        return;
    if (filter_ && chunked_ && conn_ && headSent_) {
        const QByteArray tail = filter_->finish();
        if (!tail.isEmpty()) {
            bodyBytes_ += tail.size();
            conn_->writeBody(tail, true);
        }
    }
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
    QByteArray filteredBody;
    HeaderList filteredHeaders;
    const HeaderList* h = &headers;
    if (filter_) {
        filteredHeaders = headers;
        filter_->head(status, filteredHeaders, false);
        filteredBody = filter_->whole(status, body);
        body = filteredBody;
        h = &filteredHeaders;
    }
    status_ = status;
    bodyBytes_ = body.size();
    conn_->writeHead(status, *h, body.size(), /*flushNow=*/false);
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
