// ModelCatalog: the built-in catalog (resources/models.json), its validation and its OpenAI list.
#include "catalog/model_catalog.h"
#include "providers/provider_registry.h"

#include <nlohmann/json.hpp>

#include <QSet>
#include <QTest>

#include <stdexcept>

using gatehouse::ModelCatalog;
using gatehouse::ProviderRegistry;
using json = nlohmann::json;

namespace {

QByteArray catalog(const QByteArray& models) { return R"({"source":{"prices":"test","prices_date":"2026-01-01"},"models":[)" + models + "]}"; }

const QByteArray kPriced = R"({"provider":"p","id":"m1","context_window":1000,"max_output":100,
    "price":{"input":1.5,"output":6,"cached_input":0.15},
    "capabilities":{"tools":true,"vision":false,"embeddings":false,"streaming":true}})";

} // namespace

class TestModelCatalog : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void builtInIsLargeAndSpansProviders();
    void builtInProvidersAreKnownToTheGateway();
    void builtInIsSharedAndRecordsItsSource();
    void builtInKnownPrices();
    void unknownPriceStaysUnknown();
    void findIsExactPerProvider();
    void fromJsonRejects_data();
    void fromJsonRejects();
    void openAiListShape();
};

void TestModelCatalog::builtInIsLargeAndSpansProviders()
{
    const auto c = ModelCatalog::builtIn();
    QVERIFY(c->models().size() >= 150);
    QSet<QString> providers;
    int priced = 0;
    for (const auto& m : c->models()) {
        providers.insert(m.provider);
        if (m.price) {
            ++priced;
            QVERIFY2(m.price->input >= 0 && m.price->output >= 0, qPrintable(m.id));
            // A cache read is a discount, never a surcharge.
            if (m.price->cachedInput)
                QVERIFY2(*m.price->cachedInput <= m.price->input, qPrintable(m.id));
        }
        if (m.capabilities.embeddings)
            QVERIFY2(!m.capabilities.streaming, qPrintable(m.id));
    }
    QVERIFY(providers.size() >= 10);
    QVERIFY(priced >= 150);
}

void TestModelCatalog::builtInProvidersAreKnownToTheGateway()
{
    const auto c = ModelCatalog::builtIn();
    const auto reg = ProviderRegistry::builtIn();
    for (const auto& m : c->models())
        QVERIFY2(reg->find(m.provider), qPrintable(m.provider));
}

void TestModelCatalog::builtInIsSharedAndRecordsItsSource()
{
    QCOMPARE(ModelCatalog::builtIn().get(), ModelCatalog::builtIn().get());   // parsed once
    QVERIFY(ModelCatalog::builtIn()->pricesSource().contains(QStringLiteral("Portkey-AI/models")));
    QVERIFY(!ModelCatalog::builtIn()->pricesDate().isEmpty());
}

void TestModelCatalog::builtInKnownPrices()
{
    // Spot checks against the providers' published prices (USD per 1M tokens).
    const auto c = ModelCatalog::builtIn();
    const auto* gpt4o = c->find(QStringLiteral("openai"), QStringLiteral("gpt-4o"));
    QVERIFY(gpt4o && gpt4o->price);
    QCOMPARE(gpt4o->price->input, 2.5);
    QCOMPARE(gpt4o->price->output, 10.0);
    QCOMPARE(gpt4o->price->cachedInput.value_or(-1), 1.25);
    QCOMPARE(gpt4o->contextWindow.value_or(0), qint64(128000));
    QVERIFY(gpt4o->capabilities.tools && gpt4o->capabilities.vision && gpt4o->capabilities.streaming);

    const auto* haiku = c->find(QStringLiteral("anthropic"), QStringLiteral("claude-3-5-haiku-20241022"));
    QVERIFY(haiku && haiku->price);
    QCOMPARE(haiku->price->input, 0.8);
    QCOMPARE(haiku->price->output, 4.0);
    QCOMPARE(haiku->price->cachedInput.value_or(-1), 0.08);
    QCOMPARE(haiku->price->cacheWriteInput.value_or(-1), 1.0);

    const auto* pro = c->find(QStringLiteral("google"), QStringLiteral("gemini-2.5-pro"));
    QVERIFY(pro && pro->price && pro->longContextPrice);
    QCOMPARE(pro->price->input, 1.25);
    QCOMPARE(pro->longContextPrice->input, 2.5);
    QCOMPARE(pro->longContextPrice->aboveTokens, qint64(200000));

    const auto* embed = c->find(QStringLiteral("openai"), QStringLiteral("text-embedding-3-small"));
    QVERIFY(embed && embed->price);
    QVERIFY(embed->capabilities.embeddings);
    QCOMPARE(embed->price->input, 0.02);

    // Vertex AI: Claude by its "@date" id, also with the publisher prefix; Google embeddings.
    const auto* vxClaude = c->find(QStringLiteral("vertex-ai"), QStringLiteral("anthropic.claude-sonnet-4@20250514"));
    QVERIFY(vxClaude && vxClaude->price);
    QCOMPARE(vxClaude->id, QStringLiteral("claude-sonnet-4@20250514"));
    QCOMPARE(vxClaude->price->output, 15.0);
    QVERIFY(c->find(QStringLiteral("vertex-ai"), QStringLiteral("google.gemini-2.5-flash")));
    QVERIFY(!c->find(QStringLiteral("google"), QStringLiteral("google.gemini-2.5-flash")));   // prefixes are Vertex's only
    const auto* vxEmbed = c->find(QStringLiteral("vertex-ai"), QStringLiteral("text-embedding-004"));
    QVERIFY(vxEmbed && vxEmbed->price && vxEmbed->capabilities.embeddings);
    QCOMPARE(vxEmbed->price->input, 0.1);
}

void TestModelCatalog::unknownPriceStaysUnknown()
{
    const auto c = ModelCatalog::fromJson(catalog(R"({"provider":"p","id":"free-or-not","price":null})"));
    QVERIFY(c->find(QStringLiteral("p"), QStringLiteral("free-or-not")));
    QVERIFY(!c->find(QStringLiteral("p"), QStringLiteral("free-or-not"))->price);
    const json list = json::parse(c->openAiList().toStdString());
    QVERIFY(list["data"][0]["pricing"].is_null());
}

void TestModelCatalog::findIsExactPerProvider()
{
    const auto c = ModelCatalog::fromJson(catalog(kPriced));
    QVERIFY(c->find(QStringLiteral("p"), QStringLiteral("m1")));
    QVERIFY(c->find(QStringLiteral("p"), QStringLiteral("models/m1")));   // Gemini's resource form
    QVERIFY(!c->find(QStringLiteral("q"), QStringLiteral("m1")));         // same id, other provider
    QVERIFY(!c->find(QStringLiteral("p"), QStringLiteral("M1")));
    QVERIFY(!c->find(QStringLiteral("p"), QString()));
}

void TestModelCatalog::fromJsonRejects_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("needle");
    QTest::newRow("not json") << QByteArray("{") << QStringLiteral("models");
    QTest::newRow("no models array") << QByteArray(R"({"models":{}})") << QStringLiteral("models");
    QTest::newRow("no id") << catalog(R"({"provider":"p"})") << QStringLiteral("entry 0");
    QTest::newRow("empty provider") << catalog(R"({"provider":"","id":"m"})") << QStringLiteral("empty");
    QTest::newRow("negative price") << catalog(R"({"provider":"p","id":"m","price":{"input":-1,"output":1}})") << QStringLiteral("input");
    QTest::newRow("price without output") << catalog(R"({"provider":"p","id":"m","price":{"input":1}})") << QStringLiteral("output");
    QTest::newRow("string price") << catalog(R"({"provider":"p","id":"m","price":{"input":"1","output":1}})") << QStringLiteral("entry 0");
    QTest::newRow("tier without threshold") << catalog(R"({"provider":"p","id":"m","price":{"input":1,"output":1},"long_context_price":{"input":2,"output":2}})")
                                            << QStringLiteral("above_tokens");
    QTest::newRow("duplicate") << catalog(kPriced + "," + kPriced) << QStringLiteral("duplicate");
}

void TestModelCatalog::fromJsonRejects()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, needle);
    try {
        ModelCatalog::fromJson(json);
        QFAIL("accepted");
    } catch (const std::runtime_error& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(needle), e.what());
    }
}

void TestModelCatalog::openAiListShape()
{
    const auto c = ModelCatalog::fromJson(catalog(kPriced + R"(,{"provider":"q","id":"m2"})"));
    json all = json::parse(c->openAiList().toStdString());
    QCOMPARE(all["object"].get<std::string>(), std::string("list"));
    QCOMPARE(all["data"].size(), std::size_t(2));
    const json& m = all["data"][0];
    QCOMPARE(m["id"].get<std::string>(), std::string("m1"));
    QCOMPARE(m["object"].get<std::string>(), std::string("model"));
    QCOMPARE(m["owned_by"].get<std::string>(), std::string("p"));
    QVERIFY(m["created"].is_number_integer());
    QCOMPARE(m["context_window"].get<int>(), 1000);
    QCOMPARE(m["pricing"]["input"].get<double>(), 1.5);
    QCOMPARE(m["pricing"]["cached_input"].get<double>(), 0.15);
    QVERIFY(m["capabilities"]["tools"].get<bool>());

    const json onlyQ = json::parse(c->openAiList(QStringLiteral("q")).toStdString());
    QCOMPARE(onlyQ["data"].size(), std::size_t(1));
    QCOMPARE(onlyQ["data"][0]["id"].get<std::string>(), std::string("m2"));
    QVERIFY(onlyQ["data"][0]["context_window"].is_null());
}

QTEST_GUILESS_MAIN(TestModelCatalog)
#include "tst_model_catalog.moc"
