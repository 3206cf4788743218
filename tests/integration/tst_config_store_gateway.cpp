// Saved configs edited while the gateway runs: a version saved through ConfigStore routes the very
// next request that names the config (x-portkey-config: pc-<id>), a rollback routes it back, and a
// file watch that rereads the same text does not swap the set again.

#include "integration_support.h"

#include "providers/provider_registry.h"
#include "routing/config_store.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace gatehouse;
using namespace gatehouse::itest;

namespace {

ConfigValidator builtIn()
{
    const auto providers = ProviderRegistry::builtIn();
    ConfigValidator v;
    v.isKnownProvider = [providers](const std::string& id) { return providers->find(QString::fromStdString(id)) != nullptr; };
    return v;
}

// Fallback over two mock targets; the first answers `firstStatus`.
QByteArray fallbackConfig(int firstStatus)
{
    return "{\"strategy\": {\"mode\": \"fallback\"}, \"targets\": [\n"
           "  {\"provider\": \"mock\", \"override_params\": {\"model\": \"mock-gpt@status=" + QByteArray::number(firstStatus) + "\"}},\n"
           "  {\"provider\": \"mock\", \"override_params\": {\"model\": \"mock-model\"}}\n]}\n";
}

} // namespace

class TestConfigStoreGateway : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void savedVersionRoutesTheNextRequest();

private:
    std::optional<HttpResponse> send(quint16 port, const QByteArray& configId)
    {
        return roundTrip(port, httpRequest("POST", "/v1/chat/completions",
                                           RawHeaders{{"content-type", "application/json"}, {"x-portkey-config", configId}},
                                           chatBody("which target?", "gpt-4o-mini")));
    }
};

void TestConfigStoreGateway::savedVersionRoutesTheNextRequest()
{
    QTemporaryDir dir;
    ConfigStore store(dir.path(), builtIn());
    QString error;
    QVERIFY(store.open(&error));
    QVERIFY(store.create(QStringLiteral("Edge"), fallbackConfig(200)).ok);

    GatewayHarness gw;
    gw.service().setConfigs(store.configSet());
    QObject::connect(&store, &ConfigStore::configSetChanged, &gw.service(), &GatewayService::setConfigs);
    QSignalSpy swaps(&store, &ConfigStore::configSetChanged);
    store.setWatching(true);
    QVERIFY(gw.start());

    // Version 1: the first target answers.
    auto r = send(gw.port(), "pc-edge");
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(r->header("x-portkey-last-used-option-index"), QByteArray("config.targets[0]"));
    QVERIFY(gw.waitForRecords(1));
    QCOMPARE(gw.records().back().configId, QStringLiteral("pc-edge"));

    // Version 2, saved while the gateway runs: the first target fails, the request falls back.
    QCOMPARE(store.save("pc-edge", fallbackConfig(503)).version, 2);
    QCOMPARE(swaps.count(), 1);
    r = send(gw.port(), "pc-edge");
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(r->header("x-portkey-last-used-option-index"), QByteArray("config.targets[1]"));
    QCOMPARE(r->json()["model"].get<std::string>(), std::string("mock-model"));
    QVERIFY(gw.waitForRecords(2));
    QCOMPARE(gw.records().back().configVersion, 2);   // the request log says which version routed it

    // The file watch rereads what we wrote (as it does after every save): the same text, no second swap.
    store.refresh();
    QCOMPARE(swaps.count(), 1);

    // Rollback to version 1 is version 3 and routes like version 1 again.
    QCOMPARE(store.rollback("pc-edge", 1).version, 3);
    r = send(gw.port(), "pc-edge");
    QVERIFY(r);
    QCOMPARE(r->header("x-portkey-last-used-option-index"), QByteArray("config.targets[0]"));

    // A deleted config is refused as any unknown id is.
    QVERIFY(store.remove("pc-edge").ok);
    r = send(gw.port(), "pc-edge");
    QVERIFY(r);
    const QString problem = openAiErrorProblem(*r, 400, QStringLiteral("config_not_found"));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

QTEST_GUILESS_MAIN(TestConfigStoreGateway)
#include "tst_config_store_gateway.moc"
