#pragma once
// A Transport in front of the real one that authorizes requests carrying a Google service account
// (UpstreamRequest::googleServiceAccount, Vertex AI): it mints the signed JWT on a worker-pool
// thread, exchanges it at the account's token_uri through the inner transport (asynchronously, like
// any upstream call), caches the access token until shortly before it expires, and then starts the
// request with "Authorization: Bearer <token>". Requests waiting for the same account share one
// exchange. Every other request goes straight to the inner transport, unchanged.
//
// A failed exchange answers each waiting request with an error in Google's shape ({"error":{"code",
// "message","status"}}, as Vertex itself answers a bad token): 401 UNAUTHENTICATED when the token
// service rejects the account, 400 when the key cannot sign, 502 when the service cannot be
// reached or answers nonsense. Nothing is cached then, so the next request tries again. Tokens, assertions and keys are never logged.

#include "upstream/transport.h"

#include <QObject>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

namespace gatehouse {

struct GoogleServiceAccount;

class GoogleTokenTransport : public QObject, public Transport {
    Q_OBJECT
public:
    // nowMs: wall clock in ms since the epoch (JWT times and token expiry); injected by tests.
    explicit GoogleTokenTransport(Transport& inner, std::function<qint64()> nowMs = {}, QObject* parent = nullptr);
    ~GoogleTokenTransport() override;

    TransferId start(UpstreamRequest&& request, TransferObserver* observer) override;
    void cancel(TransferId id) override;
    void setPaused(TransferId id, bool paused) override;

    // Token exchanges made so far (tests check that tokens are cached and shared).
    int tokenExchanges() const { return exchanges_; }

    // A token is used until this long before it expires.
    static constexpr qint64 kExpiryMarginMs = 5 * 60 * 1000;

private:
    class Relay;
    class TokenFetch;
    struct Pending {
        TransferObserver* observer = nullptr;
        UpstreamRequest request;          // until it starts
        std::string account;              // cache key
        std::unique_ptr<Relay> relay;     // set once started on the inner transport
        TransferId innerId = 0;
    };
    struct Token {
        QByteArray value;
        qint64 expiresAtMs = 0;
        bool fetching = false;
        std::vector<TransferId> waiters;
    };

    void beginExchange(const std::string& account, const std::shared_ptr<const GoogleServiceAccount>& sa);
    void onSigned(const std::string& account, const std::shared_ptr<const GoogleServiceAccount>& sa,
                  const QByteArray& jwt, const QString& error);
    void onTokenAnswer(const std::string& account, int status, const QByteArray& body, const QString& transportError,
                       const QString& tokenHost);
    void launch(TransferId id, const QByteArray& token);
    void failWaiters(const std::string& account, int status, const QString& message);
    void relayDone(TransferId id);

    Transport& inner_;
    std::function<qint64()> nowMs_;
    std::unordered_map<TransferId, Pending> pending_;
    std::unordered_map<std::string, Token> tokens_;
    std::vector<std::unique_ptr<TokenFetch>> fetches_;
    TransferId nextId_ = 1;
    int exchanges_ = 0;
};

} // namespace gatehouse
