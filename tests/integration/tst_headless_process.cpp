// The real `gatehouse --headless` binary as scripts and CI run it: port file, /health, graceful
// SIGTERM that lets an in-flight request finish (exit 0), a second signal exits at once, and clear
// exit codes for bad flags (2) and a port that cannot be had (1).
// The binary comes from GATEHOUSE_BIN (set by CMake to $<TARGET_FILE:gatehouse>).

#include "integration_support.h"

#include <QElapsedTimer>
#include <QFile>
#include <QHostAddress>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>

using namespace gatehouse::itest;

namespace {

// One gatehouse process with its own HOME (so no user settings apply) and port file.
class GatehouseProcess {
public:
    GatehouseProcess()
    {
        portFile_ = dir_.filePath(QStringLiteral("port"));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), dir_.path());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir_.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("NO_PROXY"), QStringLiteral("127.0.0.1,localhost"));
        proc_.setProcessEnvironment(env);
        QObject::connect(&proc_, &QProcess::readyReadStandardError, &proc_, [this] { stderr_ += proc_.readAllStandardError(); });
        QObject::connect(&proc_, &QProcess::readyReadStandardOutput, &proc_, [this] { stdout_ += proc_.readAllStandardOutput(); });
    }
    ~GatehouseProcess()
    {
        if (proc_.state() != QProcess::NotRunning) {
            proc_.kill();
            proc_.waitForFinished(3000);
        }
    }

    void start(const QStringList& args) { proc_.start(binary(), args); }
    void startHeadless(const QStringList& extra = {})
    {
        start(QStringList{QStringLiteral("--headless"), QStringLiteral("--port-file"), portFile_} + extra);
    }
    // The port from the port file, 0 if it did not appear in time (or the process ended first).
    quint16 waitForPort(int timeoutMs = 10000)
    {
        quint16 port = 0;
        (void)QTest::qWaitFor([&] {
            QFile f(portFile_);
            if (f.open(QIODevice::ReadOnly))
                port = quint16(f.readAll().trimmed().toUInt());
            return port != 0 || proc_.state() == QProcess::NotRunning;
        }, timeoutMs);
        return port;
    }
    bool waitForExit(int timeoutMs)
    {
        const bool ok = QTest::qWaitFor([&] { return proc_.state() == QProcess::NotRunning; }, timeoutMs);
        stderr_ += proc_.readAllStandardError();
        stdout_ += proc_.readAllStandardOutput();
        return ok;
    }
    bool waitForStderr(QByteArrayView needle, int timeoutMs)
    {
        return QTest::qWaitFor([&] { return stderr_.contains(needle); }, timeoutMs);
    }
    // Never kill(0, ...): with no child running that would signal our own process group.
    void signal(int sig)
    {
        const qint64 pid = proc_.processId();
        if (proc_.state() != QProcess::NotRunning && pid > 0)
            ::kill(pid_t(pid), sig);
    }

    static QString binary() { return qEnvironmentVariable("GATEHOUSE_BIN"); }
    QProcess& process() { return proc_; }
    const QByteArray& err() const { return stderr_; }
    const QByteArray& out() const { return stdout_; }

private:
    QTemporaryDir dir_;
    QString portFile_;
    QProcess proc_;
    QByteArray stderr_;
    QByteArray stdout_;
};

int inFlight(quint16 port)
{
    const auto r = roundTrip(port, httpRequest("GET", "/health", {}));
    return r ? r->json().value("in_flight", -1) : -1;
}

} // namespace

class TestHeadlessProcess : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void sigtermLetsInFlightRequestFinish();
    void secondSignalExitsAtOnce();
    void invalidPortExitsWith2();
    void portInUseExitsWith1();
    void portHeldByAnotherGatehouseExitsWith1();
};

void TestHeadlessProcess::initTestCase()
{
    const QString bin = GatehouseProcess::binary();
    QVERIFY2(!bin.isEmpty(), "GATEHOUSE_BIN is not set");
    QVERIFY2(QFile::exists(bin), qPrintable(bin));
}

void TestHeadlessProcess::sigtermLetsInFlightRequestFinish()
{
    GatehouseProcess gh;
    gh.startHeadless({QStringLiteral("--port"), QStringLiteral("0")});
    const quint16 port = gh.waitForPort();
    QVERIFY2(port != 0, gh.err().constData());
    QVERIFY2(gh.err().contains("listening on http://127.0.0.1:" + QByteArray::number(port)), gh.err().constData());

    const auto health = roundTrip(port, httpRequest("GET", "/health", {}));
    QVERIFY(health);
    QCOMPARE(health->status, 200);
    QCOMPARE(health->json().value("status", ""), std::string("ok"));

    RawHttpClient c;
    QVERIFY(c.connectTo(port));
    c.send(httpRequest("POST", "/v1/chat/completions", mockHeaders(), chatBody("finish me", "mock-gpt@latency=1000")));
    QTRY_COMPARE_WITH_TIMEOUT(inFlight(port), 1, 3000);

    QElapsedTimer t;
    t.start();
    gh.signal(SIGTERM);
    const auto r = c.readResponse(5000);
    QVERIFY2(r, gh.err().constData());
    QCOMPARE(r->status, 200);
    QCOMPARE(r->json()["choices"][0]["message"]["content"].get<std::string>(), std::string("Mock reply to: finish me"));
    QVERIFY(gh.waitForExit(5000));
    QCOMPARE(gh.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(gh.process().exitCode(), 0);
    QVERIFY2(t.elapsed() >= 500, qPrintable(QString::number(t.elapsed())));   // it waited for the answer
    QVERIFY2(gh.err().contains("shutting down") && gh.err().contains("stopped"), gh.err().constData());
}

void TestHeadlessProcess::secondSignalExitsAtOnce()
{
    GatehouseProcess gh;
    gh.startHeadless({QStringLiteral("--port"), QStringLiteral("0")});
    const quint16 port = gh.waitForPort();
    QVERIFY2(port != 0, gh.err().constData());
    RawHttpClient c;
    QVERIFY(c.connectTo(port));
    c.send(httpRequest("POST", "/v1/chat/completions", mockHeaders(), chatBody("never", "mock-gpt@latency=20000")));
    QTRY_COMPARE_WITH_TIMEOUT(inFlight(port), 1, 3000);

    gh.signal(SIGTERM);
    QVERIFY(gh.waitForStderr("shutting down", 3000));
    QElapsedTimer t;
    t.start();
    gh.signal(SIGINT);
    QVERIFY(gh.waitForExit(3000));
    QVERIFY2(t.elapsed() < 2000, qPrintable(QString::number(t.elapsed())));
    QCOMPARE(gh.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(gh.process().exitCode(), 130);
    QVERIFY(gh.err().contains("second signal"));
}

void TestHeadlessProcess::invalidPortExitsWith2()
{
    GatehouseProcess gh;
    gh.start({QStringLiteral("--headless"), QStringLiteral("--port"), QStringLiteral("99999")});
    QVERIFY(gh.waitForExit(5000));
    QCOMPARE(gh.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(gh.process().exitCode(), 2);
    QVERIFY2(gh.err().contains("--port") && gh.err().contains("99999"), gh.err().constData());
    QVERIFY(gh.out().isEmpty());
}

void TestHeadlessProcess::portInUseExitsWith1()
{
    QTcpServer occupier;
    QVERIFY(occupier.listen(QHostAddress::LocalHost, 0));
    const QString port = QString::number(occupier.serverPort());
    GatehouseProcess gh;
    gh.startHeadless({QStringLiteral("--port"), port});
    QVERIFY(gh.waitForExit(5000));
    QCOMPARE(gh.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(gh.process().exitCode(), 1);
    QVERIFY2(gh.err().contains("could not start") && gh.err().contains(port.toUtf8())
                 && gh.err().contains("Address already in use"),
             gh.err().constData());
}

void TestHeadlessProcess::portHeldByAnotherGatehouseExitsWith1()
{
    GatehouseProcess first;
    first.startHeadless({QStringLiteral("--port"), QStringLiteral("0")});
    const quint16 port = first.waitForPort();
    QVERIFY2(port != 0, first.err().constData());

    GatehouseProcess second;
    second.startHeadless({QStringLiteral("--port"), QString::number(port)});
    const quint16 secondPort = second.waitForPort(5000);   // 0 when it exited as it should
    const bool exited = second.waitForExit(secondPort != 0 ? 100 : 5000);
    QVERIFY2(exited && secondPort == 0 && second.process().exitCode() == 1,
             qPrintable(QStringLiteral("second gatehouse: exited=%1 port file=%2 stderr=%3")
                            .arg(exited).arg(secondPort).arg(QString::fromUtf8(second.err()))));
    QVERIFY2(second.err().contains("Address already in use"), second.err().constData());
    second.signal(SIGTERM);
    first.signal(SIGTERM);
    QVERIFY(second.waitForExit(5000));
    QVERIFY(first.waitForExit(5000));
    QCOMPARE(first.process().exitCode(), 0);
}

QTEST_GUILESS_MAIN(TestHeadlessProcess)
#include "tst_headless_process.moc"
