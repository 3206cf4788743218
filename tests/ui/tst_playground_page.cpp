// The Playground against a real gateway (mock provider) on loopback: a streamed answer appears while
// it streams and in full at the end, a plain answer too, the x-portkey-* headers and status are
// shown, an unknown provider shows the gateway's OpenAI-shaped error message, Stop ends a stream,
// and "Show in Logs" names the request's trace.

#include "integration_support.h"
#include "pages/playground_page.h"
#include "pipeline/gateway_access.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTest>

using namespace gatehouse;
using namespace gatehouse::itest;

namespace {

QString screenshotDir()
{
    const QString env = qEnvironmentVariable("GATEHOUSE_SCREENSHOT_DIR");
    return env.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::TempLocation) : env;
}

} // namespace

class TestPlaygroundPage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void streamedAnswerArrivesInPieces();
    void plainAnswer();
    void unknownProviderShowsTheError();
    void badMetadataIsRefusedBeforeSending();
    void stopEndsAStream();
    void notRunningGateway();
    void accessControlUsesTheWindowsKey();

private:
    bool sendAndWait(PlaygroundPage& page, int timeoutMs = 10'000);
    GatewayHarness gw_;
};

void TestPlaygroundPage::initTestCase()
{
    QVERIFY(gw_.start());
}

bool TestPlaygroundPage::sendAndWait(PlaygroundPage& page, int timeoutMs)
{
    QSignalSpy done(&page, &PlaygroundPage::finished);
    page.sendButton()->click();
    return done.count() > 0 || done.wait(timeoutMs);
}

void TestPlaygroundPage::streamedAnswerArrivesInPieces()
{
    PlaygroundPage page(&gw_.service());
    page.resize(1100, 650);
    page.show();
    QCOMPARE(page.routeValueCombo()->currentText(), QStringLiteral("mock"));
    page.modelEdit()->setText(QStringLiteral("mock-gpt@gap=80"));
    page.userEdit()->setPlainText(QStringLiteral("tell me about gateways and their many uses"));
    page.metadataEdit()->setText(QStringLiteral("{\"env\": \"playground\"}"));
    QVERIFY(page.streamBox()->isChecked());
    QSignalSpy done(&page, &PlaygroundPage::finished);
    page.sendButton()->click();
    QVERIFY(page.isBusy());
    QVERIFY(page.stopButton()->isEnabled());
    // Part of the answer is on screen while the stream still runs.
    QTRY_VERIFY_WITH_TIMEOUT(!page.answerText().isEmpty() && page.isBusy(), 10'000);
    QVERIFY(page.answerText() != QStringLiteral("Mock reply to: tell me about gateways and their many uses"));
    QVERIFY(done.wait(10'000));
    QCOMPARE(page.answerText(), QStringLiteral("Mock reply to: tell me about gateways and their many uses"));
    QVERIFY2(page.errorText().isEmpty(), qPrintable(page.errorText()));
    QVERIFY2(page.statusText().startsWith(QStringLiteral("200 OK")), qPrintable(page.statusText()));
    QVERIFY(page.headersText().contains(QStringLiteral("x-portkey-provider: mock")));
    QVERIFY(page.headersText().contains(QStringLiteral("x-portkey-request-id: ") + page.lastRequestId()));
    QVERIFY(!page.lastRequestId().isEmpty());
    QVERIFY(page.logsButton()->isEnabled());
    QVERIFY(!page.stopButton()->isEnabled());

    // The gateway saw exactly what the page sent.
    QVERIFY(gw_.waitForRecords(1));
    QVERIFY(QTest::qWaitFor([&] { return gw_.recordByTrace(page.lastTraceId()) != nullptr; }, 3000));
    const RequestRecord* r = gw_.recordByTrace(page.lastTraceId());
    QCOMPARE(r->requestId, page.lastRequestId());
    QVERIFY(r->stream);
    QVERIFY(r->metadata.count("env") && r->metadata.at("env") == "playground");

    QSignalSpy logs(&page, &PlaygroundPage::showInLogs);
    page.logsButton()->click();
    QCOMPARE(logs.count(), 1);
    QCOMPARE(logs.at(0).at(0).toString(), page.lastTraceId());
    page.grab().save(screenshotDir() + QStringLiteral("/playground_page.png"));
}

void TestPlaygroundPage::plainAnswer()
{
    PlaygroundPage page(&gw_.service());
    page.streamBox()->setChecked(false);
    page.systemEdit()->setPlainText(QStringLiteral("Be brief."));
    page.userEdit()->setPlainText(QStringLiteral("plain please"));
    page.maxTokensBox()->setValue(50);
    const auto body = nlohmann::json::parse(page.requestBody().toStdString());
    QVERIFY(body["messages"].size() == 2 && body["messages"][0]["role"] == "system");
    QVERIFY(body["max_tokens"] == 50);
    QVERIFY(!body.contains("stream") && !body.contains("temperature"));
    QVERIFY(sendAndWait(page));
    QCOMPARE(page.answerText(), QStringLiteral("Mock reply to: plain please"));
    QVERIFY(page.statusText().startsWith(QStringLiteral("200")));
    QVERIFY(page.headersText().contains(QStringLiteral("x-portkey-trace-id: ") + page.lastTraceId()));
}

void TestPlaygroundPage::unknownProviderShowsTheError()
{
    PlaygroundPage page(&gw_.service());
    page.routeValueCombo()->setCurrentText(QStringLiteral("no-such-provider"));
    for (bool stream : {true, false}) {
        page.streamBox()->setChecked(stream);
        QVERIFY(sendAndWait(page));
        QVERIFY2(page.errorText().startsWith(QStringLiteral("Error 400: ")), qPrintable(page.errorText()));
        QVERIFY2(page.errorText().contains(QStringLiteral("no-such-provider")), qPrintable(page.errorText()));
        QVERIFY(!page.errorText().contains(QStringLiteral("{\"error\"")));   // the message, not the JSON
        QVERIFY(page.answerText().isEmpty());
        QVERIFY(page.statusText().startsWith(QStringLiteral("400")));
    }
}

void TestPlaygroundPage::badMetadataIsRefusedBeforeSending()
{
    PlaygroundPage page(&gw_.service());
    page.metadataEdit()->setText(QStringLiteral("[1,2]"));
    QVERIFY(sendAndWait(page));
    QVERIFY(page.errorText().contains(QStringLiteral("Metadata must be a JSON object")));
    QVERIFY(!page.isBusy());
}

void TestPlaygroundPage::stopEndsAStream()
{
    PlaygroundPage page(&gw_.service());
    page.modelEdit()->setText(QStringLiteral("mock-gpt@gap=300"));
    page.userEdit()->setPlainText(QStringLiteral("a long answer with many words to stream slowly"));
    QSignalSpy done(&page, &PlaygroundPage::finished);
    page.sendButton()->click();
    QTRY_VERIFY_WITH_TIMEOUT(!page.answerText().isEmpty(), 10'000);
    page.stopButton()->click();
    QVERIFY(done.count() > 0 || done.wait(5000));
    QVERIFY(!page.isBusy());
    QVERIFY2(page.statusText().endsWith(QStringLiteral("stopped")), qPrintable(page.statusText()));
    QVERIFY(page.answerText().size() < QStringLiteral("Mock reply to: a long answer with many words to stream slowly").size());
    QVERIFY(page.sendButton()->isEnabled());
}

void TestPlaygroundPage::notRunningGateway()
{
    GatewayService stopped;
    PlaygroundPage page(&stopped);
    QVERIFY(sendAndWait(page));
    QVERIFY(page.errorText().contains(QStringLiteral("not running")));
}

// With gateway API keys on, the window sends its own in-memory key, so the Playground works without
// the user pasting one; a wrong key the user types is refused like any client's, and other clients
// still need a real key.
void TestPlaygroundPage::accessControlUsesTheWindowsKey()
{
    GatewaySettings settings = testSettings();
    settings.apiKeyDigests = {gatewayKeyDigest("gk-team-key")};
    GatewayHarness gw;
    QVERIFY(gw.start(settings));
    QVERIFY(gw.service().accessControlOn());
    QVERIFY(gw.service().consoleKey().startsWith("gh-console-"));
    PlaygroundPage page(&gw.service());
    page.streamBox()->setChecked(false);
    page.userEdit()->setPlainText(QStringLiteral("may I?"));
    QVERIFY(sendAndWait(page));
    QVERIFY2(page.statusText().startsWith(QStringLiteral("200")), qPrintable(page.statusText() + page.errorText()));
    QCOMPARE(page.answerText(), QStringLiteral("Mock reply to: may I?"));

    page.findChild<QLineEdit*>(QStringLiteral("gatewayKey"))->setText(QStringLiteral("gk-wrong"));
    QVERIFY(sendAndWait(page));
    QVERIFY2(page.statusText().startsWith(QStringLiteral("401")), qPrintable(page.statusText()));

    const auto outsider = roundTrip(gw.port(), httpRequest("POST", "/v1/chat/completions", mockHeaders(), chatBody("me too", "mock-gpt")));
    QVERIFY(outsider && outsider->status == 401);
    const auto team = roundTrip(gw.port(), httpRequest("POST", "/v1/chat/completions", mockHeaders({{"x-portkey-api-key", "gk-team-key"}}),
                                                       chatBody("me too", "mock-gpt")));
    QVERIFY(team && team->status == 200);
}

QTEST_MAIN(TestPlaygroundPage)
#include "tst_playground_page.moc"
