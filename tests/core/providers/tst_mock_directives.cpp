// parseMockDirectives: how a request steers the offline mock provider (model suffix or metadata).
#include "providers/mock_directives.h"

#include <QTest>

using gatehouse::ApiError;
using gatehouse::HeaderList;
using gatehouse::MockDirectives;
using gatehouse::parseMockDirectives;

using Metadata = std::map<std::string, std::string>;
Q_DECLARE_METATYPE(Metadata)

namespace {

QByteArray describe(const std::variant<MockDirectives, ApiError>& v)
{
    if (const auto* e = std::get_if<ApiError>(&v))
        return "ApiError " + QByteArray::number(e->status) + " " + e->toJson();
    return "MockDirectives";
}

} // namespace

#define PARSE_OK(d, model, metadata)                                                          \
    const auto d##_result = parseMockDirectives(model, metadata);                             \
    QVERIFY2(std::holds_alternative<MockDirectives>(d##_result), describe(d##_result).constData()); \
    const MockDirectives& d = std::get<MockDirectives>(d##_result)

class TestMockDirectives : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void plainModelGivesDefaults();
    void modelSuffix();
    void longKeyNames();
    void metadataDirectives();
    void metadataBeatsModel();
    void otherMetadataIgnored();
    void badValues_data();
    void badValues();
    void headersRoundTrip();
};

void TestMockDirectives::plainModelGivesDefaults()
{
    PARSE_OK(d, "gpt-4o", nullptr);
    QCOMPARE(d.status, 200);
    QCOMPARE(d.latencyMs, 0);
    QCOMPARE(d.gapMs, 0);
    QCOMPARE(d.breakAfter, -1);
}

void TestMockDirectives::modelSuffix()
{
    PARSE_OK(d, "gpt@status=503,latency=20,gap=5,break=2", nullptr);
    QCOMPARE(d.status, 503);
    QCOMPARE(d.latencyMs, 20);
    QCOMPARE(d.gapMs, 5);
    QCOMPARE(d.breakAfter, 2);

    PARSE_OK(one, "gpt-4o-mini@status=429", nullptr);
    QCOMPARE(one.status, 429);
    QCOMPARE(one.latencyMs, 0);
    QCOMPARE(one.breakAfter, -1);
}

void TestMockDirectives::longKeyNames()
{
    PARSE_OK(d, "m@latency_ms=7,gap_ms=8,break_after=0", nullptr);
    QCOMPARE(d.latencyMs, 7);
    QCOMPARE(d.gapMs, 8);
    QCOMPARE(d.breakAfter, 0);
}

void TestMockDirectives::metadataDirectives()
{
    const Metadata md = {{"mock_status", "500"}, {"mock_latency_ms", "150"}, {"mock_gap_ms", "3"}, {"mock_break_after", "4"}};
    PARSE_OK(d, "gpt-4o", &md);
    QCOMPARE(d.status, 500);
    QCOMPARE(d.latencyMs, 150);
    QCOMPARE(d.gapMs, 3);
    QCOMPARE(d.breakAfter, 4);
}

void TestMockDirectives::metadataBeatsModel()
{
    const Metadata md = {{"mock_status", "502"}};
    PARSE_OK(d, "gpt@status=503,latency=20", &md);
    QCOMPARE(d.status, 502);
    QCOMPARE(d.latencyMs, 20);
}

void TestMockDirectives::otherMetadataIgnored()
{
    const Metadata md = {{"_user", "u1"}, {"status", "abc"}, {"env", "prod"}};
    PARSE_OK(d, "gpt-4o", &md);
    QCOMPARE(d.status, 200);
}

void TestMockDirectives::badValues_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<Metadata>("metadata");
    QTest::newRow("status=99") << QStringLiteral("gpt@status=99") << Metadata{};
    QTest::newRow("status=600") << QStringLiteral("gpt@status=600") << Metadata{};
    QTest::newRow("latency=abc") << QStringLiteral("gpt@latency=abc") << Metadata{};
    QTest::newRow("latency=-1") << QStringLiteral("gpt@latency=-1") << Metadata{};
    QTest::newRow("latency=10ms") << QStringLiteral("gpt@latency=10ms") << Metadata{};
    QTest::newRow("latency empty") << QStringLiteral("gpt@latency=") << Metadata{};
    QTest::newRow("unknown key") << QStringLiteral("gpt@speed=3") << Metadata{};
    QTest::newRow("no value") << QStringLiteral("gpt@status") << Metadata{};
    QTest::newRow("metadata bad status") << QStringLiteral("gpt") << Metadata{{"mock_status", "abc"}};
    QTest::newRow("metadata unknown key") << QStringLiteral("gpt") << Metadata{{"mock_speed", "1"}};
    QTest::newRow("metadata out of range") << QStringLiteral("gpt") << Metadata{{"mock_gap_ms", "60001"}};
}

void TestMockDirectives::badValues()
{
    QFETCH(QString, model);
    QFETCH(Metadata, metadata);
    const auto result = parseMockDirectives(model.toStdString(), &metadata);
    const auto* e = std::get_if<ApiError>(&result);
    QVERIFY2(e, "expected an ApiError");
    QCOMPARE(e->status, 400);
    QCOMPARE(e->code, QStringLiteral("invalid_mock_directive"));
    QVERIFY(!e->message.isEmpty());
}

void TestMockDirectives::headersRoundTrip()
{
    PARSE_OK(d, "gpt@status=418,latency=1,gap=2,break=3", nullptr);
    HeaderList headers;
    d.appendHeaders(headers);
    const MockDirectives back = MockDirectives::fromHeaders(headers);
    QCOMPARE(back.status, 418);
    QCOMPARE(back.latencyMs, 1);
    QCOMPARE(back.gapMs, 2);
    QCOMPARE(back.breakAfter, 3);

    // Defaults survive the trip too (no break is -1, not 0).
    HeaderList defaults;
    MockDirectives{}.appendHeaders(defaults);
    QCOMPARE(MockDirectives::fromHeaders(defaults).breakAfter, -1);
    QCOMPARE(MockDirectives::fromHeaders({}).status, 200);
}

QTEST_GUILESS_MAIN(TestMockDirectives)
#include "tst_mock_directives.moc"
