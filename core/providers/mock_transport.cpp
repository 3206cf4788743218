#include "providers/mock_transport.h"

#include "providers/mock_directives.h"
#include "providers/json_fields.h"
#include "providers/mock_responses.h"

#include <nlohmann/json.hpp>

#include <QDateTime>
#include <QTimer>

namespace gatehouse {

struct MockTransport::Transfer {
    TransferObserver* observer = nullptr;
    QTimer* timer = nullptr;
    QTimer* deadline = nullptr;       // the request's timeout, as a real transport would apply it
    int status = 200;
    HeaderList headers;
    std::vector<QByteArray> pieces;   // body pieces; one per SSE event when streaming
    std::size_t next = 0;
    int gapMs = 0;
    int breakAfter = -1;
    bool headSent = false;
};

MockTransport::MockTransport(QObject* parent)
    : QObject(parent)
{
}

MockTransport::~MockTransport() = default;

TransferId MockTransport::start(UpstreamRequest&& request, TransferObserver* observer)
{
    auto t = std::make_unique<Transfer>();
    t->observer = observer;
    const MockDirectives d = MockDirectives::fromHeaders(request.headers);
    t->gapMs = d.gapMs;
    t->breakAfter = d.breakAfter;
    t->status = d.status;

    const auto body = nlohmann::json::parse(request.body.constBegin(), request.body.constEnd(), nullptr, false);
    const nlohmann::json req = body.is_object() ? body : nlohmann::json::object();
    const bool stream = json_fields::boolean(req, "stream");
    const QByteArray path = request.url.mid(request.url.indexOf("/v1/") + 3);
    const QByteArray id = "mock-" + QByteArray::number(++responseCounter_);
    const qint64 created = QDateTime::currentSecsSinceEpoch();

    const QByteArray json = QByteArrayLiteral("application/json");
    try {
        fillAnswer(*t, d, req, stream, path, id, created);
    } catch (const std::exception&) {
        t->status = 500;
        t->headers = {{QByteArrayLiteral("content-type"), json}};
        t->pieces = {mock::error(500)};
    }
    t->headers.emplace_back(QByteArrayLiteral("x-request-id"), "req_" + id);

    const TransferId tid = nextId_++;
    t->timer = new QTimer(this);
    t->timer->setSingleShot(true);
    t->timer->setTimerType(Qt::PreciseTimer);
    connect(t->timer, &QTimer::timeout, this, [this, tid] { step(tid); });
    t->timer->start(d.latencyMs);   // 0 still waits for the event loop: never answers inside start()
    if (request.timeoutMs > 0) {
        t->deadline = new QTimer(this);
        t->deadline->setSingleShot(true);
        connect(t->deadline, &QTimer::timeout, this, [this, tid] {
            auto it = transfers_.find(tid);
            if (it == transfers_.end())
                return;
            TransferObserver* obs = it->second->observer;
            cancel(tid);
            obs->onUpstreamDone({TransferResult::Error::Timeout, QStringLiteral("mock provider: the request timeout elapsed")});
        });
        t->deadline->start(request.timeoutMs);
    }
    transfers_.emplace(tid, std::move(t));
    return tid;
}

void MockTransport::fillAnswer(Transfer& t, const MockDirectives& d, const nlohmann::json& req, bool stream,
                               const QByteArray& path, const QByteArray& id, qint64 created)
{
    const QByteArray json = QByteArrayLiteral("application/json");
    if (d.status >= 400) {
        t.headers = {{QByteArrayLiteral("content-type"), json}};
        if (d.status == 429 || d.status == 503)
            t.headers.emplace_back(QByteArrayLiteral("retry-after"), QByteArrayLiteral("1"));
        t.pieces = {mock::error(d.status)};
    } else if (path.startsWith("/chat/completions")) {
        if (stream) {
            t.headers = {{QByteArrayLiteral("content-type"), QByteArrayLiteral("text/event-stream")}};
            t.pieces = mock::chatCompletionChunks(req, "chatcmpl-" + id, created);
        } else {
            t.headers = {{QByteArrayLiteral("content-type"), json}};
            t.pieces = {mock::chatCompletion(req, "chatcmpl-" + id, created)};
        }
    } else if (path.startsWith("/completions")) {
        if (stream) {
            t.headers = {{QByteArrayLiteral("content-type"), QByteArrayLiteral("text/event-stream")}};
            t.pieces = mock::textCompletionChunks(req, "cmpl-" + id, created);
        } else {
            t.headers = {{QByteArrayLiteral("content-type"), json}};
            t.pieces = {mock::textCompletion(req, "cmpl-" + id, created)};
        }
    } else if (path.startsWith("/embeddings")) {
        t.headers = {{QByteArrayLiteral("content-type"), json}};
        t.pieces = {mock::embeddings(req)};
    } else if (path.startsWith("/models")) {
        t.headers = {{QByteArrayLiteral("content-type"), json}};
        t.pieces = {mock::models()};
    } else {
        t.status = 404;
        t.headers = {{QByteArrayLiteral("content-type"), json}};
        t.pieces = {mock::error(404)};
    }
}

void MockTransport::cancel(TransferId id)
{
    auto it = transfers_.find(id);
    if (it == transfers_.end())
        return;
    for (QTimer* timer : {it->second->timer, it->second->deadline}) {
        if (timer) {
            timer->stop();
            timer->deleteLater();
        }
    }
    transfers_.erase(it);
}

void MockTransport::step(TransferId id)
{
    auto it = transfers_.find(id);
    if (it == transfers_.end())
        return;
    Transfer* t = it->second.get();
    TransferObserver* obs = t->observer;
    auto stillHere = [this, id] { return transfers_.count(id) != 0; };

    if (!t->headSent) {
        t->headSent = true;
        obs->onUpstreamHead(t->status, HeaderList(t->headers));
        if (!stillHere())
            return;
    }
    // Without a gap everything goes out in this pass; with one, a piece per timer tick.
    do {
        if (t->breakAfter >= 0 && t->next >= std::size_t(t->breakAfter)) {
            cancel(id);
            obs->onUpstreamDone({TransferResult::Error::Reset, QStringLiteral("mock provider dropped the connection as requested")});
            return;
        }
        if (t->next < t->pieces.size()) {
            obs->onUpstreamData(t->pieces[t->next++]);
            if (!stillHere())
                return;
        }
    } while (t->gapMs == 0 && t->next < t->pieces.size());

    if (t->next < t->pieces.size() || (t->breakAfter >= 0 && t->next >= std::size_t(t->breakAfter))) {
        t->timer->start(t->gapMs);
        return;
    }
    cancel(id);
    obs->onUpstreamDone({});
}

} // namespace gatehouse
