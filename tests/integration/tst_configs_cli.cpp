// `gatehouse configs ...` as a user runs it: validate a file (every error with its path), list a
// folder (hand-written files become version 1, a hand edit a new version), history, show an old
// version, diff, roll back; the data directory's folder when --configs is not given.

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Run {
    int exitCode = -1;
    QByteArray out, err;
};

Run gatehouse(const QStringList& args)
{
    QProcess p;
    p.start(qEnvironmentVariable("GATEHOUSE_BIN"), QStringList{QStringLiteral("configs")} + args);
    Run r;
    if (!p.waitForStarted(10000) || !p.waitForFinished(30000))
        return r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

void write(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

const QByteArray kV1 = "{\"strategy\": {\"mode\": \"fallback\"},\n \"targets\": [{\"provider\": \"openai\"}, {\"provider\": \"mock\"}]}\n";
const QByteArray kV2 = "{\"strategy\": {\"mode\": \"fallback\"},\n \"targets\": [{\"provider\": \"mock\"}, {\"provider\": \"openai\"}]}\n";

} // namespace

class TestConfigsCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void validateReportsEveryPath();
    void listHistoryShowDiffRollback();
    void dataDirectoryFolderAndSingleFile();
};

void TestConfigsCli::validateReportsEveryPath()
{
    QTemporaryDir dir;
    const QString bad = dir.filePath(QStringLiteral("bad.json"));
    write(bad, R"({"strategy": {"mode": "fallbak"}, "targets": [{"provider": "opena"}]})");
    Run r = gatehouse({QStringLiteral("validate"), bad});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("strategy.mode: Invalid 'mode' value"), r.err.constData());
    QVERIFY2(r.err.contains("targets[0].provider: unknown provider 'opena'; did you mean 'openai'?"), r.err.constData());
    write(bad, "{\n  \"provider\": \"mock\",\n}");
    r = gatehouse({QStringLiteral("validate"), bad});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("config: is not valid JSON (line 3, column 1)"), r.err.constData());
    const QString good = dir.filePath(QStringLiteral("good.json"));
    write(good, kV1);
    r = gatehouse({QStringLiteral("validate"), good});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains("good.json: valid"));
}

void TestConfigsCli::listHistoryShowDiffRollback()
{
    QTemporaryDir dir;
    const QString folder = dir.path();
    write(QDir(folder).filePath(QStringLiteral("edge.json")), kV1);
    const QStringList at{QStringLiteral("--configs"), folder};
    Run r = gatehouse(QStringList{QStringLiteral("list")} + at);
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains("pc-edge") && r.out.contains("v1 "), r.out.constData());

    write(QDir(folder).filePath(QStringLiteral("edge.json")), kV2);   // a hand edit
    r = gatehouse(QStringList{QStringLiteral("history"), QStringLiteral("pc-edge")} + at);
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.out.count('\n'), 2);
    QVERIFY2(r.out.contains("found in the folder") && r.out.contains("edited outside Gatehouse"), r.out.constData());

    r = gatehouse(QStringList{QStringLiteral("show"), QStringLiteral("edge"), QStringLiteral("--version"), QStringLiteral("1")} + at);
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.out, kV1);
    r = gatehouse(QStringList{QStringLiteral("diff"), QStringLiteral("pc-edge"), QStringLiteral("1")} + at);
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains("- \"targets\": [{\"provider\": \"openai\"}") && r.out.contains("+ \"targets\": [{\"provider\": \"mock\"}"), r.out.constData());

    r = gatehouse(QStringList{QStringLiteral("rollback"), QStringLiteral("pc-edge"), QStringLiteral("1")} + at);
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains("version 3"));
    QFile current(QDir(folder).filePath(QStringLiteral("edge.json")));
    QVERIFY(current.open(QIODevice::ReadOnly));
    QCOMPARE(current.readAll(), kV1);

    r = gatehouse(QStringList{QStringLiteral("rollback"), QStringLiteral("pc-edge"), QStringLiteral("9")} + at);
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.contains("no version 9"));
    r = gatehouse(QStringList{QStringLiteral("show"), QStringLiteral("pc-nope")} + at);
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains("there is no config pc-nope"));
}

void TestConfigsCli::dataDirectoryFolderAndSingleFile()
{
    QTemporaryDir dir;
    Run r = gatehouse({QStringLiteral("list"), QStringLiteral("--data-dir"), dir.path()});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains("No saved configs"));
    QVERIFY(QDir(dir.filePath(QStringLiteral("configs"))).exists());
    const QString file = dir.filePath(QStringLiteral("one.json"));
    write(file, kV1);
    r = gatehouse({QStringLiteral("list"), QStringLiteral("--configs"), file});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains("read-only"));
}

QTEST_GUILESS_MAIN(TestConfigsCli)
#include "tst_configs_cli.moc"
