// ApiError: the gateway's own errors in OpenAI's shape, which SDKs parse to raise typed exceptions.
#include "pipeline/api_error.h"

#include <QTest>

#include <nlohmann/json.hpp>

using gatehouse::ApiError;
using json = nlohmann::json;

namespace {

json parsed(const ApiError& e)
{
    const QByteArray raw = e.toJson();
    return json::parse(raw.constBegin(), raw.constEnd(), nullptr, false);
}

QString dumped(const json& j) { return QString::fromStdString(j.dump()); }

} // namespace

class TestApiError : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fullShape();
    void emptyParamAndCodeAreNull();
    void messageIsEscaped();
    void factoriesSetStatusAndType_data();
    void factoriesSetStatusAndType();
};

void TestApiError::fullShape()
{
    const ApiError e = ApiError::badRequest(QStringLiteral("Bad header."), QStringLiteral("invalid_metadata"),
                                            QStringLiteral("x-portkey-metadata"));
    QCOMPARE(e.status, 400);
    const json j = parsed(e);
    QVERIFY(j.is_object());
    QCOMPARE(j.size(), std::size_t(1));
    const json& err = j.at("error");
    QCOMPARE(err.size(), std::size_t(4));
    QCOMPARE(dumped(err), dumped(json{{"message", "Bad header."}, {"type", "invalid_request_error"},
                                      {"param", "x-portkey-metadata"}, {"code", "invalid_metadata"}}));
}

void TestApiError::emptyParamAndCodeAreNull()
{
    const json err = parsed(ApiError::badRequest(QStringLiteral("No."))).at("error");
    QCOMPARE(err.size(), std::size_t(4));
    QVERIFY(err.contains("param"));
    QVERIFY(err.contains("code"));
    QVERIFY(err.at("param").is_null());
    QVERIFY(err.at("code").is_null());
    QCOMPARE(QString::fromStdString(err.at("message").get<std::string>()), QStringLiteral("No."));
    QCOMPARE(QString::fromStdString(err.at("type").get<std::string>()), QStringLiteral("invalid_request_error"));
}

void TestApiError::messageIsEscaped()
{
    const QString message = QStringLiteral("Unknown provider \"o\\pen\"\n\u00e9\u4e2d {}");
    const json j = parsed(ApiError::badRequest(message));
    QVERIFY(!j.is_discarded());
    QCOMPARE(QString::fromStdString(j.at("error").at("message").get<std::string>()), message);
}

void TestApiError::factoriesSetStatusAndType_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("expectedStatus");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("json");
    const struct {
        const char* tag;
        ApiError e;
        int status;
        const char* type;
        const char* code;
    } rows[] = {
        {"notFound", ApiError::notFound(QStringLiteral("m")), 404, "invalid_request_error", "not_found"},
        {"methodNotAllowed", ApiError::methodNotAllowed(QStringLiteral("m")), 405, "invalid_request_error", "method_not_allowed"},
        {"unauthorized", ApiError::unauthorized(QStringLiteral("m"), QStringLiteral("missing_api_key")), 401, "authentication_error", "missing_api_key"},
        {"badGateway", ApiError::badGateway(QStringLiteral("m"), QStringLiteral("upstream_unreachable")), 502, "upstream_error", "upstream_unreachable"},
        {"timeout 504", ApiError::timeout(504, QStringLiteral("m")), 504, "timeout_error", "timeout"},
        {"timeout 408", ApiError::timeout(408, QStringLiteral("m")), 408, "timeout_error", "timeout"},
        {"internal", ApiError::internal(QStringLiteral("m")), 500, "server_error", "internal_error"},
        {"unavailable", ApiError::unavailable(QStringLiteral("m")), 503, "server_error", "unavailable"},
    };
    for (const auto& r : rows)
        QTest::newRow(r.tag) << r.e.status << r.status << QString::fromUtf8(r.type) << QString::fromUtf8(r.code)
                             << QString::fromUtf8(r.e.toJson());
}

void TestApiError::factoriesSetStatusAndType()
{
    QFETCH(int, status);
    QFETCH(int, expectedStatus);
    QFETCH(QString, type);
    QFETCH(QString, code);
    QFETCH(QString, json);
    QCOMPARE(status, expectedStatus);
    const QByteArray raw = json.toUtf8();
    const auto j = nlohmann::json::parse(raw.constBegin(), raw.constEnd(), nullptr, false);
    QVERIFY(!j.is_discarded());
    const auto& err = j.at("error");
    QCOMPARE(QString::fromStdString(err.at("type").get<std::string>()), type);
    QCOMPARE(QString::fromStdString(err.at("code").get<std::string>()), code);
    QVERIFY(err.at("param").is_null());
}

QTEST_GUILESS_MAIN(TestApiError)
#include "tst_api_error.moc"
