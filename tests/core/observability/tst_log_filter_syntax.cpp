// The filter text of the Logs page and `logs export --filter`: fields, free text, quoting, times,
// and errors that point at the offending token.
#include "observability/log_filter_syntax.h"

#include <QTest>
#include <QTimeZone>

using namespace gatehouse;

namespace {
const QDateTime kNow(QDate(2026, 11, 25), QTime(12, 0), Qt::UTC);
}

class TestLogFilterSyntax : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void emptyMatchesEverything();
    void fieldsAndText();
    void quotedValuesAndPhrases();
    void statusForms_data();
    void statusForms();
    void times();
    void errorsPointAtTheToken_data();
    void errorsPointAtTheToken();
};

void TestLogFilterSyntax::emptyMatchesEverything()
{
    const LogFilterParse p = parseLogFilter(QStringLiteral("   "), kNow);
    QVERIFY(p.ok());
    QVERIFY(p.filter.provider.isEmpty() && p.filter.text.isEmpty() && !p.filter.from && !p.filter.status);
    QCOMPARE(p.filter.statusClass, StatusClass::Any);
}

void TestLogFilterSyntax::fieldsAndText()
{
    const LogFilterParse p = parseLogFilter(
        QStringLiteral("provider:openai refund  Model:gpt-4o-mini trace:run-42 config:pc-team key:team-openai meta.env:prod metadata._user:ada policy*"), kNow);
    QVERIFY2(p.ok(), qPrintable(p.error));
    QCOMPARE(p.filter.provider, QStringLiteral("openai"));
    QCOMPARE(p.filter.model, QStringLiteral("gpt-4o-mini"));
    QCOMPARE(p.filter.traceId, QStringLiteral("run-42"));
    QCOMPARE(p.filter.configId, QStringLiteral("pc-team"));
    QCOMPARE(p.filter.virtualKey, QStringLiteral("team-openai"));
    QCOMPARE(int(p.filter.metadata.size()), 2);
    QCOMPARE(p.filter.metadata[0], std::make_pair(QStringLiteral("env"), QStringLiteral("prod")));
    QCOMPARE(p.filter.metadata[1], std::make_pair(QStringLiteral("_user"), QStringLiteral("ada")));
    QCOMPARE(p.filter.text, QStringLiteral("refund policy*"));
}

void TestLogFilterSyntax::quotedValuesAndPhrases()
{
    const LogFilterParse p = parseLogFilter(QStringLiteral(R"(model:"my local model" "see: the docs" meta.team:"a b")"), kNow);
    QVERIFY2(p.ok(), qPrintable(p.error));
    QCOMPARE(p.filter.model, QStringLiteral("my local model"));
    QCOMPARE(p.filter.text, QStringLiteral("see: the docs"));   // a colon inside quotes is text
    QCOMPARE(p.filter.metadata[0].second, QStringLiteral("a b"));
}

void TestLogFilterSyntax::statusForms_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("statusClass");
    QTest::newRow("code") << "status:429" << 429 << int(StatusClass::Any);
    QTest::newRow("no answer") << "status:0" << 0 << int(StatusClass::Any);
    QTest::newRow("2xx") << "status:2xx" << -1 << int(StatusClass::Success2xx);
    QTest::newRow("4XX") << "status:4XX" << -1 << int(StatusClass::ClientError4xx);
    QTest::newRow("5xx") << "status:5xx" << -1 << int(StatusClass::ServerError5xx);
    QTest::newRow("error") << "status:error" << -1 << int(StatusClass::Error);
}

void TestLogFilterSyntax::statusForms()
{
    QFETCH(QString, text);
    QFETCH(int, status);
    QFETCH(int, statusClass);
    const LogFilterParse p = parseLogFilter(text, kNow);
    QVERIFY2(p.ok(), qPrintable(p.error));
    QCOMPARE(p.filter.status.value_or(-1), status);
    QCOMPARE(int(p.filter.statusClass), statusClass);
}

void TestLogFilterSyntax::times()
{
    const LogFilterParse ago = parseLogFilter(QStringLiteral("since:90m until:30s"), kNow);
    QVERIFY2(ago.ok(), qPrintable(ago.error));
    QCOMPARE(*ago.filter.from, kNow.addSecs(-90 * 60));
    QCOMPARE(*ago.filter.until, kNow.addSecs(-30));
    const LogFilterParse dates = parseLogFilter(QStringLiteral("since:2026-11-24 until:2026-11-24T18:30"), kNow);
    QVERIFY2(dates.ok(), qPrintable(dates.error));
    QCOMPARE(*dates.filter.from, QDateTime(QDate(2026, 11, 24), QTime(0, 0), Qt::UTC));
    QCOMPARE(*dates.filter.until, QDateTime(QDate(2026, 11, 24), QTime(18, 30), Qt::UTC));
    const LogFilterParse week = parseLogFilter(QStringLiteral("since:1w"), kNow);
    QCOMPARE(*week.filter.from, kNow.addDays(-7));
}

void TestLogFilterSyntax::errorsPointAtTheToken_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");
    QTest::addColumn<int>("start");
    QTest::addColumn<int>("length");
    QTest::newRow("unknown field") << "refund provder:openai" << "unknown field 'provder'" << 7 << 14;
    QTest::newRow("bad status") << "status:teapot" << "status takes a code" << 0 << 13;
    QTest::newRow("status out of range") << "status:700" << "status takes a code" << 0 << 10;
    QTest::newRow("no value") << "model: x" << "'model:' needs a value" << 0 << 6;
    QTest::newRow("bad time") << "since:yesterday" << "since takes a duration" << 0 << 15;
    QTest::newRow("unclosed quote") << "model:\"abc" << "unclosed quote" << 0 << 10;
    QTest::newRow("meta without key") << "meta.:x" << "needs a key" << 0 << 7;
    QTest::newRow("reversed range") << "since:1h until:2h" << "since must be before until" << -1 << 0;
}

void TestLogFilterSyntax::errorsPointAtTheToken()
{
    QFETCH(QString, text);
    QFETCH(QString, message);
    QFETCH(int, start);
    QFETCH(int, length);
    const LogFilterParse p = parseLogFilter(text, kNow);
    QVERIFY(!p.ok());
    QVERIFY2(p.error.contains(message), qPrintable(p.error));
    QCOMPARE(p.errorStart, start);
    QCOMPARE(p.errorLength, length);
}

QTEST_GUILESS_MAIN(TestLogFilterSyntax)
#include "tst_log_filter_syntax.moc"
