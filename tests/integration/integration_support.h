#pragma once
// Helpers shared by the integration tests: a raw HTTP/1.1 client that writes exact bytes and parses
// exactly what comes back (status line, headers, Content-Length or chunked bodies, interim 1xx), a
// harness that runs the real GatewayService on an ephemeral loopback port and collects its records,
// and builders for the requests the tests send. Everything waits by spinning the event loop
// (QTest::qWaitFor), never by sleeping.

#include "gateway_service.h"
#include "gateway_settings.h"
#include "observability/request_record.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QPair>
#include <QString>
#include <QTcpSocket>

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <vector>

namespace gatehouse::itest {

using RawHeaders = QList<QPair<QByteArray, QByteArray>>;

struct HttpResponse {
    int status = 0;
    QByteArray statusLine;     // "HTTP/1.1 200 OK"
    RawHeaders headers;        // names lower-cased, order kept
    QByteArray body;           // de-chunked
    bool chunked = false;
    bool chunkedTerminatorSeen = false;   // "0\r\n\r\n" arrived
    QList<QByteArray> chunks;  // chunk payloads in order (terminator excluded)
    QByteArray raw;            // exact bytes of this response
    qsizetype offset = 0;      // where raw starts in the connection's byte stream

    QByteArray header(QByteArrayView name) const;   // first value, name case-insensitive
    int headerCount(QByteArrayView name) const;
    bool hasHeader(QByteArrayView name) const { return headerCount(name) > 0; }
    nlohmann::json json() const;                    // discarded value when the body is not JSON
};

enum class ParseState { Incomplete, Complete, Bad };

// Parses the response at the front of data. On Complete, *consumed is its length. headOnly: the
// response has no body whatever its headers say (the answer to a HEAD request).
ParseState parseHttpResponse(QByteArrayView data, HttpResponse& out, qsizetype* consumed, bool headOnly = false);

// One TCP connection to a server, driven by hand.
class RawHttpClient {
public:
    RawHttpClient();
    ~RawHttpClient();
    RawHttpClient(const RawHttpClient&) = delete;
    RawHttpClient& operator=(const RawHttpClient&) = delete;

    bool connectTo(quint16 port, int timeoutMs = 3000);
    void send(QByteArrayView bytes);
    // The next complete response on the connection; nullopt on timeout or when the server closed first
    // (then *partial, if given, holds what could be parsed: head, chunks so far, raw bytes).
    std::optional<HttpResponse> readResponse(int timeoutMs = 5000, HttpResponse* partial = nullptr);
    std::optional<HttpResponse> readHeadResponse(int timeoutMs = 5000);   // the answer to a HEAD request
    // Waits until at least n unread bytes are buffered (or the connection closed).
    bool waitForUnread(qsizetype n, int timeoutMs);
    bool waitForUnreadContaining(QByteArrayView needle, int timeoutMs);
    bool waitForClosed(int timeoutMs);
    bool isClosed() const { return closed_; }
    void abort();

    QByteArray unread() const { return all_.mid(consumed_); }
    const QByteArray& allReceived() const { return all_; }
    qint64 elapsedMs() const { return clock_.elapsed(); }
    // When the byte at this offset of the connection's byte stream arrived (ms since connect), or -1.
    qint64 arrivalMs(qsizetype streamOffset) const;
    QTcpSocket& socket() { return socket_; }

private:
    void readAvailable();
    std::optional<HttpResponse> read(int timeoutMs, HttpResponse* partial, bool headOnly);

    QTcpSocket socket_;
    QByteArray all_;
    qsizetype consumed_ = 0;
    QList<QPair<qint64, qsizetype>> arrivals_;   // (ms since connect, bytes received in total)
    QElapsedTimer clock_;
    bool closed_ = false;
};

// An SSE event in a response body: its data line(s) and where it ends in the connection's byte stream.
struct SseEvent {
    QByteArray data;          // payload after "data: "
    qsizetype streamEnd = -1; // offset of its last byte in the connection's stream (-1 if unknown)
};
QList<SseEvent> sseEvents(const HttpResponse& response);

// Request builders. Host is added; Content-Length is added for a body unless the headers carry
// Transfer-Encoding or Content-Length already.
QByteArray httpRequest(QByteArrayView method, QByteArrayView target, const RawHeaders& headers,
                       QByteArrayView body = {});
QByteArray chatBody(const QString& userMessage, const QString& model = QStringLiteral("gpt-4o-mini"),
                    bool stream = false, bool includeUsage = false);
RawHeaders mockHeaders(const RawHeaders& extra = {});
RawHeaders openAiHeaders(const QString& customHost, const RawHeaders& extra = {});

// Connects, sends, reads one response.
std::optional<HttpResponse> roundTrip(quint16 port, QByteArrayView request, int timeoutMs = 5000);

// The real gateway on 127.0.0.1:<ephemeral>, with its records collected.
GatewaySettings testSettings();

class GatewayHarness {
public:
    GatewayHarness();
    ~GatewayHarness();

    bool start(const GatewaySettings& settings = testSettings(), int timeoutMs = 5000);
    GatewayService& service() { return *service_; }
    quint16 port() const { return service_->port(); }

    const std::vector<RequestRecord>& records() const { return records_; }
    int batches() const { return batches_; }
    void clearRecords();
    bool waitForRecords(std::size_t n, int timeoutMs = 3000);
    // The record whose trace id is traceId; null when none (or several: see countByTrace).
    const RequestRecord* recordByTrace(const QString& traceId) const;
    int countByTrace(const QString& traceId) const;

private:
    std::unique_ptr<GatewayService> service_;
    std::vector<RequestRecord> records_;
    int batches_ = 0;
};

QString recordJson(const RequestRecord& r);   // to_json(record).dump()

// Empty when the response is an OpenAI-shaped error: status as given, Content-Type application/json,
// body exactly {"error":{"message":<non-empty string>,"type":<string>,"param":<string|null>,
// "code":<expectedCode>}}; otherwise what is wrong.
QString openAiErrorProblem(const HttpResponse& r, int expectedStatus, const QString& expectedCode);

} // namespace gatehouse::itest
