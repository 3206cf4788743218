#pragma once
// Incremental HTTP/1.x request parser over http-parser with the gateway's limits.
// It stops after each complete request so pipelined requests are answered one at a time, in order.

#include "http/http_request.h"

#include <http_parser.h>

#include <cstddef>
#include <functional>

namespace gatehouse {

class HttpRequestParser {
public:
    struct Limits {
        int maxHeaderBytes = 64 * 1024;
        qint64 maxBodyBytes = 32 * 1024 * 1024;
    };

    enum class State {
        NeedMore,        // all input consumed, request not complete yet
        Complete,        // takeRequest() is ready; unconsumed bytes belong to the next request
        Error,           // errorStatus()/errorMessage() say what to answer; the connection must close
    };

    struct Result {
        State state;
        std::size_t consumed;
    };

    explicit HttpRequestParser(Limits limits);
    HttpRequestParser(const HttpRequestParser&) = delete;
    HttpRequestParser& operator=(const HttpRequestParser&) = delete;

    Result feed(const char* data, std::size_t len);
    HttpRequest takeRequest();

    // True between the first byte of a request and its end: header/body timeouts apply.
    bool inRequest() const { return inRequest_; }
    bool headersDone() const { return headersDone_; }

    int errorStatus() const { return errorStatus_; }
    const QByteArray& errorMessage() const { return errorMessage_; }

    // Called when the headers are complete and the client waits for "100 Continue".
    std::function<void()> onExpectContinue;

private:
    static int onMessageBegin(http_parser* p);
    static int onUrl(http_parser* p, const char* at, std::size_t len);
    static int onHeaderField(http_parser* p, const char* at, std::size_t len);
    static int onHeaderValue(http_parser* p, const char* at, std::size_t len);
    static int onHeadersComplete(http_parser* p);
    static int onBody(http_parser* p, const char* at, std::size_t len);
    static int onMessageComplete(http_parser* p);

    bool countHeaderBytes(std::size_t len);
    void fail(int status, QByteArray message);

    Limits limits_;
    http_parser parser_;
    http_parser_settings settings_;
    HttpRequest current_;
    int headerBytes_ = 0;
    bool lastWasValue_ = false;
    bool inRequest_ = false;
    bool headersDone_ = false;
    bool complete_ = false;
    int errorStatus_ = 0;
    QByteArray errorMessage_;
};

} // namespace gatehouse
