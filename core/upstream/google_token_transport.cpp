#include "upstream/google_token_transport.h"

#include "upstream/google_service_account.h"
#include "upstream/service_account_jwt.h"

#include <nlohmann/json.hpp>

#include <QDateTime>
#include <QFutureWatcher>
#include <QPromise>
#include <QThreadPool>
#include <QUrl>

namespace gatehouse {

namespace {

// Own transfer ids carry this bit, so they never collide with the inner transport's.
constexpr TransferId kOwnId = TransferId(1) << 62;
constexpr int kTokenTimeoutMs = 30'000;

using SignResult = std::pair<QByteArray, QString>;   // JWT, or why not

} // namespace

// Forwards one authorized transfer's callbacks to its observer, then forgets the transfer.
class GoogleTokenTransport::Relay : public TransferObserver {
public:
    Relay(GoogleTokenTransport& owner, TransferId id, TransferObserver* observer) : owner_(owner), id_(id), observer_(observer) {}
    void onUpstreamHead(int status, HeaderList&& headers) override { observer_->onUpstreamHead(status, std::move(headers)); }
    void onUpstreamData(QByteArrayView data) override { observer_->onUpstreamData(data); }
    void onUpstreamDone(const TransferResult& result) override
    {
        owner_.relayDone(id_);   // deferred: this relay is still on the call stack
        observer_->onUpstreamDone(result);
    }

private:
    GoogleTokenTransport& owner_;
    TransferId id_;
    TransferObserver* observer_;
};

// Collects the token service's answer.
class GoogleTokenTransport::TokenFetch : public TransferObserver {
public:
    TokenFetch(GoogleTokenTransport& owner, std::string account, QString host)
        : owner_(owner), account_(std::move(account)), host_(std::move(host)) {}
    TransferId innerId = 0;
    void onUpstreamHead(int status, HeaderList&&) override { status_ = status; }
    void onUpstreamData(QByteArrayView data) override
    {
        if (body_.size() < 64 * 1024)
            body_.append(data);
    }
    void onUpstreamDone(const TransferResult& result) override
    {
        const QString error = result.error == TransferResult::Error::None ? QString()
                              : result.message.isEmpty() ? QStringLiteral("transfer failed") : result.message;
        // Continue from the event loop, outside the inner transport's callback.
        QMetaObject::invokeMethod(&owner_, [o = &owner_, self = this, account = account_, status = status_, body = body_, error, host = host_] {
            o->onTokenAnswer(account, status, body, error, host);
            std::erase_if(o->fetches_, [self](const auto& f) { return f.get() == self; });
        }, Qt::QueuedConnection);
    }

private:
    GoogleTokenTransport& owner_;
    std::string account_;
    QString host_;
    int status_ = 0;
    QByteArray body_;
};

GoogleTokenTransport::GoogleTokenTransport(Transport& inner, std::function<qint64()> nowMs, QObject* parent)
    : QObject(parent)
    , inner_(inner)
    , nowMs_(nowMs ? std::move(nowMs) : std::function<qint64()>([] { return QDateTime::currentMSecsSinceEpoch(); }))
{
}

GoogleTokenTransport::~GoogleTokenTransport()
{
    for (auto& [id, p] : pending_) {
        if (p.relay)
            inner_.cancel(p.innerId);
    }
    for (const auto& f : fetches_)
        inner_.cancel(f->innerId);
}

TransferId GoogleTokenTransport::start(UpstreamRequest&& request, TransferObserver* observer)
{
    if (!request.googleServiceAccount)
        return inner_.start(std::move(request), observer);
    const std::shared_ptr<const GoogleServiceAccount> sa = request.googleServiceAccount;
    const std::string account = sa->cacheKey();
    const TransferId id = kOwnId | nextId_++;
    Pending& p = pending_[id];
    p.observer = observer;
    p.request = std::move(request);
    p.request.googleServiceAccount.reset();
    p.account = account;

    Token& token = tokens_[account];
    if (!token.value.isEmpty() && nowMs_() < token.expiresAtMs) {
        launch(id, token.value);   // the inner transport calls back from the event loop only
        return id;
    }
    token.waiters.push_back(id);
    if (!token.fetching)
        beginExchange(account, sa);
    return id;
}

void GoogleTokenTransport::cancel(TransferId id)
{
    if (!(id & kOwnId))
        return inner_.cancel(id);
    const auto it = pending_.find(id);
    if (it == pending_.end())
        return;
    if (it->second.relay) {
        inner_.cancel(it->second.innerId);
    } else if (const auto t = tokens_.find(it->second.account); t != tokens_.end()) {
        std::erase(t->second.waiters, id);   // the exchange goes on: its token serves the next request
    }
    pending_.erase(it);
}

void GoogleTokenTransport::setPaused(TransferId id, bool paused)
{
    if (!(id & kOwnId))
        return inner_.setPaused(id, paused);
    const auto it = pending_.find(id);
    if (it != pending_.end() && it->second.relay)
        inner_.setPaused(it->second.innerId, paused);
}

void GoogleTokenTransport::beginExchange(const std::string& account, const std::shared_ptr<const GoogleServiceAccount>& sa)
{
    tokens_[account].fetching = true;
    // RSA signing is CPU work: it runs on the worker pool and the result comes back to this thread.
    auto promise = std::make_shared<QPromise<SignResult>>();
    auto* watcher = new QFutureWatcher<SignResult>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, account, sa] {
        watcher->deleteLater();
        const QFuture<SignResult> f = watcher->future();
        const SignResult r = f.resultCount() > 0 ? f.result() : SignResult{{}, QStringLiteral("signing did not finish")};
        onSigned(account, sa, r.first, r.second);
    });
    watcher->setFuture(promise->future());
    promise->start();
    const qint64 nowSeconds = nowMs_() / 1000;
    QThreadPool::globalInstance()->start([promise, sa, nowSeconds] {
        auto jwt = signServiceAccountJwt(*sa, nowSeconds);
        if (auto* s = std::get_if<QByteArray>(&jwt))
            promise->addResult(SignResult{*s, {}});
        else
            promise->addResult(SignResult{{}, std::get<QString>(jwt)});
        promise->finish();
    });
}

void GoogleTokenTransport::onSigned(const std::string& account, const std::shared_ptr<const GoogleServiceAccount>& sa,
                                    const QByteArray& jwt, const QString& error)
{
    if (jwt.isEmpty())
        return failWaiters(account, 400, QStringLiteral("The Vertex AI service account cannot be used: %1.").arg(error));
    UpstreamRequest r;
    r.method = QByteArrayLiteral("POST");
    r.url = QByteArray::fromStdString(sa->tokenUri);
    r.headers.emplace_back(QByteArrayLiteral("content-type"), QByteArrayLiteral("application/x-www-form-urlencoded"));
    r.headers.emplace_back(QByteArrayLiteral("accept"), QByteArrayLiteral("application/json"));
    r.body = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=" + jwt;
    r.timeoutMs = kTokenTimeoutMs;
    ++exchanges_;
    auto fetch = std::make_unique<TokenFetch>(*this, account, QUrl(QString::fromStdString(sa->tokenUri)).host());
    fetch->innerId = inner_.start(std::move(r), fetch.get());
    fetches_.push_back(std::move(fetch));
}

void GoogleTokenTransport::onTokenAnswer(const std::string& account, int status, const QByteArray& body,
                                         const QString& transportError, const QString& tokenHost)
{
    if (!transportError.isEmpty())
        return failWaiters(account, 502, QStringLiteral("Could not reach the service account's token service at %1: %2")
                                             .arg(tokenHost, transportError));
    const auto j = nlohmann::json::parse(body.constBegin(), body.constEnd(), nullptr, false);
    const auto text = [&j](const char* key) {
        const auto it = j.is_object() ? j.find(key) : nlohmann::json::const_iterator();
        return j.is_object() && it != j.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()).left(300) : QString();
    };
    if (status < 200 || status >= 300) {
        QString why = text("error");
        if (const QString d = text("error_description"); !d.isEmpty())
            why += (why.isEmpty() ? QString() : QStringLiteral(": ")) + d;
        return failWaiters(account, status >= 400 && status < 500 ? 401 : 502,
                           QStringLiteral("The token service at %1 refused the Vertex AI service account (HTTP %2%3).")
                               .arg(tokenHost).arg(status).arg(why.isEmpty() ? QString() : QStringLiteral(": ") + why));
    }
    const QString token = text("access_token");
    if (token.isEmpty() || token.contains(QLatin1Char('\r')) || token.contains(QLatin1Char('\n')))
        return failWaiters(account, 502, QStringLiteral("The token service at %1 answered without an access_token.").arg(tokenHost));
    qint64 lifetimeMs = 3600 * 1000;
    if (const auto e = j.find("expires_in"); e != j.end() && e->is_number() && e->get<double>() > 0)
        lifetimeMs = qint64(e->get<double>() * 1000);
    Token& t = tokens_[account];
    t.value = token.toUtf8();
    t.expiresAtMs = nowMs_() + (lifetimeMs > 2 * kExpiryMarginMs ? lifetimeMs - kExpiryMarginMs : lifetimeMs / 2);
    t.fetching = false;
    for (TransferId id : std::exchange(t.waiters, {}))
        launch(id, t.value);
}

void GoogleTokenTransport::launch(TransferId id, const QByteArray& token)
{
    const auto it = pending_.find(id);
    if (it == pending_.end())
        return;
    Pending& p = it->second;
    p.request.headers.emplace_back(QByteArrayLiteral("authorization"), "Bearer " + token);
    p.relay = std::make_unique<Relay>(*this, id, p.observer);
    p.innerId = inner_.start(std::move(p.request), p.relay.get());
}

void GoogleTokenTransport::failWaiters(const std::string& account, int status, const QString& message)
{
    Token& t = tokens_[account];
    t.fetching = false;
    // Google's error shape, as Vertex answers a bad token itself, so the adapters map it alike.
    const char* googleStatus = status == 401 ? "UNAUTHENTICATED" : status == 400 ? "INVALID_ARGUMENT" : "UNAVAILABLE";
    const QByteArray body = QByteArray::fromStdString(
        nlohmann::json{{"error", {{"code", status}, {"message", message.toStdString()}, {"status", googleStatus}}}}.dump());
    for (TransferId id : std::exchange(t.waiters, {})) {
        const auto it = pending_.find(id);
        if (it == pending_.end())
            continue;
        TransferObserver* observer = it->second.observer;
        pending_.erase(it);
        observer->onUpstreamHead(status, HeaderList{{QByteArrayLiteral("content-type"), QByteArrayLiteral("application/json")}});
        observer->onUpstreamData(body);
        observer->onUpstreamDone(TransferResult{});
    }
}

void GoogleTokenTransport::relayDone(TransferId id)
{
    QMetaObject::invokeMethod(this, [this, id] { pending_.erase(id); }, Qt::QueuedConnection);
}

} // namespace gatehouse
