// Redaction: what reaches request records must not carry credentials.
#include "observability/redaction.h"

#include <QTest>

#include <nlohmann/json.hpp>

using gatehouse::redactBody;
using gatehouse::redactUrl;
using json = nlohmann::json;

namespace {

json parse(const QByteArray& raw) { return json::parse(raw.constBegin(), raw.constEnd(), nullptr, false); }
QString dumped(const json& j) { return QString::fromStdString(j.dump()); }

QByteArray redacted(const QByteArray& body, int cap = 1 << 20)
{
    bool truncated = true;
    const QByteArray out = redactBody(body, cap, &truncated);
    return truncated ? QByteArray("<truncated>") : out;
}

} // namespace

class TestRedaction : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void secretsRedactedAtAnyDepth();
    void otherFieldsUntouched();
    void nullSecretStaysNull();
    void bodyWithoutSecretsIsByteIdentical();
    void nonJsonBodyPassesThrough();
    void secretKeyNamesMatchIgnoringCase_data();
    void secretKeyNamesMatchIgnoringCase();
    void capTruncates();
    void capAppliesAfterRedaction();
    void urlQueryStripped_data();
    void urlQueryStripped();
};

void TestRedaction::secretsRedactedAtAnyDepth()
{
    const QByteArray body = R"({"model":"m","api_key":"sk-top",
        "config":{"password":"hunter2","nested":{"deeper":[{"api_key":"sk-deep"},{"client_secret":"cs"}]}},
        "tools":[{"function":{"parameters":{"secret":"s","access_token":"at","private_key":"pk"}}}],
        "authorization":"Bearer x","aws_secret_access_key":"aws"})";
    const QByteArray out = redacted(body);
    for (const char* secret : {"sk-top", "hunter2", "sk-deep", "\"cs\"", "\"s\"", "\"at\"", "\"pk\"", "Bearer x", "\"aws\""})
        QVERIFY2(!out.contains(secret), secret);
    const json j = parse(out);
    QVERIFY(!j.is_discarded());
    QCOMPARE(dumped(j.at("api_key")), QStringLiteral("\"[REDACTED]\""));
    QCOMPARE(dumped(j.at("config").at("password")), QStringLiteral("\"[REDACTED]\""));
    QCOMPARE(dumped(j.at("config").at("nested").at("deeper").at(0).at("api_key")), QStringLiteral("\"[REDACTED]\""));
    QCOMPARE(dumped(j.at("config").at("nested").at("deeper").at(1).at("client_secret")), QStringLiteral("\"[REDACTED]\""));
    QCOMPARE(dumped(j.at("tools").at(0).at("function").at("parameters").at("access_token")), QStringLiteral("\"[REDACTED]\""));
    QCOMPARE(dumped(j.at("authorization")), QStringLiteral("\"[REDACTED]\""));
}

void TestRedaction::otherFieldsUntouched()
{
    const json in = {{"model", "gpt-4o"},
                     {"api_key", "sk-1"},
                     {"temperature", 0.7},
                     {"max_tokens", 100},
                     {"stream", true},
                     {"stop", nullptr},
                     {"messages", json::array({{{"role", "user"}, {"content", "my password is in this text \u00e9"}}})},
                     {"keys", {{"api_key_id", "not-a-secret"}, {"passwords_count", 3}}}};
    const QByteArray out = redacted(QByteArray::fromStdString(in.dump()));
    json expected = in;
    expected["api_key"] = "[REDACTED]";
    QCOMPARE(dumped(parse(out)), dumped(expected));
}

void TestRedaction::nullSecretStaysNull()
{
    const json j = parse(redacted(R"({"api_key":null,"password":""})"));
    QVERIFY(j.at("api_key").is_null());
    QCOMPARE(dumped(j.at("password")), QStringLiteral("\"[REDACTED]\""));
}

void TestRedaction::bodyWithoutSecretsIsByteIdentical()
{
    const QByteArray body = "{ \"model\" : \"m\",\n  \"messages\": [ {\"role\":\"user\",\"content\":\"hi\"} ] }";
    QCOMPARE(redacted(body), body);
}

void TestRedaction::nonJsonBodyPassesThrough()
{
    const QByteArray body = "not json but mentions api_key";
    QCOMPARE(redacted(body), body);
}

void TestRedaction::secretKeyNamesMatchIgnoringCase_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("key");
    QTest::newRow("API_KEY") << QByteArray(R"({"API_KEY":"sk-1"})") << QByteArray("API_KEY");
    QTest::newRow("apiKey") << QByteArray(R"({"apiKey":"sk-1"})") << QByteArray("apiKey");
    QTest::newRow("Authorization") << QByteArray(R"({"Authorization":"Bearer sk-1"})") << QByteArray("Authorization");
    QTest::newRow("Password") << QByteArray(R"({"Password":"sk-1"})") << QByteArray("Password");
    QTest::newRow("ApiKey") << QByteArray(R"({"ApiKey":"sk-1"})") << QByteArray("ApiKey");
    QTest::newRow("Client_Secret") << QByteArray(R"({"Client_Secret":"sk-1"})") << QByteArray("Client_Secret");
    QTest::newRow("PASSWORD spaced") << QByteArray("{ \"PASSWORD\" :\n \"sk-1\" }") << QByteArray("PASSWORD");
}

void TestRedaction::secretKeyNamesMatchIgnoringCase()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, key);
    const QByteArray out = redacted(body);
    QVERIFY2(!out.contains("sk-1"), out.constData());
    const json j = parse(out);
    QVERIFY(!j.is_discarded());
    QCOMPARE(dumped(j.at(key.toStdString())), QStringLiteral("\"[REDACTED]\""));
}

void TestRedaction::capTruncates()
{
    const QByteArray body = R"({"model":"m","input":")" + QByteArray(1000, 'x') + "\"}";
    bool truncated = false;
    const QByteArray out = redactBody(body, 100, &truncated);
    QVERIFY(truncated);
    QCOMPARE(out.size(), qsizetype(100));
    QCOMPARE(out, body.left(100));

    const QByteArray small = R"({"model":"m"})";
    truncated = true;
    QCOMPARE(redactBody(small, 100, &truncated), small);
    QVERIFY(!truncated);

    truncated = true;
    QCOMPARE(redactBody(small, int(small.size()), &truncated), small);   // exactly at the cap
    QVERIFY(!truncated);
}

void TestRedaction::capAppliesAfterRedaction()
{
    // The secret lies beyond the cap; the kept prefix must still not reveal anything, and the
    // secret is gone from the whole body before it is cut.
    const QByteArray body = R"({"a":")" + QByteArray(50, 'x') + R"(","password":"hunter2-very-long-secret"})";
    bool truncated = false;
    const QByteArray out = redactBody(body, 75, &truncated);
    QVERIFY(truncated);
    QCOMPARE(out.size(), qsizetype(75));
    QVERIFY2(!out.contains("hunt"), out.constData());
}

void TestRedaction::urlQueryStripped_data()
{
    QTest::addColumn<QByteArray>("url");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("key in query") << QByteArray("https://generativelanguage.googleapis.com/v1beta/models?key=AIza-secret")
                                  << QByteArray("https://generativelanguage.googleapis.com/v1beta/models");
    QTest::newRow("several params") << QByteArray("https://x.openai.azure.com/openai/deployments/d/chat/completions?api-version=1&api-key=k")
                                    << QByteArray("https://x.openai.azure.com/openai/deployments/d/chat/completions");
    QTest::newRow("no query") << QByteArray("https://api.openai.com/v1/chat/completions")
                              << QByteArray("https://api.openai.com/v1/chat/completions");
    QTest::newRow("empty") << QByteArray() << QByteArray();
}

void TestRedaction::urlQueryStripped()
{
    QFETCH(QByteArray, url);
    QFETCH(QByteArray, expected);
    QCOMPARE(redactUrl(url), expected);
}

QTEST_GUILESS_MAIN(TestRedaction)
#include "tst_redaction.moc"
