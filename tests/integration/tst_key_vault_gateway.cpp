// Virtual keys end to end inside one process, against the real Secret Service (run under
// tests/support/with_keyring.sh): a key is created in the OS keychain, resolved by a real request
// to a mock OpenAI upstream that checks the Authorization it receives, rotated, disabled, deleted.
// Last, every place a secret could leak to (request records, the SQLite request log, the vault's
// files, the process's log output, the answers) is searched for the secrets used: none may appear.

#include "integration_support.h"
#include "mock_upstream.h"

#include "keys/key_vault.h"
#include "keys/keychain_secret_store.h"
#include "observability/log_store.h"
#include "providers/provider_registry.h"

#include <QDirIterator>
#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace gatehouse;
using namespace gatehouse::itest;
using gatehouse::test::MockUpstream;

namespace {

const QString kSlug = QStringLiteral("it-openai");
const QString kSecret1 = QStringLiteral("sk-vault-first-7f3c9a1e");
const QString kSecret2 = QStringLiteral("sk-vault-rotated-5b2d8e40");
const QString kService = QStringLiteral("gatehouse-integration-test");

QStringList g_messages;   // everything the process logged through Qt

void captureMessages(QtMsgType, const QMessageLogContext&, const QString& message)
{
    g_messages << message;
}

} // namespace

class TestKeyVaultGateway : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void keyResolvesThroughARealRequest();
    void configTargetUsesTheKey();
    void rotationAppliesToTheNextRequest();
    void secretLivesInTheKeychain();
    void disabledKeyIsRefused();
    void customHostCannotRedirectAKey();
    void requestLimitAnswers429WithRetryAfter();
    void deletedKeyIsUnknownAndLeavesTheKeychain();
    void noSecretAnywhere();   // keep last: searches what the tests above produced

private:
    QString await(const std::function<void(KeyVault::Done)>& op)
    {
        std::optional<QString> result;
        op([&](const QString& e) { result = e; });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 10000))
            return QStringLiteral("timed out");
        return *result;
    }
    std::optional<HttpResponse> chat(const RawHeaders& extra)
    {
        RawHeaders h{{"Content-Type", "application/json"}};
        const auto r = roundTrip(gw_.port(), httpRequest("POST", "/v1/chat/completions", h + extra, chatBody(QStringLiteral("hi"))));
        if (r)
            answers_ += r->raw;
        return r;
    }
    QByteArray lastAuthorization() const
    {
        const auto got = up_->received();
        return got.isEmpty() ? QByteArray() : got.last().header("authorization");
    }

    QTemporaryDir dir_;
    std::unique_ptr<MockUpstream> up_;
    GatewayHarness gw_;
    std::unique_ptr<KeyVault> vault_;
    LogStore log_;
    QByteArray answers_;
    QtMessageHandler previousHandler_ = nullptr;
};

void TestKeyVaultGateway::initTestCase()
{
    QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"), "run under tests/support/with_keyring.sh");
    previousHandler_ = qInstallMessageHandler(captureMessages);
    up_ = std::make_unique<MockUpstream>();
    QVERIFY(up_->listen());
    QString error;
    QVERIFY2(log_.open(dir_.filePath(QStringLiteral("requests.db")), &error), qPrintable(error));
    QObject::connect(&gw_.service(), &GatewayService::recordsReady, &log_, &LogStore::append);
    vault_ = std::make_unique<KeyVault>(dir_.filePath(QStringLiteral("virtual-keys.json")),
                                        std::make_unique<KeychainSecretStore>(kService), ProviderRegistry::builtIn());
    QObject::connect(vault_.get(), &KeyVault::snapshotChanged, &gw_.service(), &GatewayService::setKeys);
    QVERIFY(gw_.start());

    VirtualKey k;
    k.slug = kSlug;
    k.displayName = QStringLiteral("Integration OpenAI");
    k.provider = QStringLiteral("openai");
    k.customHost = up_->baseUrl();
    const QString e = await([&](KeyVault::Done d) { vault_->addKey(k, kSecret1, d); });
    QVERIFY2(e.isEmpty(), qPrintable(e));
}

void TestKeyVaultGateway::cleanupTestCase()
{
    qInstallMessageHandler(previousHandler_);
}

void TestKeyVaultGateway::keyResolvesThroughARealRequest()
{
    gw_.clearRecords();
    const auto r = chat({{"x-portkey-virtual-key", kSlug.toUtf8()}, {"x-portkey-trace-id", "vk-basic"}});
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(r->header("x-portkey-provider"), QByteArray("openai"));
    QCOMPARE(lastAuthorization(), "Bearer " + kSecret1.toUtf8());
    QVERIFY(gw_.waitForRecords(1));
    const RequestRecord* rec = gw_.recordByTrace(QStringLiteral("vk-basic"));
    QVERIFY(rec);
    QCOMPARE(rec->virtualKey, kSlug);
    QCOMPARE(rec->provider, QStringLiteral("openai"));
}

void TestKeyVaultGateway::configTargetUsesTheKey()
{
    up_->clear();
    const QByteArray config = R"({"strategy":{"mode":"fallback"},"targets":[{"virtual_key":")" + kSlug.toUtf8() + R"("}]})";
    const auto r = chat({{"x-portkey-config", config}});
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(lastAuthorization(), "Bearer " + kSecret1.toUtf8());

    // an unknown key in a config target is the same clear 401
    const auto bad = chat({{"x-portkey-config", R"({"targets":[{"virtual_key":"nope"}],"strategy":{"mode":"fallback"}})"}});
    QVERIFY(bad);
    QCOMPARE(bad->status, 401);
    QVERIFY(bad->json()["error"]["message"].get<std::string>().find("'nope' is not defined") != std::string::npos);
}

void TestKeyVaultGateway::rotationAppliesToTheNextRequest()
{
    const QString e = await([&](KeyVault::Done d) { vault_->rotate(kSlug, kSecret2, d); });
    QVERIFY2(e.isEmpty(), qPrintable(e));
    up_->clear();
    const auto r = chat({{"x-portkey-virtual-key", kSlug.toUtf8()}});
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(lastAuthorization(), "Bearer " + kSecret2.toUtf8());
}

void TestKeyVaultGateway::secretLivesInTheKeychain()
{
    // A second vault on the same files reads the rotated secret back from the Secret Service.
    KeyVault other(dir_.filePath(QStringLiteral("virtual-keys.json")), std::make_unique<KeychainSecretStore>(kService),
                   ProviderRegistry::builtIn());
    QStringList problems;
    bool loaded = false;
    QObject::connect(&other, &KeyVault::loaded, this, [&](const QStringList& p) { problems = p; loaded = true; });
    other.load();
    QVERIFY(QTest::qWaitFor([&] { return loaded; }, 10000));
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    const ResolvedKey* k = other.snapshot()->find(kSlug);
    QVERIFY(k);
    QCOMPARE(k->secret, kSecret2);
    // and the metadata file never holds it
    QFile f(dir_.filePath(QStringLiteral("virtual-keys.json")));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray meta = f.readAll();
    QVERIFY(meta.contains(kSlug.toUtf8()));
    QVERIFY(!meta.contains(kSecret2.toUtf8()));
}

void TestKeyVaultGateway::disabledKeyIsRefused()
{
    QVERIFY(await([&](KeyVault::Done d) { vault_->setDisabled(kSlug, true, d); }).isEmpty());
    up_->clear();
    const auto r = chat({{"x-portkey-virtual-key", kSlug.toUtf8()}});
    QVERIFY(r);
    const QString problem = openAiErrorProblem(*r, 403, QStringLiteral("virtual_key_disabled"));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(up_->requestCount(), 0);
    QVERIFY(await([&](KeyVault::Done d) { vault_->setDisabled(kSlug, false, d); }).isEmpty());
    const auto again = chat({{"x-portkey-virtual-key", kSlug.toUtf8()}});
    QVERIFY(again);
    QCOMPARE(again->status, 200);
}

void TestKeyVaultGateway::customHostCannotRedirectAKey()
{
    up_->clear();
    const auto r = chat({{"x-portkey-virtual-key", kSlug.toUtf8()}, {"x-portkey-custom-host", "http://127.0.0.1:9/v1"}});
    QVERIFY(r);
    const QString problem = openAiErrorProblem(*r, 400, QStringLiteral("custom_host_with_virtual_key"));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(up_->requestCount(), 0);
}

void TestKeyVaultGateway::requestLimitAnswers429WithRetryAfter()
{
    VirtualKey limited = *vault_->metadata().find(kSlug);
    limited.slug = QStringLiteral("it-limited");
    limited.limits.requestsPerMinute = 1;
    QString e = await([&](KeyVault::Done d) { vault_->addKey(limited, kSecret1, d); });
    QVERIFY2(e.isEmpty(), qPrintable(e));
    up_->clear();
    auto r = chat({{"x-portkey-virtual-key", "it-limited"}});
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    r = chat({{"x-portkey-virtual-key", "it-limited"}});   // the second within the same minute
    QVERIFY(r);
    const QString problem = openAiErrorProblem(*r, 429, QStringLiteral("virtual_key_rate_limited"));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const int retryAfter = r->header("retry-after").toInt();
    QVERIFY2(retryAfter >= 1 && retryAfter <= 60, r->header("retry-after").constData());
    QCOMPARE(up_->requestCount(), 1);
    // other keys are not affected
    QCOMPARE(chat({{"x-portkey-virtual-key", kSlug.toUtf8()}})->status, 200);
    e = await([&](KeyVault::Done d) { vault_->removeKey(QStringLiteral("it-limited"), d); });
    QVERIFY2(e.isEmpty(), qPrintable(e));
}

void TestKeyVaultGateway::deletedKeyIsUnknownAndLeavesTheKeychain()
{
    const QString e = await([&](KeyVault::Done d) { vault_->removeKey(kSlug, d); });
    QVERIFY2(e.isEmpty(), qPrintable(e));
    const auto r = chat({{"x-portkey-virtual-key", kSlug.toUtf8()}});
    QVERIFY(r);
    const QString problem = openAiErrorProblem(*r, 401, QStringLiteral("virtual_key_not_found"));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    KeychainSecretStore store(kService);
    std::optional<SecretResult> read;
    store.read(kSlug, [&](SecretResult res) { read = std::move(res); });
    QVERIFY(QTest::qWaitFor([&] { return read.has_value(); }, 10000));
    QVERIFY(!read->ok);
    QVERIFY2(read->notFound, qPrintable(read->message));
}

void TestKeyVaultGateway::noSecretAnywhere()
{
    gw_.service().stopAndWait();
    log_.flushAndWait();
    QVERIFY(log_.written() > 0);
    log_.close();
    vault_.reset();

    const QList<QByteArray> secrets{kSecret1.toUtf8(), kSecret2.toUtf8()};
    QStringList leaks;
    auto search = [&](const QString& where, const QByteArray& bytes) {
        for (const QByteArray& s : secrets) {
            if (bytes.contains(s))
                leaks << where;
        }
    };
    for (const RequestRecord& r : gw_.records())
        search(QStringLiteral("record %1").arg(r.requestId), recordJson(r).toUtf8() + r.requestBody + r.responseBody + r.errorMessage.toUtf8());
    search(QStringLiteral("answers to the client"), answers_);
    search(QStringLiteral("log output"), g_messages.join(QLatin1Char('\n')).toUtf8());
    // the SQLite log (with its WAL), the vault's metadata, and every settings/data file of this run
    QStringList roots{dir_.path()};
    for (auto loc : {QStandardPaths::GenericConfigLocation, QStandardPaths::GenericDataLocation, QStandardPaths::GenericCacheLocation})
        roots << QStandardPaths::writableLocation(loc);
    int files = 0;
    for (const QString& root : roots) {
        QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            if (f.open(QIODevice::ReadOnly)) {
                ++files;
                search(f.fileName(), f.readAll());
            }
        }
    }
    QVERIFY(QFile::exists(dir_.filePath(QStringLiteral("requests.db"))));
    QVERIFY(files >= 2);
    QVERIFY2(leaks.isEmpty(), qPrintable(QStringLiteral("secret found in: ") + leaks.join(QStringLiteral(", "))));
}

QTEST_GUILESS_MAIN(TestKeyVaultGateway)
#include "tst_key_vault_gateway.moc"
