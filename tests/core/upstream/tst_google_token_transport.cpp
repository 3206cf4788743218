// GoogleTokenTransport over the real libcurl transport against a mock token service: the JWT it
// signs verifies with the account's public key, one exchange serves concurrent and later requests,
// the token is renewed shortly before it expires (injected clock), cancelled requests are dropped,
// failures reach every waiting request and are not cached, and requests without an account pass
// through untouched. Plus the service-account parser's checks.
#include "upstream/curl_multi_client.h"
#include "upstream/google_service_account.h"
#include "upstream/google_token_transport.h"
#include "upstream/service_account_jwt.h"

#include "test_rsa_key.h"
#include "vertex_mock_upstream.h"

#include <QTest>

#include <nlohmann/json.hpp>

using namespace gatehouse;
using gatehouse::test::TestRsaKey;
using gatehouse::test::VertexMockUpstream;
using json = nlohmann::json;

namespace {

struct Collector : TransferObserver {
    int status = 0;
    QByteArray body;
    bool done = false;
    TransferResult result;
    void onUpstreamHead(int s, HeaderList&&) override { status = s; }
    void onUpstreamData(QByteArrayView d) override { body.append(d); }
    void onUpstreamDone(const TransferResult& r) override
    {
        result = r;
        done = true;
    }
};

const char* const kBody = R"({"contents":[{"role":"user","parts":[{"text":"hi"}]}]})";

} // namespace

class TestGoogleTokenTransport : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(mock_.listen());
        key_ = TestRsaKey::generate();
        mock_.setPublicKey(key_.publicPem);
    }
    void init() { mock_.clear(); }

    void jwtVerifiesWithThePublicKey();
    void serviceAccountChecks();
    void oneExchangeServesConcurrentAndLaterRequests();
    void tokenIsRenewedBeforeItExpires();
    void cancelledWaiterIsDropped();
    void failureReachesEveryWaiterAndIsNotCached();
    void requestsWithoutAccountPassThrough();

private:
    UpstreamRequest request(const std::shared_ptr<const GoogleServiceAccount>& sa) const
    {
        UpstreamRequest r;
        r.url = (mock_.baseUrl() + QStringLiteral("/v1/projects/p/locations/r/publishers/google/models/gemini-x:generateContent")).toUtf8();
        r.headers.emplace_back("content-type", "application/json");
        r.body = kBody;
        r.googleServiceAccount = sa;
        return r;
    }
    std::shared_ptr<const GoogleServiceAccount> account(const std::string& email = "a@p.iam.gserviceaccount.com") const
    {
        auto parsed = parseGoogleServiceAccount(key_.serviceAccount(mock_.tokenUri().toStdString(), "p", email));
        return std::make_shared<const GoogleServiceAccount>(std::get<GoogleServiceAccount>(parsed));
    }

    VertexMockUpstream mock_;
    TestRsaKey key_;
};

void TestGoogleTokenTransport::jwtVerifiesWithThePublicKey()
{
    const auto sa = account();
    const auto jwt = signServiceAccountJwt(*sa, 1'700'000'000);
    QVERIFY(std::holds_alternative<QByteArray>(jwt));
    const QList<QByteArray> parts = std::get<QByteArray>(jwt).split('.');
    QCOMPARE(parts.size(), 3);
    const auto decode = [](const QByteArray& b) { return QByteArray::fromBase64(b, QByteArray::Base64UrlEncoding); };
    QVERIFY(test::verifyRs256(key_.publicPem, parts[0] + '.' + parts[1], decode(parts[2])));
    QVERIFY(!test::verifyRs256(TestRsaKey::generate(1024).publicPem, parts[0] + '.' + parts[1], decode(parts[2])));
    const json header = json::parse(decode(parts[0]).toStdString());
    QVERIFY(header == json({{"alg", "RS256"}, {"typ", "JWT"}, {"kid", sa->privateKeyId}}));
    const json claims = json::parse(decode(parts[1]).toStdString());
    QVERIFY(claims == json({{"iss", sa->clientEmail}, {"scope", "https://www.googleapis.com/auth/cloud-platform"},
                            {"aud", mock_.tokenUri().toStdString()}, {"iat", 1'700'000'000}, {"exp", 1'700'003'600}}));

    GoogleServiceAccount broken = *sa;
    broken.privateKeyPem = "-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n";
    const auto failed = signServiceAccountJwt(broken, 1);
    QVERIFY(std::holds_alternative<QString>(failed));
    QVERIFY(!std::get<QString>(failed).contains(QLatin1String("not base64")));
}

void TestGoogleTokenTransport::serviceAccountChecks()
{
    json sa = key_.serviceAccount("https://oauth2.googleapis.com/token");
    QVERIFY(std::holds_alternative<GoogleServiceAccount>(parseGoogleServiceAccount(sa)));
    QVERIFY(std::holds_alternative<GoogleServiceAccount>(parseGoogleServiceAccount(sa.dump())));   // a string holding the JSON
    json noUri = sa;
    noUri.erase("token_uri");
    QCOMPARE(QString::fromStdString(std::get<GoogleServiceAccount>(parseGoogleServiceAccount(noUri)).tokenUri),
             QStringLiteral("https://oauth2.googleapis.com/token"));
    const auto refused = [&sa](const char* field, const json& value) {
        json j = sa;
        j[field] = value;
        const auto r = parseGoogleServiceAccount(j);
        return std::holds_alternative<QString>(r) && !std::get<QString>(r).contains(QLatin1String("PRIVATE KEY-----\n"));
    };
    QVERIFY(refused("token_uri", "http://example.com/token"));   // plain http leaves the machine
    QVERIFY(refused("token_uri", "file:///etc/passwd"));
    QVERIFY(refused("type", "authorized_user"));
    QVERIFY(refused("private_key", "secret"));
    QVERIFY(refused("client_email", 5));
    QVERIFY(std::holds_alternative<QString>(parseGoogleServiceAccount(json("{oops"))));
    QVERIFY(std::holds_alternative<QString>(parseGoogleServiceAccount(json::array())));
    // Different keys for one account never share a token.
    json other = sa;
    other["private_key"] = TestRsaKey::generate(1024).privatePem.toStdString();
    QVERIFY(std::get<GoogleServiceAccount>(parseGoogleServiceAccount(sa)).cacheKey()
            != std::get<GoogleServiceAccount>(parseGoogleServiceAccount(other)).cacheKey());
}

void TestGoogleTokenTransport::oneExchangeServesConcurrentAndLaterRequests()
{
    CurlMultiClient curl;
    GoogleTokenTransport transport(curl);
    const int before = mock_.tokensIssued();
    const auto sa = account("shared@p.iam.gserviceaccount.com");
    Collector a, b, c;
    transport.start(request(sa), &a);
    transport.start(request(sa), &b);
    QVERIFY(QTest::qWaitFor([&] { return a.done && b.done; }, 10000));
    QCOMPARE(a.status, 200);
    QCOMPARE(b.status, 200);
    QCOMPARE(mock_.tokensIssued(), before + 1);
    QCOMPARE(transport.tokenExchanges(), 1);
    transport.start(request(sa), &c);
    QVERIFY(QTest::qWaitFor([&] { return c.done; }, 10000));
    QCOMPARE(c.status, 200);
    QCOMPARE(transport.tokenExchanges(), 1);
    QCOMPARE(mock_.lastRequest().header("authorization"), "Bearer ya29.mock-" + QByteArray::number(before + 1));
}

void TestGoogleTokenTransport::tokenIsRenewedBeforeItExpires()
{
    CurlMultiClient curl;
    qint64 now = 1'700'000'000'000;
    GoogleTokenTransport transport(curl, [&now] { return now; });
    mock_.setExpiresIn(3600);
    const auto sa = account("renew@p.iam.gserviceaccount.com");
    const auto send = [&] {
        Collector c;
        transport.start(request(sa), &c);
        return QTest::qWaitFor([&] { return c.done; }, 10000) && c.status == 200;
    };
    QVERIFY(send());
    QCOMPARE(transport.tokenExchanges(), 1);
    now += 3600 * 1000 - GoogleTokenTransport::kExpiryMarginMs - 1000;   // still inside the margin
    QVERIFY(send());
    QCOMPARE(transport.tokenExchanges(), 1);
    now += 2000;   // within 5 minutes of expiry: renewed
    QVERIFY(send());
    QCOMPARE(transport.tokenExchanges(), 2);
    const json claims = json::parse(mock_.lastAssertionClaims().toStdString());
    QCOMPARE(claims["iat"].get<qint64>(), now / 1000);   // signed with the injected clock
}

void TestGoogleTokenTransport::cancelledWaiterIsDropped()
{
    CurlMultiClient curl;
    GoogleTokenTransport transport(curl);
    const auto sa = account("cancel@p.iam.gserviceaccount.com");
    Collector gone, stays;
    const TransferId id = transport.start(request(sa), &gone);
    transport.start(request(sa), &stays);
    transport.cancel(id);
    QVERIFY(QTest::qWaitFor([&] { return stays.done; }, 10000));
    QCOMPARE(stays.status, 200);
    QTest::qWait(50);
    QVERIFY(!gone.done);
    QCOMPARE(gone.status, 0);
    QCOMPARE(mock_.requestCount(), 2);   // one token exchange, one model call
}

void TestGoogleTokenTransport::failureReachesEveryWaiterAndIsNotCached()
{
    CurlMultiClient curl;
    GoogleTokenTransport transport(curl);
    const auto sa = account("fail@p.iam.gserviceaccount.com");
    mock_.refuseTokens(true);
    Collector a, b;
    transport.start(request(sa), &a);
    transport.start(request(sa), &b);
    QVERIFY(QTest::qWaitFor([&] { return a.done && b.done; }, 10000));
    QCOMPARE(a.status, 401);
    QCOMPARE(b.status, 401);
    QVERIFY(a.body.contains("invalid_grant"));
    QVERIFY(a.result.error == TransferResult::Error::None);
    mock_.refuseTokens(false);
    Collector c;
    transport.start(request(sa), &c);
    QVERIFY(QTest::qWaitFor([&] { return c.done; }, 10000));
    QCOMPARE(c.status, 200);
    QCOMPARE(transport.tokenExchanges(), 2);

    // A key that cannot sign: 400 without the key in the message.
    GoogleServiceAccount broken = *sa;
    broken.privateKeyPem = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    Collector d;
    transport.start(request(std::make_shared<const GoogleServiceAccount>(broken)), &d);
    QVERIFY(QTest::qWaitFor([&] { return d.done; }, 10000));
    QCOMPARE(d.status, 400);
    QVERIFY(!d.body.contains("AAAA"));
}

void TestGoogleTokenTransport::requestsWithoutAccountPassThrough()
{
    CurlMultiClient curl;
    GoogleTokenTransport transport(curl);
    UpstreamRequest r = request(nullptr);
    r.headers.emplace_back("authorization", QByteArray("Bearer ") + VertexMockUpstream::kStaticToken);
    Collector c;
    transport.start(std::move(r), &c);
    QVERIFY(QTest::qWaitFor([&] { return c.done; }, 10000));
    QCOMPARE(c.status, 200);
    QCOMPARE(transport.tokenExchanges(), 0);
}

QTEST_GUILESS_MAIN(TestGoogleTokenTransport)
#include "tst_google_token_transport.moc"
