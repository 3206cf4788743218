// The cache key: requests that mean the same share a key, requests that could be answered differently
// (any parameter, provider, host, namespace or credential) never do.

#include "cache/cache_key.h"

#include <QTest>

using namespace gatehouse;
using json = nlohmann::json;

namespace {

json baseBody()
{
    return json::parse(R"({"model":"gpt-4o-mini","messages":[{"role":"system","content":"Be brief."},
                          {"role":"user","content":"What is the capital of France?"}],"temperature":0.2})");
}

CacheKey keyOf(const json& body, CacheKeyInput in = {})
{
    if (in.provider.isEmpty())
        in.provider = QStringLiteral("openai");
    if (in.credential.isEmpty() && in.virtualKey.isEmpty())
        in.credential = QStringLiteral("sk-alpha");
    in.body = &body;
    return makeCacheKey(in);
}

} // namespace

class TestCacheKey : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sameMeaningSameKey()
    {
        const CacheKey base = keyOf(baseBody());
        QCOMPARE(base.exact.size(), 32);
        // key order, an explicit null, 0.2 written differently, content as one text part
        const json reordered = json::parse(R"({"temperature":0.2,"top_p":null,"messages":[{"content":"Be brief.","role":"system"},
            {"role":"user","content":[{"type":"text","text":"What is the capital of France?"}]}],"model":"gpt-4o-mini"})");
        QCOMPARE(keyOf(reordered).exact, base.exact);
        json intFloat = baseBody();
        intFloat["max_tokens"] = 100;
        json floatInt = baseBody();
        floatInt["max_tokens"] = 100.0;
        QCOMPARE(keyOf(intFloat).exact, keyOf(floatInt).exact);
    }

    void everyParameterCounts_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");   // JSON
        QTest::newRow("temperature") << "temperature" << "0.3";
        QTest::newRow("model") << "model" << "\"gpt-4o\"";
        QTest::newRow("max_tokens") << "max_tokens" << "5";
        QTest::newRow("seed") << "seed" << "1";
        QTest::newRow("stream") << "stream" << "true";
        QTest::newRow("tools") << "tools" << R"([{"type":"function","function":{"name":"f"}}])";
        QTest::newRow("response_format") << "response_format" << R"({"type":"json_object"})";
        QTest::newRow("n") << "n" << "2";
        QTest::newRow("user") << "user" << "\"u1\"";
        QTest::newRow("unknown field") << "x_vendor_knob" << "1";
    }
    void everyParameterCounts()
    {
        QFETCH(QString, field);
        QFETCH(QString, value);
        json changed = baseBody();
        changed[field.toStdString()] = json::parse(value.toStdString());
        QVERIFY(keyOf(changed).exact != keyOf(baseBody()).exact);
    }

    void messagesCount()
    {
        json other = baseBody();
        other["messages"][1]["content"] = "What is the capital of Spain?";
        QVERIFY(keyOf(other).exact != keyOf(baseBody()).exact);
        json system = baseBody();
        system["messages"][0]["content"] = "Be verbose.";
        QVERIFY(keyOf(system).exact != keyOf(baseBody()).exact);
        QVERIFY(keyOf(system).semanticScope != keyOf(baseBody()).semanticScope);   // the system prompt scopes semantic matches
    }

    void routingAndScopeCount()
    {
        const json body = baseBody();
        const QByteArray base = keyOf(body).exact;
        CacheKeyInput in;
        in.provider = QStringLiteral("groq");
        QVERIFY(keyOf(body, in).exact != base);
        in = {};
        in.customHost = "http://127.0.0.1:9/v1";
        QVERIFY(keyOf(body, in).exact != base);
        in = {};
        in.cacheNamespace = QStringLiteral("team-a");
        QVERIFY(keyOf(body, in).exact != base);
        in = {};
        in.credential = QStringLiteral("sk-beta");
        QVERIFY(keyOf(body, in).exact != base);
        in = {};
        in.virtualKey = QStringLiteral("prod-openai");
        QVERIFY(keyOf(body, in).exact != base);
        in = {};
        in.endpoint = Endpoint::Completions;
        QVERIFY(keyOf(body, in).exact != base);
    }

    void fieldsCannotRunTogether()
    {
        // namespace "ab" + key "c" must not equal namespace "a" + key "bc"
        CacheKeyInput a;
        a.cacheNamespace = QStringLiteral("ab");
        a.provider = QStringLiteral("x");
        CacheKeyInput b;
        b.cacheNamespace = QStringLiteral("a");
        b.provider = QStringLiteral("bx");
        QVERIFY(keyOf(baseBody(), a).exact != keyOf(baseBody(), b).exact);
    }

    void theCredentialIsNeverInTheScope()
    {
        const QString scope = credentialScope({}, QStringLiteral("sk-secret-123456"));
        QVERIFY(scope.startsWith(QStringLiteral("key:")));
        QVERIFY(!scope.contains(QStringLiteral("secret")));
        QVERIFY(!scope.contains(QStringLiteral("123456")));
        QCOMPARE(credentialScope(QStringLiteral("prod"), QStringLiteral("sk-x")), QStringLiteral("vk:prod"));
        QCOMPARE(credentialScope({}, {}), QStringLiteral("none"));
        QVERIFY(credentialScope({}, QStringLiteral("sk-a")) != credentialScope({}, QStringLiteral("sk-b")));
    }

    void semanticScopeLeavesOutOnlyTheLastUserText()
    {
        const CacheKey a = keyOf(baseBody());
        json reworded = baseBody();
        reworded["messages"][1]["content"] = "capital of France?";
        const CacheKey b = keyOf(reworded);
        QVERIFY(a.exact != b.exact);
        QCOMPARE(a.semanticScope, b.semanticScope);
        QCOMPARE(a.embedText, QStringLiteral("What is the capital of France?"));
        json warmer = reworded;
        warmer["temperature"] = 0.9;
        QVERIFY(keyOf(warmer).semanticScope != a.semanticScope);
        json assistantLast = baseBody();
        assistantLast["messages"].push_back({{"role", "assistant"}, {"content", "Paris"}});
        QVERIFY(keyOf(assistantLast).semanticScope.isEmpty());   // nothing to compare: exact only
    }

    void embedMessagesChoosesTheTextAndTheScope()
    {
        const json convo = json::parse(R"({"model":"m","messages":[{"role":"system","content":"Be brief."},
            {"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"},
            {"role":"user","content":[{"type":"text","text":"Capital of France?"}]}]})");
        CacheKeyInput user;
        user.embedMessages = EmbedMessages::User;
        CacheKeyInput all;
        all.embedMessages = EmbedMessages::All;
        QCOMPARE(keyOf(convo).embedText, QStringLiteral("Capital of France?"));
        QCOMPARE(keyOf(convo, user).embedText, QStringLiteral("Hi\nCapital of France?"));
        QCOMPARE(keyOf(convo, all).embedText,
                 QStringLiteral("system: Be brief.\nuser: Hi\nassistant: Hello!\nuser: Capital of France?"));
        // The three modes never share a scope (the same words mean different things to them).
        QVERIFY(keyOf(convo).semanticScope != keyOf(convo, user).semanticScope);
        QVERIFY(keyOf(convo, user).semanticScope != keyOf(convo, all).semanticScope);
        QCOMPARE(keyOf(convo).exact, keyOf(convo, all).exact);   // the exact key does not depend on them

        // user: a different first question is the same scope; a different assistant turn is not.
        json otherGreeting = convo;
        otherGreeting["messages"][1]["content"] = "Hello there";
        QCOMPARE(keyOf(otherGreeting, user).semanticScope, keyOf(convo, user).semanticScope);
        QVERIFY(keyOf(otherGreeting).semanticScope != keyOf(convo).semanticScope);
        json otherReply = convo;
        otherReply["messages"][2]["content"] = "Hey.";
        QVERIFY(keyOf(otherReply, user).semanticScope != keyOf(convo, user).semanticScope);
        // all: any other system prompt or reply is the same scope (it is part of the compared text).
        json otherSystem = otherReply;
        otherSystem["messages"][0]["content"] = "Be verbose.";
        QCOMPARE(keyOf(otherSystem, all).semanticScope, keyOf(convo, all).semanticScope);
        json otherModel = convo;
        otherModel["model"] = "m2";
        QVERIFY(keyOf(otherModel, all).semanticScope != keyOf(convo, all).semanticScope);
    }

    void theEmbedderIsPartOfTheScope()
    {
        CacheKeyInput a;
        a.embedder = QStringLiteral("openai||text-embedding-3-small");
        CacheKeyInput b;
        b.embedder = QStringLiteral("ollama|http://127.0.0.1:11434/v1|nomic-embed-text");
        QVERIFY(keyOf(baseBody(), a).semanticScope != keyOf(baseBody(), b).semanticScope);
        QVERIFY(keyOf(baseBody(), a).semanticScope != keyOf(baseBody()).semanticScope);
        QCOMPARE(keyOf(baseBody(), a).exact, keyOf(baseBody(), b).exact);
    }
};

QTEST_GUILESS_MAIN(TestCacheKey)
#include "tst_cache_key.moc"
