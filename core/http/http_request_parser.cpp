#include "http/http_request_parser.h"

#include <climits>

namespace gatehouse {

namespace {

HttpRequestParser* self(http_parser* p) { return static_cast<HttpRequestParser*>(p->data); }

bool equalsIgnoreCase(QByteArrayView a, QByteArrayView b)
{
    return a.size() == b.size() && qstrnicmp(a.data(), a.size(), b.data(), b.size()) == 0;
}

} // namespace

HttpRequestParser::HttpRequestParser(Limits limits)
    : limits_(limits)
{
    http_parser_init(&parser_, HTTP_REQUEST);
    parser_.data = this;
    http_parser_settings_init(&settings_);
    settings_.on_message_begin = &HttpRequestParser::onMessageBegin;
    settings_.on_url = &HttpRequestParser::onUrl;
    settings_.on_header_field = &HttpRequestParser::onHeaderField;
    settings_.on_header_value = &HttpRequestParser::onHeaderValue;
    settings_.on_headers_complete = &HttpRequestParser::onHeadersComplete;
    settings_.on_body = &HttpRequestParser::onBody;
    settings_.on_message_complete = &HttpRequestParser::onMessageComplete;
}

HttpRequestParser::Result HttpRequestParser::feed(const char* data, std::size_t len)
{
    if (errorStatus_ != 0)
        return {State::Error, 0};
    if (complete_)
        return {State::Complete, 0};
    if (len == 0)
        return {State::NeedMore, 0};

    const std::size_t n = http_parser_execute(&parser_, &settings_, data, len);
    const auto err = HTTP_PARSER_ERRNO(&parser_);
    if (complete_) {
        // Paused on purpose at the end of one request; the rest of the input is the next one.
        if (err == HPE_PAUSED)
            http_parser_pause(&parser_, 0);
        return {State::Complete, n};
    }
    if (err != HPE_OK) {
        if (errorStatus_ == 0) {
            if (err == HPE_HEADER_OVERFLOW)
                fail(431, QByteArrayLiteral("Request header fields too large"));
            else
                fail(400, QByteArray("Malformed HTTP request: ") + http_errno_description(err));
        }
        return {State::Error, n};
    }
    return {State::NeedMore, n};
}

HttpRequest HttpRequestParser::takeRequest()
{
    complete_ = false;
    inRequest_ = false;
    headersDone_ = false;
    HttpRequest out = std::move(current_);
    current_ = HttpRequest{};
    return out;
}

void HttpRequestParser::fail(int status, QByteArray message)
{
    errorStatus_ = status;
    errorMessage_ = std::move(message);
}

bool HttpRequestParser::countHeaderBytes(std::size_t len)
{
    headerBytes_ += int(len);
    if (headerBytes_ > limits_.maxHeaderBytes) {
        fail(431, QByteArray("Request line and headers exceed the limit of ")
                      + QByteArray::number(limits_.maxHeaderBytes) + " bytes");
        return false;
    }
    return true;
}

int HttpRequestParser::onMessageBegin(http_parser* p)
{
    auto* s = self(p);
    s->inRequest_ = true;
    s->headersDone_ = false;
    s->headerBytes_ = 0;
    s->lastWasValue_ = false;
    s->current_ = HttpRequest{};
    return 0;
}

int HttpRequestParser::onUrl(http_parser* p, const char* at, std::size_t len)
{
    auto* s = self(p);
    if (!s->countHeaderBytes(len))
        return 1;
    s->current_.target.append(at, qsizetype(len));
    return 0;
}

int HttpRequestParser::onHeaderField(http_parser* p, const char* at, std::size_t len)
{
    auto* s = self(p);
    if (!s->countHeaderBytes(len))
        return 1;
    if (s->headersDone_)
        return 0;   // a chunked body's trailer: never merged into the headers the pipeline reads
    auto& headers = s->current_.headers;
    if (s->lastWasValue_ || headers.empty())
        headers.emplace_back(QByteArray(at, qsizetype(len)), QByteArray());
    else
        headers.back().first.append(at, qsizetype(len));
    s->lastWasValue_ = false;
    return 0;
}

int HttpRequestParser::onHeaderValue(http_parser* p, const char* at, std::size_t len)
{
    auto* s = self(p);
    if (!s->countHeaderBytes(len))
        return 1;
    if (s->headersDone_)
        return 0;
    if (s->current_.headers.empty())
        return 1;
    s->current_.headers.back().second.append(at, qsizetype(len));
    s->lastWasValue_ = true;
    return 0;
}

int HttpRequestParser::onHeadersComplete(http_parser* p)
{
    auto* s = self(p);
    HttpRequest& r = s->current_;
    for (auto& h : r.headers)
        h.first = h.first.toLower();
    r.method = http_method_str(static_cast<http_method>(p->method));
    r.httpMinor = p->http_minor;
    const qsizetype q = r.target.indexOf('?');
    r.path = q < 0 ? r.target : r.target.left(q);
    r.query = q < 0 ? QByteArray() : r.target.mid(q + 1);
    s->headersDone_ = true;

    if (p->content_length != ULLONG_MAX && p->content_length > quint64(s->limits_.maxBodyBytes)) {
        s->fail(413, QByteArray("Request body of ") + QByteArray::number(quint64(p->content_length))
                         + " bytes exceeds the limit of " + QByteArray::number(s->limits_.maxBodyBytes) + " bytes");
        return -1;
    }
    if (p->content_length != ULLONG_MAX && p->content_length > 0)
        r.body.reserve(qsizetype(p->content_length));
    if (equalsIgnoreCase(r.header("expect"), "100-continue") && s->onExpectContinue)
        s->onExpectContinue();
    return 0;
}

int HttpRequestParser::onBody(http_parser* p, const char* at, std::size_t len)
{
    auto* s = self(p);
    if (s->current_.body.size() + qint64(len) > s->limits_.maxBodyBytes) {
        s->fail(413, QByteArray("Request body exceeds the limit of ")
                         + QByteArray::number(s->limits_.maxBodyBytes) + " bytes");
        return 1;
    }
    s->current_.body.append(at, qsizetype(len));
    return 0;
}

int HttpRequestParser::onMessageComplete(http_parser* p)
{
    auto* s = self(p);
    s->current_.keepAlive = http_should_keep_alive(p) != 0;
    s->complete_ = true;
    http_parser_pause(p, 1);
    return 0;
}

} // namespace gatehouse
