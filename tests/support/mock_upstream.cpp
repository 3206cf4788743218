#include "mock_upstream.h"

#include <QHostAddress>
#include <QPointer>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QTcpSocket>
#include <QTimer>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <utility>
#include <vector>

namespace gatehouse::test {

namespace {

using json = nlohmann::json;

constexpr qsizetype kMaxHeadBytes = 64 * 1024;
constexpr qsizetype kMaxBodyBytes = 256 * 1024 * 1024;  // also keeps the offset arithmetic from overflowing
constexpr int kCreated = 1700000000;  // fixed, so answers are reproducible byte for byte
constexpr const char* kReply = "Hello from mock upstream";
constexpr const char* kStreamPieces[] = {"Hello", " from", " mock", " upstream", "!"};

enum class Parse { Incomplete, Done, Bad };

// Parses one request off the front of buf, consuming it when Done. On Incomplete, out already
// holds the request line and headers if those are complete (the caller needs Expect).
Parse parseRequest(QByteArray& buf, MockUpstream::Received& out, bool& keepAlive)
{
    while (buf.startsWith("\r\n"))  // RFC 9112 §2.2: ignore empty lines before a request
        buf.remove(0, 2);
    const qsizetype headEnd = buf.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return buf.size() > kMaxHeadBytes ? Parse::Bad : Parse::Incomplete;

    QList<QByteArray> lines = buf.left(headEnd).split('\n');
    const QList<QByteArray> requestLine = lines.takeFirst().trimmed().split(' ');
    if (requestLine.size() != 3 || !requestLine[2].startsWith("HTTP/1."))
        return Parse::Bad;
    out.method = requestLine[0];
    out.path = requestLine[1];
    for (const QByteArray& line : lines) {
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return Parse::Bad;
        out.headers.append({line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed()});
    }
    const QByteArray connection = out.header("connection").toLower();
    keepAlive = requestLine[2] == "HTTP/1.0" ? connection.contains("keep-alive") : !connection.contains("close");

    qsizetype pos = headEnd + 4;
    if (out.header("transfer-encoding").toLower().contains("chunked")) {
        for (;;) {
            qsizetype lineEnd = buf.indexOf("\r\n", pos);
            if (lineEnd < 0)
                return Parse::Incomplete;
            bool ok = false;  // the size may carry ";extensions", which are ignored
            const qsizetype size = buf.mid(pos, lineEnd - pos).split(';').first().trimmed().toLongLong(&ok, 16);
            if (!ok || size < 0 || size > kMaxBodyBytes)
                return Parse::Bad;
            pos = lineEnd + 2;
            if (size == 0) {  // optional trailer fields, then an empty line
                for (bool last = false; !last; pos = lineEnd + 2) {
                    if ((lineEnd = buf.indexOf("\r\n", pos)) < 0)
                        return Parse::Incomplete;
                    last = lineEnd == pos;
                }
                break;
            }
            if (buf.size() < pos + size + 2)
                return Parse::Incomplete;
            if (buf.mid(pos + size, 2) != "\r\n")
                return Parse::Bad;
            out.body += buf.mid(pos, size);
            pos += size + 2;
        }
    } else if (const QByteArray field = out.header("content-length"); !field.isEmpty()) {
        bool ok = false;
        const qsizetype length = field.toLongLong(&ok);
        if (!ok || length < 0 || length > kMaxBodyBytes)
            return Parse::Bad;
        if (buf.size() < pos + length)
            return Parse::Incomplete;
        out.body = buf.mid(pos, length);
        pos += length;
    }
    buf.remove(0, pos);
    return Parse::Done;
}

// The scenario encoded in the path prefixes; an empty endpoint means "unknown path".
struct Route {
    int status = 0, delayMs = 0, paceMs = 0;  // status: from /status/<code> or /text/<code>
    bool text = false, stall = false, hold = false, reset = false, resetMid = false, stallMid = false;
    QByteArray endpoint;  // what follows /v1/, e.g. "chat/completions"
};

Route parseRoute(const QByteArray& target)
{
    const QList<QByteArray> segs = target.split('?').first().split('/');
    if (segs.size() < 2 || !segs[0].isEmpty())
        return {};
    Route r;
    for (qsizetype i = 1; i < segs.size(); ++i) {
        const QByteArray& s = segs[i];
        const bool isStatus = s == "status" || s == "text";
        int* number = isStatus ? &r.status : s == "delay" ? &r.delayMs : s == "pace" ? &r.paceMs : nullptr;
        if (s == "v1") {
            r.endpoint = segs.mid(i + 1).join('/');
            return r;
        } else if (s == "openai" && i + 2 < segs.size() && segs[i + 1] == "deployments") {
            // Azure OpenAI: /openai/deployments/<deployment>/chat/completions?api-version=...
            r.endpoint = segs.mid(i + 3).join('/');
            return r;
        } else if (s == "openai" && i + 1 < segs.size() && segs[i + 1] == "v1") {
            continue;   // Azure's version-less API: /openai/v1/...
        } else if (number) {
            bool ok = false;
            *number = i + 1 < segs.size() ? segs[++i].toInt(&ok) : 0;
            if (!ok || *number < 0 || (isStatus && (*number < 200 || *number > 599)))
                return {};
            r.text = r.text || s == "text";
        } else if (s == "hold") {
            r.hold = true;
        } else if (s == "stall" || s == "reset" || s == "resetmid") {
            (s == "stall" ? r.stall : s == "reset" ? r.reset : r.resetMid) = true;
        } else if (s == "stallmid") {
            r.stallMid = true;
        } else {
            return {};
        }
    }
    return {};  // no /v1 segment
}

// contentLength < 0 selects chunked transfer encoding.
QByteArray responseHead(int status, const QByteArray& contentType, qint64 contentLength, bool keepAlive,
                        const QByteArray& extraHeaders)
{
    static const QHash<int, QByteArray> reasons = {  // clients ignore the phrase; these are for logs
        {200, "OK"}, {400, "Bad Request"}, {401, "Unauthorized"}, {404, "Not Found"}, {429, "Too Many Requests"},
        {500, "Internal Server Error"}, {502, "Bad Gateway"}, {503, "Service Unavailable"}, {504, "Gateway Timeout"}};
    QByteArray head = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasons.value(status, "Status") + "\r\n";
    head += "Content-Type: " + contentType + "\r\n";
    head += contentLength < 0 ? QByteArray("Transfer-Encoding: chunked\r\n")
                              : "Content-Length: " + QByteArray::number(contentLength) + "\r\n";
    head += keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
    return head + "x-request-id: req_mock_1\r\nx-upstream-test: yes\r\n" + extraHeaders + "\r\n";
}

QByteArray httpChunk(const QByteArray& data)
{
    return QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n";
}

QByteArray errorBody(int status, const std::string& message, const json& code)
{
    const char* type = status >= 400 && status < 500 ? "invalid_request_error" : "server_error";
    const json error = {{"message", message}, {"type", type}, {"param", nullptr}, {"code", code}};
    return QByteArray::fromStdString(json{{"error", error}}.dump());
}

json usage()
{
    return {{"prompt_tokens", 11}, {"completion_tokens", 5}, {"total_tokens", 16}};
}

// The non-streamed answer of an endpoint, as OpenAI shapes it.
json answer(const QByteArray& endpoint, const std::string& model)
{
    if (endpoint == "models")
        return {{"object", "list"},
                {"data", json::array({{{"id", "mock-model"}, {"object", "model"}, {"created", 0}, {"owned_by", "mock"}}})}};
    if (endpoint == "embeddings")
        return {{"object", "list"},
                {"data", json::array({{{"object", "embedding"}, {"index", 0}, {"embedding", {0.1, 0.2, 0.3}}}})},
                {"model", model},
                {"usage", {{"prompt_tokens", 3}, {"total_tokens", 3}}}};
    const bool chat = endpoint == "chat/completions";
    json choice = {{"index", 0}, {"logprobs", nullptr}, {"finish_reason", "stop"}};
    if (chat)
        choice["message"] = {{"role", "assistant"}, {"content", kReply}, {"refusal", nullptr}};
    else
        choice["text"] = kReply;
    return {{"id", chat ? "chatcmpl-mock-1" : "cmpl-mock-1"}, {"object", chat ? "chat.completion" : "text_completion"},
            {"created", kCreated}, {"model", model}, {"choices", json::array({choice})}, {"usage", usage()}};
}

// Embedding models named "words-<n>": a deterministic <n>-dimension vector per input, one count per
// lower-cased word at a hashed dimension, so texts with the same words get the same vector and texts
// without common words are orthogonal (unless hashes collide).
json wordEmbeddings(const json& body, const std::string& model)
{
    const int dims = std::max(2, std::atoi(model.c_str() + 6));
    json inputs = body.value("input", json());
    if (!inputs.is_array())
        inputs = json::array({inputs});
    json data = json::array();
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        std::vector<double> v(std::size_t(dims), 0.0);
        const QString text = inputs[i].is_string() ? QString::fromStdString(inputs[i].get<std::string>()).toLower() : QString();
        for (const QString& word : text.split(QRegularExpression(QStringLiteral("[^a-z0-9]+")), Qt::SkipEmptyParts)) {
            std::uint32_t h = 2166136261u;
            for (const char c : word.toStdString())
                h = (h ^ std::uint8_t(c)) * 16777619u;
            v[h % std::uint32_t(dims)] += 1.0;
        }
        data.push_back({{"object", "embedding"}, {"index", i}, {"embedding", v}});
    }
    return {{"object", "list"}, {"data", data}, {"model", model}, {"usage", {{"prompt_tokens", 3}, {"total_tokens", 3}}}};
}

// The SSE events OpenAI sends for a streamed chat or text completion, "data: [DONE]" last.
QList<QByteArray> sseEvents(bool chat, const std::string& model, bool includeUsage)
{
    QList<QByteArray> events;
    auto send = [&](const json& choices, const json& usageValue) {
        json chunk = {{"id", chat ? "chatcmpl-mock-1" : "cmpl-mock-1"},
                      {"object", chat ? "chat.completion.chunk" : "text_completion"},
                      {"created", kCreated}, {"model", model}, {"choices", choices}};
        if (includeUsage)
            chunk["usage"] = usageValue;  // as OpenAI does: null until the final usage chunk
        events.append("data: " + QByteArray::fromStdString(chunk.dump()) + "\n\n");
    };
    auto choice = [&](const json& delta, const json& finish) {
        json c = {{"index", 0}, {"logprobs", nullptr}, {"finish_reason", finish}};
        c[chat ? "delta" : "text"] = chat ? delta : json(delta.value("content", ""));
        return json::array({c});
    };
    if (chat)
        send(choice({{"role", "assistant"}, {"content", ""}}, nullptr), nullptr);
    for (const char* piece : kStreamPieces)
        send(choice({{"content", piece}}, nullptr), nullptr);
    send(choice(json::object(), "stop"), nullptr);
    if (includeUsage)
        send(json::array(), usage());
    events.append("data: [DONE]\n\n");
    return events;
}

// A model name containing "tool" with tools in the request: a call of the first tool with
// {"city":"Paris"} (finish_reason tool_calls), unless the last message is a tool result.
std::string toolToCall(const json& body, const std::string& model)
{
    if (model.find("tool") == std::string::npos || !body.contains("tools") || !body["tools"].is_array() || body["tools"].empty())
        return {};
    if (body.contains("messages") && body["messages"].is_array() && !body["messages"].empty()
        && body["messages"].back().is_object() && body["messages"].back().value("role", "") == "tool")
        return {};
    const json& t = body["tools"][0];
    return t.is_object() && t.contains("function") && t["function"].is_object() ? t["function"].value("name", "") : std::string();
}

json toolAnswer(const std::string& model, const std::string& tool)
{
    const json call = {{"id", "call_mock_1"}, {"type", "function"}, {"function", {{"name", tool}, {"arguments", "{\"city\":\"Paris\"}"}}}};
    const json choice = {{"index", 0}, {"logprobs", nullptr}, {"finish_reason", "tool_calls"},
                         {"message", {{"role", "assistant"}, {"content", nullptr}, {"tool_calls", json::array({call})}}}};
    return {{"id", "chatcmpl-mock-1"}, {"object", "chat.completion"}, {"created", kCreated}, {"model", model},
            {"choices", json::array({choice})}, {"usage", usage()}};
}

// The tool call streamed as OpenAI does: id and name first, the arguments in two fragments.
QList<QByteArray> toolEvents(const std::string& model, const std::string& tool, bool includeUsage)
{
    QList<QByteArray> events;
    auto send = [&](const json& delta, const json& finish, const json& usageValue = nullptr, bool noChoice = false) {
        json chunk = {{"id", "chatcmpl-mock-1"}, {"object", "chat.completion.chunk"}, {"created", kCreated}, {"model", model},
                      {"choices", noChoice ? json::array() : json::array({{{"index", 0}, {"delta", delta}, {"finish_reason", finish}}})}};
        if (includeUsage)
            chunk["usage"] = usageValue;
        events.append("data: " + QByteArray::fromStdString(chunk.dump()) + "\n\n");
    };
    send({{"role", "assistant"}, {"content", nullptr}}, nullptr);
    send({{"tool_calls", json::array({{{"index", 0}, {"id", "call_mock_1"}, {"type", "function"}, {"function", {{"name", tool}, {"arguments", ""}}}}})}}, nullptr);
    send({{"tool_calls", json::array({{{"index", 0}, {"function", {{"arguments", "{\"city\":"}}}}})}}, nullptr);
    send({{"tool_calls", json::array({{{"index", 0}, {"function", {{"arguments", "\"Paris\"}"}}}}})}}, nullptr);
    send(json::object(), "tool_calls");
    if (includeUsage)
        send(nullptr, nullptr, usage(), true);
    events.append("data: [DONE]\n\n");
    return events;
}

bool flagAt(const json& body, const char* pointer)
{
    const json::json_pointer ptr(pointer);
    return body.contains(ptr) && body.at(ptr).is_boolean() && body.at(ptr).get<bool>();
}

} // namespace

QByteArray MockUpstream::Received::header(QByteArrayView name) const
{
    const QByteArray lower = name.toByteArray().toLower();
    for (const auto& h : headers)
        if (h.first == lower)
            return h.second;
    return {};
}

MockUpstream::MockUpstream(QObject* parent)
    : QObject(parent)
    , server_(std::make_unique<QTcpServer>())
{
    connect(server_.get(), &QTcpServer::newConnection, this, &MockUpstream::onNewConnection);
}

MockUpstream::~MockUpstream()
{
    // The sockets (server_'s children) die after connections_: keep their last signals away.
    for (QTcpSocket* socket : server_->findChildren<QTcpSocket*>())
        socket->disconnect(this);
}

bool MockUpstream::listen() { return server_->listen(QHostAddress::LocalHost, 0); }

bool MockUpstream::listenTls(const QByteArray& certificatePem, const QByteArray& privateKeyPem)
{
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificate(QSslCertificate(certificatePem, QSsl::Pem));
    tls.setPrivateKey(QSslKey(privateKeyPem, QSsl::Ec, QSsl::Pem));
    tls.setPeerVerifyMode(QSslSocket::VerifyNone);   // clients bring no certificate
    if (tls.localCertificate().isNull() || tls.privateKey().isNull())
        return false;
    auto server = std::make_unique<QSslServer>();
    server->setSslConfiguration(tls);
    // A connection becomes pending only once its handshake is done, after newConnection fired.
    connect(server.get(), &QSslServer::pendingConnectionAvailable, this, &MockUpstream::onNewConnection);
    server_ = std::move(server);
    tls_ = true;
    return server_->listen(QHostAddress::LocalHost, 0);
}

quint16 MockUpstream::port() const { return server_->serverPort(); }
QString MockUpstream::baseUrl() const
{
    return QStringLiteral("%1://127.0.0.1:%2/v1").arg(tls_ ? QStringLiteral("https") : QStringLiteral("http")).arg(port());
}
QList<MockUpstream::Received> MockUpstream::received() const { return received_; }
int MockUpstream::requestCount() const { return int(received_.size()); }
void MockUpstream::clear() { received_.clear(); }
int MockUpstream::openConnections() const { return int(connections_.size()); }

void MockUpstream::onNewConnection()
{
    while (QTcpSocket* socket = server_->nextPendingConnection()) {
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);  // paced events leave at once
        connections_.insert(socket, {});
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
            const auto it = connections_.find(socket);
            if (it == connections_.end())
                return;
            it->buffer += socket->readAll();  // drain even while busy, so a hang-up is noticed
            processBuffer(socket);
        });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] { drop(socket); });
        connect(socket, &QTcpSocket::errorOccurred, this, [this, socket] { drop(socket); });
    }
}

void MockUpstream::processBuffer(QTcpSocket* socket)
{
    const auto it = connections_.find(socket);
    if (it == connections_.end() || it->busy)
        return;
    Received request;
    bool keepAlive = true;
    const Parse result = parseRequest(it->buffer, request, keepAlive);
    if (result == Parse::Incomplete) {
        if (!request.method.isEmpty() && !it->continueSent && request.header("expect").toLower() == "100-continue") {
            socket->write("HTTP/1.1 100 Continue\r\n\r\n");  // else curl waits a second before the body
            it->continueSent = true;
        }
        return;
    }
    it->busy = true;
    it->continueSent = false;
    it->keepAlive = keepAlive && result == Parse::Done;
    if (result == Parse::Bad)
        return writeSimple(socket, 400, "text/plain", "malformed request");
    received_.append(request);
    const QPointer<QTcpSocket> guard(socket);
    Q_EMIT requestReceived();
    const Route route = parseRoute(request.path);
    if (!guard || !connections_.contains(socket) || route.stall)
        return;  // a slot closed the socket, or /stall: stay busy, never answer, keep the socket open
    if (route.hold) {
        held_.append({QPointer<QTcpSocket>(socket), request});
    } else if (route.reset) {
        socket->abort();
        drop(socket);
    } else if (route.delayMs > 0) {
        QTimer::singleShot(route.delayMs, socket, [this, socket, request] { respond(socket, request); });
    } else {
        respond(socket, request);
    }
}

void MockUpstream::releaseHeld()
{
    const auto held = std::exchange(held_, {});
    for (const auto& [socket, request] : held) {
        if (socket)
            respond(socket, request);
    }
}

void MockUpstream::respond(QTcpSocket* socket, const Received& request)
{
    if (socket->state() != QAbstractSocket::ConnectedState)
        return;  // the client gave up during a /delay
    const Route route = parseRoute(request.path);
    if (route.status != 0 && route.text)
        return writeSimple(socket, route.status, "text/plain; charset=utf-8", "upstream says no");
    if (route.status != 0) {
        const std::string code = std::to_string(route.status);
        return writeSimple(socket, route.status, "application/json",
                           errorBody(route.status, "mock upstream error " + code, "mock_" + code),
                           route.status == 429 ? "Retry-After: 1\r\n" : "");
    }

    const QByteArray& ep = route.endpoint;
    if (request.method == "GET" && ep == "models")
        return writeSimple(socket, 200, "application/json", QByteArray::fromStdString(answer(ep, {}).dump()));
    if (request.method != "POST" || (ep != "chat/completions" && ep != "completions" && ep != "embeddings")) {
        const std::string what = "Invalid URL (" + request.method.toStdString() + ' ' + request.path.toStdString() + ')';
        return writeSimple(socket, 404, "application/json", errorBody(404, what, "unknown_url"));
    }
    const json body = json::parse(request.body.toStdString(), nullptr, false);
    if (!body.is_object())
        return writeSimple(socket, 400, "application/json",
                           errorBody(400, "We could not parse the JSON body of your request.", nullptr));
    const std::string model = body.contains("model") && body["model"].is_string() ? body["model"].get<std::string>()
                                                                                   : std::string("mock-model");

    if (ep != "embeddings" && flagAt(body, "/stream")) {
        socket->write(responseHead(200, "text/event-stream; charset=utf-8", -1, connections_.value(socket).keepAlive,
                                   "Cache-Control: no-cache\r\n"));
        const std::string tool = ep == "chat/completions" ? toolToCall(body, model) : std::string();
        QList<QByteArray> events = !tool.empty() ? toolEvents(model, tool, flagAt(body, "/stream_options/include_usage"))
                                                 : sseEvents(ep == "chat/completions", model,
                                                             flagAt(body, "/stream_options/include_usage"));
        if (route.resetMid) {   // two whole events and the first half of the third
            events.resize(3);
            events[2] = events[2].left(events[2].size() / 2);
        } else if (route.stallMid) {
            events.resize(2);
        }
        return streamStep(socket, events, route.paceMs,
                          route.resetMid ? StreamEnd::Abort : route.stallMid ? StreamEnd::Stall : StreamEnd::Finish);
    }
    if (ep == "embeddings" && model.rfind("words-", 0) == 0)
        return writeSimple(socket, 200, "application/json", QByteArray::fromStdString(wordEmbeddings(body, model).dump()));
    const std::string tool = ep == "chat/completions" ? toolToCall(body, model) : std::string();
    const QByteArray payload = QByteArray::fromStdString((tool.empty() ? answer(ep, model) : toolAnswer(model, tool)).dump());
    if (route.resetMid) {  // not streamed: cut the body in half instead
        socket->write(responseHead(200, "application/json", payload.size(), true, {}) + payload.left(payload.size() / 2));
        return abortWhenFlushed(socket);
    }
    if (route.stallMid) {  // half the body, then silence on an open socket
        socket->write(responseHead(200, "application/json", payload.size(), true, {}) + payload.left(payload.size() / 2));
        return;
    }
    writeSimple(socket, 200, "application/json", payload);
}

void MockUpstream::writeSimple(QTcpSocket* socket, int status, const QByteArray& contentType, const QByteArray& body,
                               const QByteArray& extraHeaders)
{
    const bool keepAlive = connections_.value(socket).keepAlive;
    socket->write(responseHead(status, contentType, body.size(), keepAlive, extraHeaders) + body);
    finishResponse(socket);
}

// Sends SSE events as HTTP chunks: all at once, or one every gapMs (/pace) from a timer.
void MockUpstream::streamStep(QTcpSocket* socket, QList<QByteArray> events, int gapMs, StreamEnd end)
{
    if (socket->state() != QAbstractSocket::ConnectedState)
        return;  // the client left mid-stream
    while (!events.isEmpty()) {
        socket->write(httpChunk(events.takeFirst()));
        if (gapMs > 0 && !events.isEmpty()) {
            QTimer::singleShot(gapMs, socket, [=, this] { streamStep(socket, events, gapMs, end); });
            return;
        }
    }
    if (end == StreamEnd::Abort)
        return abortWhenFlushed(socket);
    if (end == StreamEnd::Stall)
        return;  // no terminator: the stream stays open, silent
    socket->write("0\r\n\r\n");
    finishResponse(socket);
}

// abort() discards unsent output, so hand everything to the OS first: the client must see it.
void MockUpstream::abortWhenFlushed(QTcpSocket* socket)
{
    socket->flush();
    if (socket->bytesToWrite() > 0) {  // try again once the OS has taken more
        connect(socket, &QTcpSocket::bytesWritten, this, [this, socket] { abortWhenFlushed(socket); },
                Qt::SingleShotConnection);
        return;
    }
    socket->abort();
    drop(socket);
}

void MockUpstream::finishResponse(QTcpSocket* socket)
{
    const auto it = connections_.find(socket);
    if (it == connections_.end())
        return;
    if (!it->keepAlive)
        return socket->disconnectFromHost();  // writes out pending data first
    it->busy = false;
    // Pipelined requests may already be buffered: take them from the event loop, not recursively.
    QTimer::singleShot(0, socket, [this, socket] { processBuffer(socket); });
}

void MockUpstream::drop(QTcpSocket* socket)
{
    if (connections_.remove(socket))
        socket->deleteLater();
}

} // namespace gatehouse::test
