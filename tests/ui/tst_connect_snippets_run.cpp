// The Connect dialog's snippets, run for real against a live gateway on the built-in mock provider:
// the OpenAI Node SDK, LangChain JS and Portkey's Node SDK (the npm packages of tests/e2e), and curl;
// the Python ones are parsed by Python (their packages are not installed here). Each run must print
// the mock's answer, and the gateway's record must carry the snippet's trace id and metadata.
// Fails, never skips, when node, curl, python3 or tests/e2e/node_modules is missing.

#include "connect_snippets.h"
#include "integration_support.h"
#include "pipeline/gateway_access.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace gatehouse;
using namespace gatehouse::itest;

namespace {

constexpr auto kE2eDir = GATEHOUSE_E2E_DIR;

struct Run {
    int exitCode = -1;
    QString out;
    QString err;
};

Run runProgram(const QString& program, const QStringList& args, const QString& dir, const QStringList& extraEnv = {})
{
    QProcess p;
    p.setWorkingDirectory(dir);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("NO_PROXY"), QStringLiteral("127.0.0.1,localhost"));
    env.insert(QStringLiteral("no_proxy"), QStringLiteral("127.0.0.1,localhost"));
    for (const QString& kv : extraEnv)
        env.insert(kv.section(QLatin1Char('='), 0, 0), kv.section(QLatin1Char('='), 1));
    p.setProcessEnvironment(env);
    p.start(program, args);
    Run r;
    // The gateway runs on its own thread, so blocking here does not stall it.
    if (!p.waitForFinished(60'000)) {
        p.kill();
        p.waitForFinished();
        r.err = QStringLiteral("timed out");
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

} // namespace

class TestConnectSnippetsRun : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void snippetRuns_data();
    void snippetRuns();
    void pythonSnippetsParse();
    void gatewayKeySnippets();

private:
    QString writeSnippet(SnippetLanguage language, const SnippetInput& in);
    SnippetInput input(const QString& trace) const;

    GatewayHarness gw_;
    QTemporaryDir dir_;
    QString node_, curl_, python_;
};

void TestConnectSnippetsRun::initTestCase()
{
    node_ = QStandardPaths::findExecutable(QStringLiteral("node"));
    curl_ = QStandardPaths::findExecutable(QStringLiteral("curl"));
    python_ = QStandardPaths::findExecutable(QStringLiteral("python3"));
    QVERIFY2(!node_.isEmpty() && !curl_.isEmpty() && !python_.isEmpty(), "node, curl and python3 are needed (scripts/deps.sh installs them)");
    const QString modules = QString::fromUtf8(kE2eDir) + QStringLiteral("/node_modules");
    for (const char* pkg : {"openai", "@langchain/openai", "portkey-ai"})
        QVERIFY2(QFile::exists(modules + QLatin1Char('/') + QLatin1String(pkg) + QStringLiteral("/package.json")),
                 qPrintable(QStringLiteral("%1 is missing: run npm ci in tests/e2e").arg(QLatin1String(pkg))));
    QVERIFY(dir_.isValid());
    // ES modules resolve packages from the file's folder upwards.
    QVERIFY(QFile::link(modules, dir_.filePath(QStringLiteral("node_modules"))));
    QVERIFY(gw_.start());
}

SnippetInput TestConnectSnippetsRun::input(const QString& trace) const
{
    SnippetInput in;
    in.baseUrl = const_cast<GatewayHarness&>(gw_).service().baseUrl();
    in.route = ConnectRoute::Provider;
    in.routeValue = QStringLiteral("mock");
    in.providerKeyNeeded = false;
    in.model = QStringLiteral("mock-gpt");
    in.traceId = trace;
    in.metadataJson = QStringLiteral("{\"_user\": \"snippet\", \"env\": \"test\"}");
    in.prompt = QStringLiteral("Hello from a snippet");
    return in;
}

QString TestConnectSnippetsRun::writeSnippet(SnippetLanguage language, const SnippetInput& in)
{
    const QString path = dir_.filePath(QStringLiteral("snippet-%1.%2").arg(int(language)).arg(snippetFileSuffix(language)));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    f.write(connectSnippet(language, in).toUtf8());
    return path;
}

void TestConnectSnippetsRun::snippetRuns_data()
{
    QTest::addColumn<int>("language");
    QTest::newRow("openai node") << int(SnippetLanguage::OpenAiNode);
    QTest::newRow("langchain js") << int(SnippetLanguage::LangChainJs);
    QTest::newRow("portkey node") << int(SnippetLanguage::PortkeyNode);
    QTest::newRow("curl") << int(SnippetLanguage::Curl);
}

void TestConnectSnippetsRun::snippetRuns()
{
    QFETCH(int, language);
    const auto lang = SnippetLanguage(language);
    const QString trace = QStringLiteral("snippet-run-%1").arg(language);
    const QString path = writeSnippet(lang, input(trace));
    QVERIFY(!path.isEmpty());
    const Run r = lang == SnippetLanguage::Curl ? runProgram(QStringLiteral("sh"), {path}, dir_.path())
                                                : runProgram(node_, {path}, dir_.path());
    QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
    if (lang == SnippetLanguage::Curl) {
        const auto j = nlohmann::json::parse(r.out.toStdString(), nullptr, false);
        QVERIFY2(j.is_object() && j["choices"][0]["message"]["content"] == "Mock reply to: Hello from a snippet", qPrintable(r.out));
    } else {
        QCOMPARE(r.out.trimmed(), QStringLiteral("Mock reply to: Hello from a snippet"));
    }
    QVERIFY(QTest::qWaitFor([&] { return gw_.recordByTrace(trace) != nullptr; }, 5000));
    const RequestRecord* rec = gw_.recordByTrace(trace);
    QCOMPARE(rec->provider, QStringLiteral("mock"));
    QCOMPARE(rec->status, 200);
    QVERIFY(rec->metadata.count("env") && rec->metadata.at("env") == "test");
    QVERIFY(rec->metadata.count("_user") && rec->metadata.at("_user") == "snippet");
}

void TestConnectSnippetsRun::pythonSnippetsParse()
{
    for (SnippetLanguage lang : {SnippetLanguage::LangChainPython, SnippetLanguage::OpenAiPython, SnippetLanguage::PortkeyPython}) {
        for (bool key : {false, true}) {
            SnippetInput in = input(QStringLiteral("py"));
            in.gatewayKeyRequired = key;
            in.routeValue = QStringLiteral("openai");
            in.providerKeyNeeded = true;
            const QString path = writeSnippet(lang, in);
            const Run r = runProgram(python_, {QStringLiteral("-c"), QStringLiteral("import ast, sys; ast.parse(open(sys.argv[1]).read())"), path},
                                     dir_.path());
            QVERIFY2(r.exitCode == 0, qPrintable(snippetLanguageName(lang) + QLatin1Char('\n') + r.err));
        }
    }
}

void TestConnectSnippetsRun::gatewayKeySnippets()
{
    // A second gateway with access control: the snippets read the key from GATEHOUSE_API_KEY.
    GatewayHarness guarded;
    GatewaySettings s = testSettings();
    s.apiKeyDigests = {gatewayKeyDigest("gk-snippet-test")};
    QVERIFY(guarded.start(s));
    for (SnippetLanguage lang : {SnippetLanguage::OpenAiNode, SnippetLanguage::PortkeyNode, SnippetLanguage::Curl}) {
        SnippetInput in = input(QStringLiteral("guarded"));
        in.baseUrl = guarded.service().baseUrl();
        in.gatewayKeyRequired = true;
        const QString path = writeSnippet(lang, in);
        const QString program = lang == SnippetLanguage::Curl ? QStringLiteral("sh") : node_;
        const Run ok = runProgram(program, {path}, dir_.path(), {QStringLiteral("GATEHOUSE_API_KEY=gk-snippet-test")});
        QVERIFY2(ok.exitCode == 0 && ok.out.contains(QStringLiteral("Mock reply to: Hello from a snippet")),
                 qPrintable(snippetLanguageName(lang) + QLatin1Char('\n') + ok.err + ok.out));
        const Run bad = runProgram(program, {path}, dir_.path(), {QStringLiteral("GATEHOUSE_API_KEY=wrong")});
        QVERIFY2(!bad.out.contains(QStringLiteral("Mock reply")), qPrintable(bad.out));
    }
}

QTEST_GUILESS_MAIN(TestConnectSnippetsRun)
#include "tst_connect_snippets_run.moc"
