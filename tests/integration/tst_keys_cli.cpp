// The vault as a user drives it without the window: `gatehouse keys ...` with the secret on stdin,
// a running `gatehouse --headless` that resolves the key and follows a rotation and a deletion made
// by the CLI meanwhile, the documented failures (no D-Bus session, a world-readable secrets file,
// a public bind address without gateway keys), and no secret in any output or file afterwards.
// Runs under tests/support/with_keyring.sh (real Secret Service, throwaway HOME/XDG dirs).

#include "integration_support.h"
#include "mock_upstream.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace gatehouse::itest;
using gatehouse::test::MockUpstream;

namespace {

const QByteArray kSecret1 = "sk-cli-first-1a2b3c4d";
const QByteArray kSecret2 = "sk-cli-rotated-9e8f7a6b";
const QByteArray kEnvSecret = "sk-cli-env-0c0d0e0f";
const QByteArray kFileSecret = "sk-cli-file-5566aa77";

QString binary()
{
    return qEnvironmentVariable("GATEHOUSE_BIN");
}

struct Run {
    int exitCode = -1;
    QByteArray out, err;
};

QByteArray g_allOutput;   // every byte any gatehouse process printed, searched at the end

Run runGatehouse(const QStringList& args, const QByteArray& stdinData = {}, const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(binary(), args);
    Run r;
    if (!p.waitForStarted(10000))
        return r;
    p.write(stdinData);
    p.closeWriteChannel();
    if (!p.waitForFinished(30000))
        p.kill();
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    g_allOutput += r.out + r.err;
    return r;
}

class HeadlessGateway {
public:
    explicit HeadlessGateway(const QStringList& extra, const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment())
    {
        portFile_ = dir_.filePath(QStringLiteral("port"));
        proc_.setProcessEnvironment(env);
        proc_.start(binary(), QStringList{QStringLiteral("--headless"), QStringLiteral("--port"), QStringLiteral("0"),
                                          QStringLiteral("--port-file"), portFile_, QStringLiteral("--log-requests")} + extra);
    }
    ~HeadlessGateway() { stop(); }
    quint16 waitForPort()
    {
        quint16 port = 0;
        (void)QTest::qWaitFor([&] {
            QFile f(portFile_);
            if (f.open(QIODevice::ReadOnly))
                port = quint16(f.readAll().trimmed().toUInt());
            return port != 0 || proc_.state() == QProcess::NotRunning;
        }, 15000);
        return port;
    }
    int stop()
    {
        if (proc_.state() != QProcess::NotRunning) {
            proc_.terminate();
            if (!proc_.waitForFinished(10000))
                proc_.kill();
        }
        const QByteArray rest = proc_.readAllStandardOutput() + proc_.readAllStandardError();
        output_ += rest;
        g_allOutput += rest;
        return proc_.exitCode();
    }
    QByteArray output() const { return output_; }

private:
    QTemporaryDir dir_;
    QString portFile_;
    QProcess proc_;
    QByteArray output_;
};

QByteArray chat(const QByteArray& slug)
{
    return httpRequest("POST", "/v1/chat/completions", {{"Content-Type", "application/json"}, {"x-portkey-virtual-key", slug}},
                       chatBody(QStringLiteral("hi")));
}

void writePrivate(const QString& path, const QByteArray& content, mode_t mode)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content);
    f.close();
    QCOMPARE(::chmod(QFile::encodeName(path).constData(), mode), 0);
}

} // namespace

class TestKeysCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!binary().isEmpty() && QFile::exists(binary()), "GATEHOUSE_BIN is not set");
        QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"), "run under tests/support/with_keyring.sh");
        QVERIFY(up_.listen());
    }

    void secretIsNeverTakenFromArguments()
    {
        const Run r = runGatehouse({QStringLiteral("keys"), QStringLiteral("add"), QStringLiteral("--slug"), QStringLiteral("argv"),
                                    QStringLiteral("--provider"), QStringLiteral("openai"), QStringLiteral("--secret"), QStringLiteral("sk-argv")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("never taken from the command line"), r.err.constData());
    }

    void addResolveRotateDeleteWithARunningGateway()
    {
        Run r = runGatehouse({QStringLiteral("keys"), QStringLiteral("add"), QStringLiteral("--slug"), QStringLiteral("cli-openai"),
                              QStringLiteral("--provider"), QStringLiteral("openai"), QStringLiteral("--custom-host"), up_.baseUrl(),
                              QStringLiteral("--name"), QStringLiteral("CLI key")},
                             kSecret1 + "\n");
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.contains("Added virtual key 'cli-openai'"));
        r = runGatehouse({QStringLiteral("keys"), QStringLiteral("list")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("cli-openai") && r.out.contains("openai") && r.out.contains("enabled"));

        HeadlessGateway gw({});
        const quint16 port = gw.waitForPort();
        QVERIFY2(port != 0, gw.output().constData());
        up_.clear();
        auto resp = roundTrip(port, chat("cli-openai"));
        QVERIFY(resp);
        QCOMPARE(resp->status, 200);
        QCOMPARE(up_.received().last().header("authorization"), "Bearer " + kSecret1);

        // Rotated by another process: the running gateway notices and new requests use the new secret.
        r = runGatehouse({QStringLiteral("keys"), QStringLiteral("rotate"), QStringLiteral("--slug"), QStringLiteral("cli-openai")}, kSecret2);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(QTest::qWaitFor([&] {
            up_.clear();
            const auto x = roundTrip(port, chat("cli-openai"));
            return x && x->status == 200 && up_.received().last().header("authorization") == "Bearer " + kSecret2;
        }, 10000));

        r = runGatehouse({QStringLiteral("keys"), QStringLiteral("disable"), QStringLiteral("--slug"), QStringLiteral("cli-openai")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(QTest::qWaitFor([&] {
            const auto x = roundTrip(port, chat("cli-openai"));
            return x && x->status == 403;
        }, 10000));

        r = runGatehouse({QStringLiteral("keys"), QStringLiteral("delete"), QStringLiteral("--slug"), QStringLiteral("cli-openai")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(QTest::qWaitFor([&] {
            const auto x = roundTrip(port, chat("cli-openai"));
            return x && x->status == 401 && x->body.contains("virtual_key_not_found");
        }, 10000));
        QCOMPARE(gw.stop(), 0);
        r = runGatehouse({QStringLiteral("keys"), QStringLiteral("list")});
        QVERIFY(!r.out.contains("cli-openai"));
    }

    void environmentVariableSuppliesTheSecret()
    {
        Run r = runGatehouse({QStringLiteral("keys"), QStringLiteral("add"), QStringLiteral("--slug"), QStringLiteral("env-key"),
                              QStringLiteral("--provider"), QStringLiteral("openai"), QStringLiteral("--custom-host"), up_.baseUrl(),
                              QStringLiteral("--secret-from-env")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("GATEHOUSE_VK_ENV_KEY"), QString::fromUtf8(kEnvSecret));
        HeadlessGateway gw({}, env);
        const quint16 port = gw.waitForPort();
        QVERIFY(port != 0);
        up_.clear();
        const auto resp = roundTrip(port, chat("env-key"));
        QVERIFY(resp);
        QCOMPARE(resp->status, 200);
        QCOMPARE(up_.received().last().header("authorization"), "Bearer " + kEnvSecret);
        gw.stop();
        QVERIFY(runGatehouse({QStringLiteral("keys"), QStringLiteral("delete"), QStringLiteral("--slug"), QStringLiteral("env-key")}).exitCode == 0);
    }

    void secretsFileMustBePrivate()
    {
        const QString path = dir_.filePath(QStringLiteral("secrets.json"));
        writePrivate(path, "{\"file-key\": \"" + kFileSecret + "\"}", 0644);
        Run r = runGatehouse({QStringLiteral("keys"), QStringLiteral("add"), QStringLiteral("--slug"), QStringLiteral("file-key"),
                              QStringLiteral("--provider"), QStringLiteral("openai"), QStringLiteral("--secrets-file"), path},
                             kFileSecret);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("has mode 0644") && r.err.contains("chmod 600"), r.err.constData());
        HeadlessGateway refused({QStringLiteral("--secrets-file"), path});
        QCOMPARE(refused.waitForPort(), quint16(0));
        QCOMPARE(refused.stop(), 2);
        QVERIFY2(refused.output().contains("must be 0600"), refused.output().constData());

        // at 0600 the same file serves the key
        QCOMPARE(::chmod(QFile::encodeName(path).constData(), 0600), 0);
        r = runGatehouse({QStringLiteral("keys"), QStringLiteral("add"), QStringLiteral("--slug"), QStringLiteral("file-key"),
                          QStringLiteral("--provider"), QStringLiteral("openai"), QStringLiteral("--custom-host"), up_.baseUrl(),
                          QStringLiteral("--secrets-file"), path},
                         kFileSecret);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        HeadlessGateway gw({QStringLiteral("--secrets-file"), path});
        const quint16 port = gw.waitForPort();
        QVERIFY(port != 0);
        up_.clear();
        const auto resp = roundTrip(port, chat("file-key"));
        QVERIFY(resp);
        QCOMPARE(resp->status, 200);
        QCOMPARE(up_.received().last().header("authorization"), "Bearer " + kFileSecret);
        gw.stop();
        QVERIFY(runGatehouse({QStringLiteral("keys"), QStringLiteral("delete"), QStringLiteral("--slug"), QStringLiteral("file-key"),
                              QStringLiteral("--secrets-file"), path}).exitCode == 0);
    }

    void noSessionBusGivesTheDocumentedMessage()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QStringLiteral("unix:path=") + dir_.filePath(QStringLiteral("no-bus")));
        const Run r = runGatehouse({QStringLiteral("keys"), QStringLiteral("add"), QStringLiteral("--slug"), QStringLiteral("nobus"),
                                    QStringLiteral("--provider"), QStringLiteral("openai")},
                                   "sk-nobus", env);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("No D-Bus session bus is reachable") && r.err.contains("--secrets-file"), r.err.constData());
        QVERIFY(!runGatehouse({QStringLiteral("keys"), QStringLiteral("list")}).out.contains("nobus"));
    }

    void lockedKeyringGivesTheDocumentedMessage()
    {
        // A session whose keyring was never unlocked (no login collection): the daemon is started
        // by D-Bus activation, exactly as on a desktop where the user has not unlocked it.
        QTemporaryDir home;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), home.path());
        env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), home.filePath(QStringLiteral("run")));   // not the outer daemon's
        QVERIFY(QDir().mkpath(home.filePath(QStringLiteral("run"))));
        QFile::setPermissions(home.filePath(QStringLiteral("run")), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
        env.remove(QStringLiteral("GNOME_KEYRING_CONTROL"));
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(QStringLiteral("dbus-run-session"),
                {QStringLiteral("--"), QStringLiteral("sh"), QStringLiteral("-c"),
                 QStringLiteral("printf sk-locked-zz | \"$0\" keys add --slug locked --provider openai"), binary()});
        QVERIFY(p.waitForFinished(30000));
        const QByteArray err = p.readAllStandardError();
        g_allOutput += p.readAllStandardOutput() + err;
        QCOMPARE(p.exitCode(), 1);
        QVERIFY2(err.contains("The OS keyring is locked") && err.contains("gnome-keyring-daemon --unlock"), err.constData());
        QVERIFY(!err.contains("sk-locked-zz"));
    }

    void publicBindWithoutGatewayKeyRefusesToStart()
    {
        const Run r = runGatehouse({QStringLiteral("--headless"), QStringLiteral("--bind"), QStringLiteral("0.0.0.0"), QStringLiteral("--port"), QStringLiteral("0")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("refusing to listen on 0.0.0.0 without a gateway API key"), r.err.constData());

        const QString keys = dir_.filePath(QStringLiteral("gateway-keys"));
        writePrivate(keys, "gk-cli-test\n", 0600);
        HeadlessGateway gw({QStringLiteral("--bind"), QStringLiteral("0.0.0.0"), QStringLiteral("--gateway-key-file"), keys});
        const quint16 port = gw.waitForPort();
        QVERIFY(port != 0);
        auto resp = roundTrip(port, httpRequest("POST", "/v1/chat/completions", mockHeaders(), chatBody(QStringLiteral("hi"), QStringLiteral("mock-gpt"))));
        QVERIFY(resp);
        QCOMPARE(resp->status, 401);
        resp = roundTrip(port, httpRequest("POST", "/v1/chat/completions", mockHeaders({{"x-portkey-api-key", "gk-cli-test"}}),
                                           chatBody(QStringLiteral("hi"), QStringLiteral("mock-gpt"))));
        QVERIFY(resp);
        QCOMPARE(resp->status, 200);
    }

    // Spend budgets across a real restart: the second process rebuilds the day's spend from the
    // request log the first one wrote, and refuses at once.
    void budgetSurvivesARestart()
    {
        Run r = runGatehouse({QStringLiteral("keys"), QStringLiteral("add"), QStringLiteral("--slug"), QStringLiteral("cli-budget"),
                              QStringLiteral("--provider"), QStringLiteral("openai"), QStringLiteral("--custom-host"), up_.baseUrl()},
                             kSecret1);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = runGatehouse({QStringLiteral("keys"), QStringLiteral("limits"), QStringLiteral("--slug"), QStringLiteral("cli-budget"),
                          QStringLiteral("--daily-budget"), QStringLiteral("-1")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--daily-budget must be an amount in USD"), r.err.constData());
        // The mock upstream's answer costs $0.00000465 (gpt-4o-mini, 11 + 5 tokens): room for two.
        r = runGatehouse({QStringLiteral("keys"), QStringLiteral("limits"), QStringLiteral("--slug"), QStringLiteral("cli-budget"),
                          QStringLiteral("--daily-budget"), QStringLiteral("0.000007")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        {
            HeadlessGateway gw({});
            const quint16 port = gw.waitForPort();
            QVERIFY2(port != 0, gw.output().constData());
            QCOMPARE(roundTrip(port, chat("cli-budget"))->status, 200);
            QCOMPARE(roundTrip(port, chat("cli-budget"))->status, 200);
            const auto refused = roundTrip(port, chat("cli-budget"));
            QVERIFY(refused);
            QVERIFY2(openAiErrorProblem(*refused, 412, QStringLiteral("budget_exceeded")).isEmpty(), refused->body.constData());
            QCOMPARE(gw.stop(), 0);
        }
        HeadlessGateway again({});
        const quint16 port = again.waitForPort();
        QVERIFY2(port != 0, again.output().constData());
        const auto refused = roundTrip(port, chat("cli-budget"));
        QVERIFY(refused);
        QVERIFY2(openAiErrorProblem(*refused, 412, QStringLiteral("budget_exceeded")).isEmpty(), refused->body.constData());
        QVERIFY2(refused->body.contains("daily budget of $0.000007"), refused->body.constData());
        again.stop();
        QVERIFY(runGatehouse({QStringLiteral("keys"), QStringLiteral("delete"), QStringLiteral("--slug"), QStringLiteral("cli-budget")}).exitCode == 0);
    }

    void noSecretInAnyOutputOrFile()   // keep last
    {
        QVERIFY(g_allOutput.contains("Added virtual key"));   // the capture works
        QStringList leaks;
        const QList<QByteArray> secrets{kSecret1, kSecret2, kEnvSecret};
        for (const QByteArray& s : secrets) {
            if (g_allOutput.contains(s))
                leaks << QStringLiteral("process output");
        }
        // settings, data (the vault's metadata), cache: everything of this run's throwaway home,
        // except the secrets file this test wrote on purpose
        int files = 0;
        QDirIterator it(QDir::homePath(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        QStringList roots{QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation),
                          QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)};
        for (const QString& root : roots) {
            QDirIterator files_(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
            while (files_.hasNext()) {
                QFile f(files_.next());
                if (!f.open(QIODevice::ReadOnly))
                    continue;
                ++files;
                const QByteArray bytes = f.readAll();
                for (const QByteArray& s : secrets) {
                    if (bytes.contains(s))
                        leaks << f.fileName();
                }
            }
        }
        QVERIFY(files >= 1);
        QVERIFY2(leaks.isEmpty(), qPrintable(QStringLiteral("secret found in: ") + leaks.join(QStringLiteral(", "))));
    }

private:
    MockUpstream up_;
    QTemporaryDir dir_;
};

QTEST_GUILESS_MAIN(TestKeysCli)
#include "tst_keys_cli.moc"
