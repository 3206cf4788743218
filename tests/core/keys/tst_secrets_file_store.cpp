// The headless secrets file: refused unless private to its owner, created private, read back; and
// the environment-variable store.

#include "keys/environment_secret_store.h"
#include "keys/secrets_file_store.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace gatehouse;

namespace {

SecretResult await(const std::function<void(SecretStore::Callback)>& op)
{
    std::optional<SecretResult> out;
    op([&](SecretResult r) { out = std::move(r); });
    [&] { QVERIFY(!out); }();   // results always come from the event loop, never from inside the call
    [&] { QVERIFY(QTest::qWaitFor([&] { return out.has_value(); }, 5000)); }();
    return out.value_or(SecretResult{});
}

void writeFile(const QString& path, const QByteArray& content, mode_t mode)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content);
    f.close();
    QCOMPARE(::chmod(QFile::encodeName(path).constData(), mode), 0);
}

} // namespace

class TestSecretsFileStore : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void worldReadableFileIsRefused()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("secrets.json"));
        writeFile(path, R"({"a":"sk-file-secret"})", 0644);
        const QString problem = SecretsFileStore::permissionProblem(path);
        QVERIFY2(problem.contains(QStringLiteral("has mode 0644")) && problem.contains(QStringLiteral("chmod 600")), qPrintable(problem));
        SecretsFileStore store(path);
        const SecretResult r = await([&](SecretStore::Callback cb) { store.read(QStringLiteral("a"), cb); });
        QVERIFY(!r.ok);
        QVERIFY(r.secret.isEmpty());
        QVERIFY(r.message.contains(QStringLiteral("0644")));
        QVERIFY(!r.message.contains(QStringLiteral("sk-file-secret")));
    }

    void privateFileIsRead()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("secrets.json"));
        writeFile(path, R"({"a":"sk-file-secret"})", 0600);
        QVERIFY(SecretsFileStore::permissionProblem(path).isEmpty());
        SecretsFileStore store(path);
        SecretResult r = await([&](SecretStore::Callback cb) { store.read(QStringLiteral("a"), cb); });
        QVERIFY(r.ok);
        QCOMPARE(r.secret, QStringLiteral("sk-file-secret"));
        r = await([&](SecretStore::Callback cb) { store.read(QStringLiteral("b"), cb); });
        QVERIFY(!r.ok);
        QVERIFY(r.notFound);
    }

    void writesCreateAPrivateFileAndKeepOtherEntries()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("new/secrets.json"));
        SecretsFileStore store(path);
        QVERIFY(await([&](SecretStore::Callback cb) { store.write(QStringLiteral("a"), QStringLiteral("one"), cb); }).ok);
        QVERIFY(await([&](SecretStore::Callback cb) { store.write(QStringLiteral("b"), QStringLiteral("two"), cb); }).ok);
        struct stat st {};
        QCOMPARE(::stat(QFile::encodeName(path).constData(), &st), 0);
        QCOMPARE(st.st_mode & 0777, mode_t(0600));
        QVERIFY(await([&](SecretStore::Callback cb) { store.remove(QStringLiteral("a"), cb); }).ok);
        QVERIFY(await([&](SecretStore::Callback cb) { store.read(QStringLiteral("a"), cb); }).notFound);
        QCOMPARE(await([&](SecretStore::Callback cb) { store.read(QStringLiteral("b"), cb); }).secret, QStringLiteral("two"));
    }

    void malformedFileIsReportedWithoutQuotingIt()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("secrets.json"));
        writeFile(path, "sk-raw-secret-line\n", 0600);
        SecretsFileStore store(path);
        const SecretResult r = await([&](SecretStore::Callback cb) { store.read(QStringLiteral("a"), cb); });
        QVERIFY(!r.ok);
        QVERIFY(r.message.contains(QStringLiteral("not a JSON object")));
        QVERIFY(!r.message.contains(QStringLiteral("sk-raw")));
    }

    void environmentStoreReadsTheDocumentedVariable()
    {
        qputenv("GATEHOUSE_VK_MY_KEY", "sk-env-secret");
        EnvironmentSecretStore env;
        QVERIFY(env.has(QStringLiteral("my-key")));
        SecretResult r = await([&](SecretStore::Callback cb) { env.read(QStringLiteral("my-key"), cb); });
        QVERIFY(r.ok);
        QCOMPARE(r.secret, QStringLiteral("sk-env-secret"));
        r = await([&](SecretStore::Callback cb) { env.write(QStringLiteral("my-key"), QStringLiteral("x"), cb); });
        QVERIFY(!r.ok);
        QVERIFY(r.message.contains(QStringLiteral("GATEHOUSE_VK_MY_KEY")));
        qunsetenv("GATEHOUSE_VK_MY_KEY");
        QVERIFY(!env.has(QStringLiteral("my-key")));
    }
};

QTEST_GUILESS_MAIN(TestSecretsFileStore)
#include "tst_secrets_file_store.moc"
