// Local gateway API keys: the right key passes, a missing or wrong one is a 401 in OpenAI's shape,
// and an unauthenticated gateway is only allowed on loopback.

#include "pipeline/gateway_access.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace gatehouse;

namespace {

HttpRequest withKey(const QByteArray& key)
{
    HttpRequest r;
    r.method = "POST";
    r.path = "/v1/chat/completions";
    if (!key.isNull())
        r.headers.emplace_back(QByteArrayLiteral("x-portkey-api-key"), key);
    return r;
}

GatewaySettings withKeys(std::initializer_list<QByteArray> keys)
{
    GatewaySettings s;
    for (const QByteArray& k : keys)
        s.apiKeyDigests.push_back(gatewayKeyDigest(k));
    return s;
}

} // namespace

class TestGatewayAccess : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void noKeysConfiguredLetsEveryoneIn()
    {
        QVERIFY(!checkGatewayApiKey(GatewaySettings{}, withKey({})));
    }

    void anyConfiguredKeyIsAccepted()
    {
        const GatewaySettings s = withKeys({"gk-one", "gk-two"});
        QVERIFY(!checkGatewayApiKey(s, withKey("gk-one")));
        QVERIFY(!checkGatewayApiKey(s, withKey("gk-two")));
    }

    void missingOrWrongKeyIs401_data()
    {
        QTest::addColumn<QByteArray>("sent");
        QTest::addColumn<QString>("code");
        QTest::newRow("missing") << QByteArray() << "gateway_key_missing";
        QTest::newRow("wrong") << QByteArray("gk-three") << "gateway_key_invalid";
        QTest::newRow("prefix") << QByteArray("gk-on") << "gateway_key_invalid";
        QTest::newRow("longer") << QByteArray("gk-one-") << "gateway_key_invalid";
    }

    void missingOrWrongKeyIs401()
    {
        QFETCH(QByteArray, sent);
        QFETCH(QString, code);
        const auto e = checkGatewayApiKey(withKeys({"gk-one"}), withKey(sent));
        QVERIFY(e);
        QCOMPARE(e->status, 401);
        QCOMPARE(e->code, code);
        QVERIFY(e->message.contains(QStringLiteral("x-portkey-api-key")));
        if (!sent.isEmpty())
            QVERIFY(!e->toJson().contains(sent));
    }

    void exposureNeedsAKey_data()
    {
        QTest::addColumn<QString>("bind");
        QTest::addColumn<bool>("withKey");
        QTest::addColumn<bool>("refused");
        QTest::newRow("loopback v4") << "127.0.0.1" << false << false;
        QTest::newRow("loopback v6") << "::1" << false << false;
        QTest::newRow("any v4") << "0.0.0.0" << false << true;
        QTest::newRow("any v6") << "::" << false << true;
        QTest::newRow("lan") << "192.168.1.10" << false << true;
        QTest::newRow("any with key") << "0.0.0.0" << true << false;
    }

    void exposureNeedsAKey()
    {
        QFETCH(QString, bind);
        QFETCH(bool, withKey);
        QFETCH(bool, refused);
        GatewaySettings s = withKey ? withKeys({"gk"}) : GatewaySettings{};
        s.bindAddress = bind;
        const QString why = exposureProblem(s);
        QCOMPARE(!why.isEmpty(), refused);
        if (refused)
            QVERIFY(why.contains(QStringLiteral("--gateway-key-file")));
    }

    void keyFileIsReadAndMustBePrivate()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("keys"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("# local clients\ngk-one\n\n  gk-two  \n");
        f.close();
        QCOMPARE(::chmod(QFile::encodeName(path).constData(), 0644), 0);
        QString error;
        QVERIFY(loadGatewayKeyFile(path, &error).empty());
        QVERIFY2(error.contains(QStringLiteral("gateway key file")) && error.contains(QStringLiteral("0600")), qPrintable(error));
        QCOMPARE(::chmod(QFile::encodeName(path).constData(), 0600), 0);
        error.clear();
        GatewaySettings s;
        s.apiKeyDigests = loadGatewayKeyFile(path, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(s.apiKeyDigests.size(), std::size_t(2));
        QVERIFY(!checkGatewayApiKey(s, withKey("gk-two")));
        QVERIFY(checkGatewayApiKey(s, withKey("# local clients")));
    }
};

QTEST_GUILESS_MAIN(TestGatewayAccess)
#include "tst_gateway_access.moc"
