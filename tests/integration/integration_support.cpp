#include "integration_support.h"

#include <QHostAddress>
#include <QSignalSpy>
#include <QTest>

namespace gatehouse::itest {

using json = nlohmann::json;

// ---------------------------------------------------------------- responses

QByteArray HttpResponse::header(QByteArrayView name) const
{
    const QByteArray lower = name.toByteArray().toLower();
    for (const auto& h : headers) {
        if (h.first == lower)
            return h.second;
    }
    return {};
}

int HttpResponse::headerCount(QByteArrayView name) const
{
    const QByteArray lower = name.toByteArray().toLower();
    int n = 0;
    for (const auto& h : headers)
        n += h.first == lower ? 1 : 0;
    return n;
}

nlohmann::json HttpResponse::json() const
{
    return nlohmann::json::parse(body.constBegin(), body.constEnd(), nullptr, false);
}

ParseState parseHttpResponse(QByteArrayView data, HttpResponse& out, qsizetype* consumed, bool headOnly)
{
    const qsizetype headEnd = data.indexOf(QByteArrayView("\r\n\r\n"));
    if (headEnd < 0)
        return ParseState::Incomplete;
    out = {};
    const QList<QByteArray> lines = data.first(headEnd).toByteArray().split('\n');
    out.statusLine = lines.first().trimmed();
    const QList<QByteArray> parts = out.statusLine.split(' ');
    if (parts.size() < 2 || !parts[0].startsWith("HTTP/1."))
        return ParseState::Bad;
    bool ok = false;
    out.status = parts[1].toInt(&ok);
    if (!ok)
        return ParseState::Bad;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray& line = lines[i];
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return ParseState::Bad;
        out.headers.append({line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed()});
    }
    qsizetype pos = headEnd + 4;
    const bool noBody = headOnly || (out.status >= 100 && out.status < 200) || out.status == 204 || out.status == 304;
    out.chunked = out.header("transfer-encoding").toLower().contains("chunked");
    if (noBody) {
        // nothing follows the head
    } else if (out.chunked) {
        for (;;) {
            const qsizetype lineEnd = data.indexOf(QByteArrayView("\r\n"), pos);
            if (lineEnd < 0)
                return ParseState::Incomplete;
            bool sizeOk = false;
            const qsizetype size = data.sliced(pos, lineEnd - pos).toByteArray().split(';').first().trimmed().toLongLong(&sizeOk, 16);
            if (!sizeOk || size < 0)
                return ParseState::Bad;
            if (size == 0) {
                // optional trailers, then the empty line
                qsizetype p = lineEnd + 2;
                for (;;) {
                    const qsizetype e = data.indexOf(QByteArrayView("\r\n"), p);
                    if (e < 0)
                        return ParseState::Incomplete;
                    const bool empty = e == p;
                    p = e + 2;
                    if (empty)
                        break;
                }
                pos = p;
                out.chunkedTerminatorSeen = true;
                break;
            }
            if (data.size() < lineEnd + 2 + size + 2)
                return ParseState::Incomplete;
            if (data.sliced(lineEnd + 2 + size, 2) != QByteArrayView("\r\n"))
                return ParseState::Bad;
            const QByteArray chunk = data.sliced(lineEnd + 2, size).toByteArray();
            out.chunks.append(chunk);
            out.body += chunk;
            pos = lineEnd + 2 + size + 2;
        }
    } else if (out.hasHeader("content-length")) {
        bool lenOk = false;
        const qsizetype length = out.header("content-length").toLongLong(&lenOk);
        if (!lenOk || length < 0)
            return ParseState::Bad;
        if (data.size() < pos + length)
            return ParseState::Incomplete;
        out.body = data.sliced(pos, length).toByteArray();
        pos += length;
    }
    out.raw = data.first(pos).toByteArray();
    *consumed = pos;
    return ParseState::Complete;
}

// ---------------------------------------------------------------- client

RawHttpClient::RawHttpClient()
{
    QObject::connect(&socket_, &QTcpSocket::readyRead, &socket_, [this] { readAvailable(); });
    QObject::connect(&socket_, &QTcpSocket::disconnected, &socket_, [this] {
        readAvailable();
        closed_ = true;
    });
    QObject::connect(&socket_, &QTcpSocket::errorOccurred, &socket_, [this](QAbstractSocket::SocketError) {
        readAvailable();
        if (socket_.state() != QAbstractSocket::ConnectedState)
            closed_ = true;
    });
}

RawHttpClient::~RawHttpClient()
{
    QObject::disconnect(&socket_, nullptr, nullptr, nullptr);
    socket_.abort();
}

bool RawHttpClient::connectTo(quint16 port, int timeoutMs)
{
    clock_.start();
    closed_ = false;
    socket_.connectToHost(QHostAddress::LocalHost, port);
    const bool ok = QTest::qWaitFor([this] {
        return socket_.state() == QAbstractSocket::ConnectedState || socket_.state() == QAbstractSocket::UnconnectedState;
    }, timeoutMs);
    return ok && socket_.state() == QAbstractSocket::ConnectedState;
}

void RawHttpClient::send(QByteArrayView bytes)
{
    socket_.write(bytes.data(), bytes.size());
    socket_.flush();
}

void RawHttpClient::readAvailable()
{
    if (!socket_.isOpen())
        return;
    const QByteArray data = socket_.readAll();
    if (data.isEmpty())
        return;
    all_ += data;
    arrivals_.append({clock_.elapsed(), all_.size()});
}

std::optional<HttpResponse> RawHttpClient::readResponse(int timeoutMs, HttpResponse* partial)
{
    return read(timeoutMs, partial, false);
}

std::optional<HttpResponse> RawHttpClient::readHeadResponse(int timeoutMs)
{
    return read(timeoutMs, nullptr, true);
}

std::optional<HttpResponse> RawHttpClient::read(int timeoutMs, HttpResponse* partial, bool headOnly)
{
    HttpResponse out;
    qsizetype consumed = 0;
    ParseState state = ParseState::Incomplete;
    auto attempt = [&] {
        state = parseHttpResponse(QByteArrayView(all_).sliced(consumed_), out, &consumed, headOnly);
        return state != ParseState::Incomplete || closed_;
    };
    (void)QTest::qWaitFor(attempt, timeoutMs);
    if (state == ParseState::Incomplete)
        attempt();   // data that came with the close
    if (state != ParseState::Complete) {
        if (partial) {
            out.raw = all_.mid(consumed_);
            out.offset = consumed_;
            *partial = out;
        }
        return std::nullopt;
    }
    out.offset = consumed_;
    consumed_ += consumed;
    return out;
}

bool RawHttpClient::waitForUnread(qsizetype n, int timeoutMs)
{
    return QTest::qWaitFor([&] { return all_.size() - consumed_ >= n; }, timeoutMs);
}

bool RawHttpClient::waitForUnreadContaining(QByteArrayView needle, int timeoutMs)
{
    return QTest::qWaitFor([&] { return QByteArrayView(all_).sliced(consumed_).indexOf(needle) >= 0; }, timeoutMs);
}

bool RawHttpClient::waitForClosed(int timeoutMs)
{
    return QTest::qWaitFor([this] { return closed_; }, timeoutMs);
}

void RawHttpClient::abort()
{
    socket_.abort();
    closed_ = true;
}

qint64 RawHttpClient::arrivalMs(qsizetype streamOffset) const
{
    for (const auto& [ms, total] : arrivals_) {
        if (total > streamOffset)
            return ms;
    }
    return -1;
}

QList<SseEvent> sseEvents(const HttpResponse& response)
{
    QList<SseEvent> out;
    qsizetype rawSearch = 0;
    for (const QByteArray& block : response.body.split('\n')) {
        if (!block.startsWith("data: "))
            continue;
        SseEvent e;
        e.data = block.mid(6);
        const qsizetype at = response.raw.indexOf(block, rawSearch);
        if (at >= 0) {
            rawSearch = at + block.size();
            e.streamEnd = response.offset + at + block.size() - 1;
        }
        out.append(e);
    }
    return out;
}

// ---------------------------------------------------------------- requests

QByteArray httpRequest(QByteArrayView method, QByteArrayView target, const RawHeaders& headers, QByteArrayView body)
{
    QByteArray out = method.toByteArray() + ' ' + target.toByteArray() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    bool framed = false;
    for (const auto& [name, value] : headers) {
        const QByteArray lower = name.toLower();
        framed = framed || lower == "content-length" || lower == "transfer-encoding";
        out += name + ": " + value + "\r\n";
    }
    if (!framed && (!body.isEmpty() || method == QByteArrayView("POST")))
        out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    out += "\r\n";
    out += body.toByteArray();
    return out;
}

QByteArray chatBody(const QString& userMessage, const QString& model, bool stream, bool includeUsage)
{
    json j = {{"model", model.toStdString()},
              {"messages", json::array({{{"role", "user"}, {"content", userMessage.toStdString()}}})}};
    if (stream)
        j["stream"] = true;
    if (includeUsage)
        j["stream_options"] = {{"include_usage", true}};
    return QByteArray::fromStdString(j.dump());
}

RawHeaders mockHeaders(const RawHeaders& extra)
{
    RawHeaders h{{"x-portkey-provider", "mock"}, {"Content-Type", "application/json"}};
    return h + extra;
}

RawHeaders openAiHeaders(const QString& customHost, const RawHeaders& extra)
{
    RawHeaders h{{"x-portkey-provider", "openai"},
                 {"Authorization", "Bearer sk-test"},
                 {"x-portkey-custom-host", customHost.toUtf8()},
                 {"Content-Type", "application/json"}};
    return h + extra;
}

std::optional<HttpResponse> roundTrip(quint16 port, QByteArrayView request, int timeoutMs)
{
    RawHttpClient client;
    if (!client.connectTo(port))
        return std::nullopt;
    client.send(request);
    return client.readResponse(timeoutMs);
}

// ---------------------------------------------------------------- gateway

GatewaySettings testSettings()
{
    GatewaySettings s;
    s.bindAddress = QStringLiteral("127.0.0.1");
    s.port = 0;
    s.recordFlushIntervalMs = 50;
    s.shutdownGraceMs = 5'000;
    return s;
}

GatewayHarness::GatewayHarness()
    : service_(std::make_unique<GatewayService>())
{
    QObject::connect(service_.get(), &GatewayService::recordsReady, service_.get(), [this](const RecordBatch& batch) {
        ++batches_;
        if (batch)
            records_.insert(records_.end(), batch->begin(), batch->end());
    });
}

GatewayHarness::~GatewayHarness()
{
    service_->stopAndWait();
}

bool GatewayHarness::start(const GatewaySettings& settings, int timeoutMs)
{
    QSignalSpy started(service_.get(), &GatewayService::started);
    QSignalSpy failed(service_.get(), &GatewayService::failed);
    service_->start(settings);
    (void)QTest::qWaitFor([&] { return !started.isEmpty() || !failed.isEmpty(); }, timeoutMs);
    return !started.isEmpty() && service_->port() != 0;
}

void GatewayHarness::clearRecords()
{
    records_.clear();
    batches_ = 0;
}

bool GatewayHarness::waitForRecords(std::size_t n, int timeoutMs)
{
    return QTest::qWaitFor([&] { return records_.size() >= n; }, timeoutMs);
}

const RequestRecord* GatewayHarness::recordByTrace(const QString& traceId) const
{
    const RequestRecord* found = nullptr;
    for (const RequestRecord& r : records_) {
        if (r.traceId == traceId) {
            if (found)
                return nullptr;
            found = &r;
        }
    }
    return found;
}

int GatewayHarness::countByTrace(const QString& traceId) const
{
    int n = 0;
    for (const RequestRecord& r : records_)
        n += r.traceId == traceId ? 1 : 0;
    return n;
}

QString recordJson(const RequestRecord& r)
{
    json j;
    to_json(j, r);
    return QString::fromStdString(j.dump());
}

QString openAiErrorProblem(const HttpResponse& r, int expectedStatus, const QString& expectedCode)
{
    if (r.status != expectedStatus)
        return QStringLiteral("status %1, expected %2; body %3").arg(r.status).arg(expectedStatus).arg(QString::fromUtf8(r.body));
    if (!r.header("content-type").startsWith("application/json"))
        return QStringLiteral("content-type '%1'").arg(QString::fromUtf8(r.header("content-type")));
    const nlohmann::json j = r.json();
    const QString body = QString::fromUtf8(r.body);
    if (!j.is_object() || j.size() != 1 || !j.contains("error") || !j["error"].is_object())
        return QStringLiteral("not {\"error\":{...}}: %1").arg(body);
    const nlohmann::json& e = j["error"];
    for (const char* key : {"message", "type", "param", "code"}) {
        if (!e.contains(key))
            return QStringLiteral("error.%1 missing: %2").arg(QLatin1String(key), body);
    }
    if (e.size() != 4)
        return QStringLiteral("error has extra fields: %1").arg(body);
    if (!e["message"].is_string() || e["message"].get<std::string>().empty())
        return QStringLiteral("error.message is not a non-empty string: %1").arg(body);
    if (!e["type"].is_string())
        return QStringLiteral("error.type is not a string: %1").arg(body);
    if (!e["param"].is_null() && !e["param"].is_string())
        return QStringLiteral("error.param is neither null nor a string: %1").arg(body);
    if (!e["code"].is_string() || QString::fromStdString(e["code"].get<std::string>()) != expectedCode)
        return QStringLiteral("error.code is not '%1': %2").arg(expectedCode, body);
    return {};
}

} // namespace gatehouse::itest
