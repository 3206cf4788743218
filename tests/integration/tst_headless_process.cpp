// The real `gatehouse --headless` binary as scripts and CI run it: port file, /health, graceful
// SIGTERM that lets an in-flight request finish (exit 0), a second signal exits at once, and clear
// exit codes for bad flags and files (2) and a port that cannot be had (1).
// The binary comes from GATEHOUSE_BIN (set by CMake to $<TARGET_FILE:gatehouse>).

#include "integration_support.h"

#include "observability/log_query.h"

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
        env.insert(QStringLiteral("XDG_DATA_HOME"), dir_.filePath(QStringLiteral(".local/share")));   // the request log, per process
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
    // Where the request log goes by default for this process's HOME (XDG data folder).
    QString defaultLogPath() const { return dir_.filePath(QStringLiteral(".local/share/Gatehouse/gatehouse/requests.sqlite3")); }
    QString dir() const { return dir_.path(); }
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
    void unusableCaFileExitsWith2();
    void portInUseExitsWith1();
    void portHeldByAnotherGatehouseExitsWith1();
    void requestLogKeepsEveryAnsweredRequest();
    void requestLogCanGoWithoutBodiesOrAtAll();
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

void TestHeadlessProcess::unusableCaFileExitsWith2()
{
    QTemporaryDir dir;
    QFile notPem(dir.filePath(QStringLiteral("ca.pem")));
    QVERIFY(notPem.open(QIODevice::WriteOnly));
    notPem.write("this is not a certificate\n");
    notPem.close();
    for (const QString& path : {dir.filePath(QStringLiteral("missing.pem")), notPem.fileName()}) {
        GatehouseProcess gh;
        gh.startHeadless({QStringLiteral("--upstream-ca-file"), path});
        QVERIFY(gh.waitForExit(5000));
        QCOMPARE(gh.process().exitCode(), 2);
        QVERIFY2(gh.err().contains("--upstream-ca-file") && gh.err().contains(path.toUtf8()), gh.err().constData());
    }
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


// Every answered request is a row after a graceful stop, including the ones still in flight at
// SIGTERM, with the fields a user filters and traces by.
void TestHeadlessProcess::requestLogKeepsEveryAnsweredRequest()
{
    GatehouseProcess gh;
    gh.startHeadless({QStringLiteral("--port"), QStringLiteral("0")});
    const quint16 port = gh.waitForPort();
    QVERIFY2(port != 0, gh.err().constData());
    QVERIFY2(gh.err().contains("request log: " + gh.defaultLogPath().toUtf8()), gh.err().constData());

    int sent = 0;
    for (int i = 0; i < 20; ++i, ++sent) {
        const auto r = roundTrip(port, httpRequest("POST", "/v1/chat/completions",
                                                   mockHeaders({{"x-portkey-trace-id", "agent-run-7"},
                                                                {"x-portkey-span-id", QByteArray("step-") + QByteArray::number(i)},
                                                                {"x-portkey-parent-span-id", i ? QByteArray("step-0") : QByteArray()},
                                                                {"x-portkey-span-name", "llm call"},
                                                                {"x-portkey-metadata", R"({"_user":"ada","env":"test"})"}}),
                                                   R"({"model":"mock-gpt","temperature":0.25,"max_tokens":64,"messages":[{"role":"user","content":"alpha )"
                                                       + QByteArray::number(i) + R"("}]})"));
        QVERIFY(r && r->status == 200);
    }
    for (int i = 0; i < 5; ++i, ++sent) {
        const auto r = roundTrip(port, httpRequest("POST", "/v1/chat/completions",
                                                   mockHeaders({{"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}}),
                                                   chatBody(QStringLiteral("streamed %1").arg(i), QStringLiteral("mock-gpt"), true, true)));
        QVERIFY(r && r->status == 200);
    }
    for (int i = 0; i < 5; ++i, ++sent) {
        const auto r = roundTrip(port, httpRequest("POST", "/v1/chat/completions", mockHeaders(), chatBody(QStringLiteral("no"), QStringLiteral("mock-gpt@status=503"))));
        QVERIFY(r && r->status == 503);
    }
    RawHttpClient slow;   // still in flight when the signal comes
    QVERIFY(slow.connectTo(port));
    slow.send(httpRequest("POST", "/v1/chat/completions", mockHeaders(), chatBody("last one", "mock-gpt@latency=600")));
    ++sent;
    QTRY_COMPARE_WITH_TIMEOUT(inFlight(port), 1, 3000);
    gh.signal(SIGTERM);
    QVERIFY(slow.readResponse(5000));
    QVERIFY(gh.waitForExit(10000));
    QCOMPARE(gh.process().exitCode(), 0);

    gatehouse::LogReader reader;
    QString error;
    QVERIFY2(reader.open(gh.defaultLogPath(), &error), qPrintable(error));
    // the /health polls are requests too, but they are not logged
    gatehouse::LogFilter chats;
    QCOMPARE(reader.count(chats), qint64(sent));

    gatehouse::LogFilter trace;
    trace.traceId = QStringLiteral("agent-run-7");
    const gatehouse::LogPage page = reader.query(trace, 100);
    QCOMPARE(int(page.rows.size()), 20);
    for (const gatehouse::RequestRecord& r : page.rows) {
        QCOMPARE(r.spanName, QStringLiteral("llm call"));
        QVERIFY(r.spanId.startsWith(QStringLiteral("step-")));
        QCOMPARE(r.parentSpanId, r.spanId == QStringLiteral("step-0") ? QString() : QStringLiteral("step-0"));
        QCOMPARE(r.temperature, 0.25);
        QCOMPARE(r.maxTokens, 64);
        QCOMPARE(r.messagesCount, 1);
        QCOMPARE(r.toolsCount, -1);
        QCOMPARE(r.modelServed, QStringLiteral("mock-gpt"));
        QCOMPARE(r.finishReason, QStringLiteral("stop"));
        QCOMPARE(r.toolCalls, 0);
        QCOMPARE(r.metadata.at("_user"), std::string("ada"));
        QVERIFY(r.requestBody.contains("alpha"));
        QVERIFY(r.upstreamStartMs >= 0 && r.upstreamStartMs <= r.totalMs);
    }

    gatehouse::LogFilter w3c;
    w3c.traceId = QStringLiteral("4bf92f3577b34da6a3ce929d0e0e4736");   // the trace id a traceparent carries
    const gatehouse::LogPage streams = reader.query(w3c, 100);
    QCOMPARE(int(streams.rows.size()), 5);
    for (const gatehouse::RequestRecord& r : streams.rows) {
        QVERIFY(r.stream);
        QCOMPARE(r.parentSpanId, QStringLiteral("00f067aa0ba902b7"));
        QCOMPARE(r.traceparent, QStringLiteral("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
        QCOMPARE(r.finishReason, QStringLiteral("stop"));
        QVERIFY(r.firstTokenMs >= 0);
        QVERIFY(r.promptTokens > 0);
    }

    gatehouse::LogFilter errors;
    errors.statusClass = gatehouse::StatusClass::ServerError5xx;
    QCOMPARE(reader.count(errors), 5);
    gatehouse::LogFilter text;
    text.text = QStringLiteral("\"last one\"");
    QCOMPARE(reader.count(text), 1);   // the request still in flight at SIGTERM was stored too

    // The same log from the command line.
    auto runLogs = [&gh](const QStringList& args, QByteArray* out) {
        QProcess p;
        p.setProcessEnvironment(gh.process().processEnvironment());
        p.start(GatehouseProcess::binary(), QStringList{QStringLiteral("logs")} + args);
        if (!p.waitForFinished(20000))
            return -1;
        *out = p.readAllStandardOutput() + p.readAllStandardError();
        return p.exitCode();
    };
    QByteArray out;
    QCOMPARE(runLogs({QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("csv"), QStringLiteral("--filter"),
                      QStringLiteral("trace:agent-run-7 meta._user:ada")}, &out), 0);
    const QList<QByteArray> lines = out.trimmed().split('\n');
    QCOMPARE(lines.size(), 1 + 20);
    QVERIFY(lines[0].startsWith("received_at,request_id,trace_id,span_id"));
    QVERIFY2(lines[1].contains(",agent-run-7,step-"), lines[1].constData());
    QCOMPARE(runLogs({QStringLiteral("export"), QStringLiteral("--bodies"), QStringLiteral("--limit"), QStringLiteral("3"),
                      QStringLiteral("--filter"), QStringLiteral("status:503")}, &out), 0);
    const QList<QByteArray> jsonl = out.trimmed().split('\n');
    QCOMPARE(jsonl.size(), 3);
    for (const QByteArray& line : jsonl) {
        const auto j = nlohmann::json::parse(line.toStdString(), nullptr, false);
        QVERIFY2(j.is_object() && j.value("status", 0) == 503, line.constData());
        QVERIFY(j.value("request_body", std::string()).find("\"no\"") != std::string::npos);
    }
    QCOMPARE(runLogs({QStringLiteral("export"), QStringLiteral("--filter"), QStringLiteral("stauts:5xx")}, &out), 2);
    QVERIFY2(out.contains("unknown field 'stauts'"), out.constData());
}

void TestHeadlessProcess::requestLogCanGoWithoutBodiesOrAtAll()
{
    {
        GatehouseProcess gh;
        const QString dataDir = gh.dir() + QStringLiteral("/state");
        gh.startHeadless({QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--data-dir"), dataDir,
                          QStringLiteral("--no-log-bodies")});
        const quint16 port = gh.waitForPort();
        QVERIFY2(port != 0, gh.err().constData());
        const auto r = roundTrip(port, httpRequest("POST", "/v1/chat/completions", mockHeaders(), chatBody("a private question", "mock-gpt")));
        QVERIFY(r && r->status == 200);
        gh.signal(SIGTERM);
        QVERIFY(gh.waitForExit(10000));
        QVERIFY(!QFile::exists(gh.defaultLogPath()));
        gatehouse::LogReader reader;
        QString error;
        QVERIFY2(reader.open(dataDir + QStringLiteral("/requests.sqlite3"), &error), qPrintable(error));
        const gatehouse::LogPage page = reader.query({}, 10);
        QCOMPARE(int(page.rows.size()), 1);
        QVERIFY(page.rows[0].requestBody.isEmpty());
        QVERIFY(page.rows[0].responseBody.isEmpty());
        QCOMPARE(page.rows[0].finishReason, QStringLiteral("stop"));   // read before the body was dropped
    }
    GatehouseProcess gh;
    gh.startHeadless({QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--no-request-log")});
    const quint16 port = gh.waitForPort();
    QVERIFY2(port != 0, gh.err().constData());
    QVERIFY(roundTrip(port, httpRequest("POST", "/v1/chat/completions", mockHeaders(), chatBody("x", "mock-gpt"))));
    gh.signal(SIGTERM);
    QVERIFY(gh.waitForExit(10000));
    QVERIFY(!QFile::exists(gh.defaultLogPath()));
}

QTEST_GUILESS_MAIN(TestHeadlessProcess)
#include "tst_headless_process.moc"
