// ProviderRegistry: the provider table (resources/providers.json) and its validation.
#include "providers/provider_registry.h"

#include <QSet>
#include <QTest>

#include <stdexcept>

using gatehouse::AuthStyle;
using gatehouse::Endpoint;
using gatehouse::ProviderRegistry;
using gatehouse::TransportKind;

namespace {

QByteArray table(const QByteArray& providers) { return "{\"providers\":[" + providers + "]}"; }

const QByteArray kOne = R"({"id":"a","base_url":"http://a/v1","endpoints":["chat"]})";

} // namespace

class TestProviderRegistry : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void builtInHasTheOpenAiCompatibleFamily();
    void builtInIdsAreSortedAndUnique();
    void builtInEntriesAreUsable();
    void aliasLookup();
    void unknownNameIsNull();
    void localProvidersNeedNoKey();
    void mockProviderIsInProcess();
    void endpointSupportFollowsTable();
    void fromJsonDefaults();
    void fromJsonAuthStyles_data();
    void fromJsonAuthStyles();
    void fromJsonRejects_data();
    void fromJsonRejects();
};

void TestProviderRegistry::builtInHasTheOpenAiCompatibleFamily()
{
    const auto reg = ProviderRegistry::builtIn();
    QVERIFY(reg);
    QVERIFY2(reg->all().size() >= 13, QByteArray::number(qulonglong(reg->all().size())).constData());
    const QStringList ids = reg->ids();
    for (const char* id : {"openai", "groq", "mistral-ai", "together-ai", "deepseek", "fireworks-ai", "openrouter",
                           "perplexity-ai", "x-ai", "deepinfra", "cerebras", "ollama", "lm-studio", "mock"}) {
        QVERIFY2(ids.contains(QString::fromLatin1(id)), id);
        const auto* p = reg->find(QString::fromLatin1(id));
        QVERIFY2(p, id);
        QCOMPARE(p->id(), QString::fromLatin1(id));
    }
}

void TestProviderRegistry::builtInIdsAreSortedAndUnique()
{
    const auto reg = ProviderRegistry::builtIn();
    const QStringList ids = reg->ids();
    QStringList sorted = ids;
    sorted.sort();
    QCOMPARE(ids, sorted);
    QCOMPARE(qsizetype(QSet<QString>(ids.begin(), ids.end()).size()), ids.size());
    QCOMPARE(ids.size(), qsizetype(reg->all().size()));
}

void TestProviderRegistry::builtInEntriesAreUsable()
{
    const auto reg = ProviderRegistry::builtIn();
    for (const auto& p : reg->all()) {
        const QByteArray id = p->id().toUtf8();
        QVERIFY2(!p->info().name.isEmpty(), id.constData());
        QVERIFY2(!p->info().endpoints.empty(), id.constData());
        const QByteArray& base = p->info().baseUrl;
        QVERIFY2(base.startsWith("https://") || base.startsWith("http://localhost:") || base.startsWith("mock://"), base.constData());
        QVERIFY2(!base.endsWith('/'), base.constData());
    }
    QCOMPARE(reg->find(QStringLiteral("openai"))->info().baseUrl, QByteArray("https://api.openai.com/v1"));
}

void TestProviderRegistry::aliasLookup()
{
    const auto reg = ProviderRegistry::builtIn();
    const auto* byAlias = reg->find(QStringLiteral("lmstudio"));
    QVERIFY(byAlias);
    QCOMPARE(byAlias->id(), QStringLiteral("lm-studio"));
    QCOMPARE(byAlias, reg->find(QStringLiteral("lm-studio")));
    // Aliases are lookups only: ids() lists each provider once, by id.
    QVERIFY(!reg->ids().contains(QStringLiteral("lmstudio")));
}

void TestProviderRegistry::unknownNameIsNull()
{
    const auto reg = ProviderRegistry::builtIn();
    QCOMPARE(reg->find(QStringLiteral("no-such-provider")), nullptr);
    QCOMPARE(reg->find(QString()), nullptr);
    QCOMPARE(reg->find(QStringLiteral("OpenAI")), nullptr);   // ids are case-sensitive, as in Portkey
}

void TestProviderRegistry::localProvidersNeedNoKey()
{
    const auto reg = ProviderRegistry::builtIn();
    for (const char* id : {"ollama", "lm-studio"}) {
        const auto* p = reg->find(QString::fromLatin1(id));
        QVERIFY2(p, id);
        QVERIFY2(!p->info().keyRequired, id);
        QCOMPARE(p->info().transport, TransportKind::Http);
    }
    for (const char* id : {"openai", "groq", "deepseek"})
        QVERIFY2(reg->find(QString::fromLatin1(id))->info().keyRequired, id);
}

void TestProviderRegistry::mockProviderIsInProcess()
{
    const auto reg = ProviderRegistry::builtIn();
    const auto* p = reg->find(QStringLiteral("mock"));
    QVERIFY(p);
    QCOMPARE(p->info().transport, TransportKind::Mock);
    QVERIFY(!p->info().keyRequired);
    for (Endpoint e : {Endpoint::ChatCompletions, Endpoint::Completions, Endpoint::Embeddings, Endpoint::Models})
        QVERIFY2(p->supports(e), gatehouse::endpointKey(e));
}

void TestProviderRegistry::endpointSupportFollowsTable()
{
    const auto reg = ProviderRegistry::builtIn();
    const auto* groq = reg->find(QStringLiteral("groq"));
    QVERIFY(groq->supports(Endpoint::ChatCompletions));
    QVERIFY(!groq->supports(Endpoint::Embeddings));
    QVERIFY(reg->find(QStringLiteral("openai"))->supports(Endpoint::Embeddings));
}

void TestProviderRegistry::fromJsonDefaults()
{
    const auto reg = ProviderRegistry::fromJson(table(kOne));
    QCOMPARE(reg->ids(), QStringList{QStringLiteral("a")});
    const auto* p = reg->find(QStringLiteral("a"));
    QVERIFY(p);
    QCOMPARE(p->info().name, QStringLiteral("a"));          // name defaults to the id
    QCOMPARE(p->info().auth, AuthStyle::Bearer);            // auth defaults to bearer
    QVERIFY(p->info().keyRequired);
    QCOMPARE(p->info().transport, TransportKind::Http);
    QVERIFY(p->supports(Endpoint::ChatCompletions));
    QVERIFY(!p->supports(Endpoint::Models));
}

void TestProviderRegistry::fromJsonAuthStyles_data()
{
    QTest::addColumn<QByteArray>("auth");
    QTest::addColumn<int>("style");
    QTest::addColumn<bool>("keyRequired");
    QTest::newRow("bearer") << QByteArray("bearer") << int(AuthStyle::Bearer) << true;
    QTest::newRow("x-api-key") << QByteArray("x-api-key") << int(AuthStyle::XApiKey) << true;
    QTest::newRow("api-key") << QByteArray("api-key") << int(AuthStyle::ApiKey) << true;
    QTest::newRow("x-goog-api-key") << QByteArray("x-goog-api-key") << int(AuthStyle::XGoogApiKey) << true;
    QTest::newRow("none") << QByteArray("none") << int(AuthStyle::None) << false;
}

void TestProviderRegistry::fromJsonAuthStyles()
{
    QFETCH(QByteArray, auth);
    QFETCH(int, style);
    QFETCH(bool, keyRequired);
    const auto reg = ProviderRegistry::fromJson(
        table(R"({"id":"a","base_url":"http://a","auth":")" + auth + R"(","endpoints":["chat"]})"));
    const auto* p = reg->find(QStringLiteral("a"));
    QVERIFY(p);
    QCOMPARE(int(p->info().auth), style);
    QCOMPARE(p->info().keyRequired, keyRequired);
}

void TestProviderRegistry::fromJsonRejects_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("duplicate id") << table(kOne + "," + kOne);
    QTest::newRow("alias equals a later id")
        << table(R"({"id":"a","aliases":["b"],"base_url":"http://a","endpoints":["chat"]},)"
                 R"({"id":"b","base_url":"http://b","endpoints":["chat"]})");
    QTest::newRow("unknown auth style") << table(R"({"id":"a","base_url":"http://a","auth":"basic","endpoints":["chat"]})");
    QTest::newRow("unknown kind") << table(R"({"id":"a","kind":"carrier-pigeon","base_url":"http://a","endpoints":["chat"]})");
    QTest::newRow("unknown endpoint") << table(R"({"id":"a","base_url":"http://a","endpoints":["chat","images"]})");
    QTest::newRow("missing id") << table(R"({"base_url":"http://a","endpoints":["chat"]})");
    QTest::newRow("missing base_url") << table(R"({"id":"a","endpoints":["chat"]})");
    QTest::newRow("not json") << QByteArray("{providers:");
    QTest::newRow("no providers array") << QByteArray(R"({"providers":{}})");
}

void TestProviderRegistry::fromJsonRejects()
{
    QFETCH(QByteArray, json);
    QVERIFY_THROWS_EXCEPTION(std::exception, ProviderRegistry::fromJson(json));
}

QTEST_GUILESS_MAIN(TestProviderRegistry)
#include "tst_provider_registry.moc"
