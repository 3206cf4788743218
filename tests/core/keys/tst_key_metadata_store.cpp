// The virtual keys' metadata file: what is saved comes back, a damaged file is never overwritten,
// nothing secret is in it, and it is private to its owner.

#include "keys/key_metadata_store.h"

#include <nlohmann/json.hpp>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace gatehouse;

namespace {

VirtualKey named(const QString& slug)
{
    VirtualKey k;
    k.slug = slug;
    k.provider = QStringLiteral("openai");
    return k;
}

} // namespace

class TestKeyMetadataStore : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTripKeepsEveryField()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("sub/virtual-keys.json"));
        VirtualKey k;
        k.slug = QStringLiteral("azure-prod");
        k.displayName = QStringLiteral("Azure (prod)");
        k.provider = QStringLiteral("openai");
        k.customHost = QStringLiteral("https://example.test/v1");
        k.azureResource = QStringLiteral("res");
        k.azureDeployment = QStringLiteral("dep");
        k.azureApiVersion = QStringLiteral("2024-06-01");
        k.awsRegion = QStringLiteral("eu-west-1");
        k.vertexProject = QStringLiteral("proj");
        k.vertexRegion = QStringLiteral("europe-west4");
        k.notes = QStringLiteral("team key");
        k.createdMs = 1700000000000;
        k.lastUsedMs = 1700000001000;
        k.secretUpdatedMs = 1700000002000;
        k.disabled = true;
        k.limits.requestsPerMinute = 60;
        k.limits.tokensPerMinute = 100000;
        {
            KeyMetadataStore s(path);
            QVERIFY(s.load(nullptr));
            s.upsert(k);
            QString error;
            QVERIFY2(s.save(&error), qPrintable(error));
        }
        KeyMetadataStore s(path);
        QVERIFY(s.load(nullptr));
        QCOMPARE(s.keys().size(), std::size_t(1));
        nlohmann::json a = k, b = s.keys().front();
        QCOMPARE(QString::fromStdString(b.dump()), QString::fromStdString(a.dump()));
        QVERIFY(!s.changedOnDisk());
        QCOMPARE(QFile::permissions(path) & (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteOther), QFileDevice::Permissions());
    }

    void missingFileIsAnEmptyVault()
    {
        QTemporaryDir dir;
        KeyMetadataStore s(dir.filePath(QStringLiteral("none.json")));
        QVERIFY(s.load(nullptr));
        QVERIFY(s.keys().empty());
    }

    void upsertReplacesAndRemoveForgets()
    {
        QTemporaryDir dir;
        KeyMetadataStore s(dir.filePath(QStringLiteral("k.json")));
        VirtualKey a = named(QStringLiteral("a"));
        s.upsert(a);
        a.provider = QStringLiteral("groq");
        s.upsert(a);
        QCOMPARE(s.keys().size(), std::size_t(1));
        QCOMPARE(s.find(QStringLiteral("a"))->provider, QStringLiteral("groq"));
        QVERIFY(s.remove(QStringLiteral("a")));
        QVERIFY(!s.remove(QStringLiteral("a")));
        QVERIFY(!s.find(QStringLiteral("a")));
    }

    void damagedFileIsReportedAndNeverOverwritten_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not json") << QByteArray("{nope") << "not a JSON object";
        QTest::newRow("no keys") << QByteArray("{\"version\":1}") << "no \"keys\" array";
        QTest::newRow("bad type") << QByteArray(R"({"keys":[{"slug":"a","provider":5}]})") << "keys[0] has a field of the wrong type";
        QTest::newRow("bad slug") << QByteArray(R"({"keys":[{"slug":"A B","provider":"openai"}]})") << "keys[0]: a slug uses";
        QTest::newRow("duplicate") << QByteArray(R"({"keys":[{"slug":"a","provider":"openai"},{"slug":"a","provider":"groq"}]})")
                                   << "the slug 'a' appears twice";
    }

    void damagedFileIsReportedAndNeverOverwritten()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("k.json"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
        f.close();
        KeyMetadataStore s(path);
        QString error;
        QVERIFY(!s.load(&error));
        QVERIFY2(error.contains(expected), qPrintable(error));
        QVERIFY(s.keys().empty());
        s.upsert(named(QStringLiteral("b")));
        QVERIFY(!s.save(&error));
        QVERIFY2(error.contains(QStringLiteral("fix or move it")), qPrintable(error));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), content);
    }

    void changeByAnotherWriterIsNoticed()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("k.json"));
        KeyMetadataStore a(path), b(path);
        a.upsert(named(QStringLiteral("a")));
        QVERIFY(a.save(nullptr));
        QVERIFY(b.load(nullptr));
        QVERIFY(!b.changedOnDisk());
        a.upsert(named(QStringLiteral("b")));
        QVERIFY(a.save(nullptr));
        QVERIFY(b.changedOnDisk());
        QVERIFY(!a.changedOnDisk());
    }

    void slugRules_data()
    {
        QTest::addColumn<QString>("slug");
        QTest::addColumn<bool>("ok");
        QTest::newRow("simple") << "openai-prod" << true;
        QTest::newRow("digits, underscore") << "k_1" << true;
        QTest::newRow("64 chars") << QString(64, QLatin1Char('a')) << true;
        QTest::newRow("65 chars") << QString(65, QLatin1Char('a')) << false;
        QTest::newRow("empty") << "" << false;
        QTest::newRow("upper") << "Prod" << false;
        QTest::newRow("leading dash") << "-a" << false;
        QTest::newRow("space") << "a b" << false;
        QTest::newRow("looks like a secret") << "sk-proj-AbC" << false;
    }

    void slugRules()
    {
        QFETCH(QString, slug);
        QFETCH(bool, ok);
        QCOMPARE(slugProblem(slug).isEmpty(), ok);
    }

    void environmentVariableNaming()
    {
        QCOMPARE(secretEnvironmentVariable(QStringLiteral("openai-prod_2")), QStringLiteral("GATEHOUSE_VK_OPENAI_PROD_2"));
    }
};

QTEST_GUILESS_MAIN(TestKeyMetadataStore)
#include "tst_key_metadata_store.moc"
