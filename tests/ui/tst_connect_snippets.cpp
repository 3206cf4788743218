// The Connect dialog's snippets as text: each language carries the base URL, the route (provider,
// virtual key or config), the trace id and metadata under the option names its library uses, and
// the gateway key only when access control is on. (tst_connect_snippets_run runs them.)

#include "connect_snippets.h"

#include <QTest>

using namespace gatehouse;

namespace {

SnippetInput sample(ConnectRoute route, const QString& value)
{
    SnippetInput in;
    in.baseUrl = QStringLiteral("http://127.0.0.1:9123");
    in.route = route;
    in.routeValue = value;
    in.providerKeyNeeded = route == ConnectRoute::Provider && value != QLatin1String("mock");
    in.model = QStringLiteral("gpt-4o-mini");
    in.traceId = QStringLiteral("run-abc123");
    in.metadataJson = QStringLiteral("{\"_user\": \"alice\", \"env\": \"dev\"}");
    return in;
}

} // namespace

class TestConnectSnippets : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everyLanguageHasUrlRouteTraceAndMetadata_data();
    void everyLanguageHasUrlRouteTraceAndMetadata();
    void optionNamesFollowEachLibrary();
    void providerKeyFromItsVariable();
    void gatewayKeyOnlyWithAccessControl();
    void quotesAreEscaped();
    void badMetadataIsLeftOut();
};

void TestConnectSnippets::everyLanguageHasUrlRouteTraceAndMetadata_data()
{
    QTest::addColumn<int>("language");
    QTest::addColumn<int>("route");
    QTest::addColumn<QString>("routeText");
    for (SnippetLanguage l : snippetLanguages()) {
        const QByteArray name = snippetLanguageName(l).toUtf8();
        QTest::newRow(name + " provider") << int(l) << int(ConnectRoute::Provider) << QStringLiteral("openai");
        QTest::newRow(name + " virtual key") << int(l) << int(ConnectRoute::VirtualKey) << QStringLiteral("openai-prod");
        QTest::newRow(name + " config") << int(l) << int(ConnectRoute::Config) << QStringLiteral("pc-team-fallback");
    }
}

void TestConnectSnippets::everyLanguageHasUrlRouteTraceAndMetadata()
{
    QFETCH(int, language);
    QFETCH(int, route);
    QFETCH(QString, routeText);
    const QString s = connectSnippet(SnippetLanguage(language), sample(ConnectRoute(route), routeText));
    QVERIFY2(s.contains(QStringLiteral("http://127.0.0.1:9123/v1")), qPrintable(s));
    QVERIFY2(s.contains(QLatin1Char('"') + routeText + QLatin1Char('"')) || s.contains(QStringLiteral(": ") + routeText + QLatin1Char('\'')),
             qPrintable(s));
    QVERIFY2(s.contains(QStringLiteral("run-abc123")), qPrintable(s));
    QVERIFY2(s.contains(QStringLiteral("alice")), qPrintable(s));
    QVERIFY2(!s.contains(QStringLiteral("GATEHOUSE_API_KEY")), qPrintable(s));
}

void TestConnectSnippets::optionNamesFollowEachLibrary()
{
    const SnippetInput vk = sample(ConnectRoute::VirtualKey, QStringLiteral("openai-prod"));
    const SnippetInput cfg = sample(ConnectRoute::Config, QStringLiteral("pc-x"));
    // Python createHeaders()/Portkey(): snake_case keywords.
    for (SnippetLanguage l : {SnippetLanguage::LangChainPython, SnippetLanguage::PortkeyPython}) {
        const QString s = connectSnippet(l, vk);
        QVERIFY2(s.contains(QStringLiteral("trace_id=\"run-abc123\"")), qPrintable(s));
        QVERIFY2(s.contains(QStringLiteral("virtual_key=\"openai-prod\"")), qPrintable(s));
        QVERIFY2(s.contains(QStringLiteral("metadata={\"_user\": \"alice\", \"env\": \"dev\"}")), qPrintable(s));
        QVERIFY2(connectSnippet(l, cfg).contains(QStringLiteral("config=\"pc-x\"")), qPrintable(s));
    }
    QVERIFY(connectSnippet(SnippetLanguage::LangChainPython, vk).contains(QStringLiteral("from portkey_ai import createHeaders")));
    QVERIFY(connectSnippet(SnippetLanguage::LangChainPython, vk).contains(QStringLiteral("default_headers=createHeaders(")));
    QVERIFY(connectSnippet(SnippetLanguage::PortkeyPython, vk).contains(QStringLiteral("base_url=\"http://127.0.0.1:9123/v1\"")));
    // JavaScript createHeaders()/Portkey: camelCase, traceID with capital ID.
    for (SnippetLanguage l : {SnippetLanguage::LangChainJs, SnippetLanguage::PortkeyNode}) {
        const QString s = connectSnippet(l, vk);
        QVERIFY2(s.contains(QStringLiteral("traceID: \"run-abc123\"")), qPrintable(s));
        QVERIFY2(s.contains(QStringLiteral("virtualKey: \"openai-prod\"")), qPrintable(s));
        QVERIFY2(s.contains(QStringLiteral("metadata: { \"_user\": \"alice\", \"env\": \"dev\" }")), qPrintable(s));
        QVERIFY2(s.contains(QStringLiteral("baseURL: \"http://127.0.0.1:9123/v1\"")), qPrintable(s));
    }
    QVERIFY(connectSnippet(SnippetLanguage::LangChainJs, vk).contains(QStringLiteral("defaultHeaders: createHeaders({")));
    // The OpenAI SDKs get raw headers, metadata as a JSON string.
    const QString py = connectSnippet(SnippetLanguage::OpenAiPython, vk);
    QVERIFY2(py.contains(QStringLiteral("\"x-portkey-virtual-key\": \"openai-prod\"")), qPrintable(py));
    QVERIFY2(py.contains(QStringLiteral("\"x-portkey-metadata\": json.dumps({")), qPrintable(py));
    QVERIFY2(py.startsWith(QStringLiteral("import json\n")), qPrintable(py));
    const QString node = connectSnippet(SnippetLanguage::OpenAiNode, vk);
    QVERIFY2(node.contains(QStringLiteral("\"x-portkey-trace-id\": \"run-abc123\"")), qPrintable(node));
    QVERIFY2(node.contains(QStringLiteral("\"x-portkey-metadata\": JSON.stringify({")), qPrintable(node));
    const QString curl = connectSnippet(SnippetLanguage::Curl, cfg);
    QVERIFY2(curl.contains(QStringLiteral("-H 'x-portkey-config: pc-x'")), qPrintable(curl));
    QVERIFY2(curl.contains(QStringLiteral("-H 'x-portkey-metadata: {\"_user\":\"alice\",\"env\":\"dev\"}'")), qPrintable(curl));
}

void TestConnectSnippets::providerKeyFromItsVariable()
{
    QCOMPARE(providerKeyVariable(QStringLiteral("mistral-ai")), QStringLiteral("MISTRAL_AI_API_KEY"));
    const SnippetInput openai = sample(ConnectRoute::Provider, QStringLiteral("openai"));
    QVERIFY(connectSnippet(SnippetLanguage::LangChainPython, openai).contains(QStringLiteral("api_key=os.environ[\"OPENAI_API_KEY\"]")));
    QVERIFY(connectSnippet(SnippetLanguage::LangChainPython, openai).startsWith(QStringLiteral("import os\n")));
    QVERIFY(connectSnippet(SnippetLanguage::OpenAiNode, openai).contains(QStringLiteral("apiKey: process.env.OPENAI_API_KEY")));
    QVERIFY(connectSnippet(SnippetLanguage::PortkeyNode, openai).contains(QStringLiteral("Authorization: `Bearer ${process.env.OPENAI_API_KEY}`")));
    QVERIFY(connectSnippet(SnippetLanguage::Curl, openai).contains(QStringLiteral("-H \"Authorization: Bearer $OPENAI_API_KEY\"")));
    // Keyless routes send a placeholder the SDKs accept and send no Authorization from curl.
    const SnippetInput mock = sample(ConnectRoute::Provider, QStringLiteral("mock"));
    QVERIFY(connectSnippet(SnippetLanguage::OpenAiNode, mock).contains(QStringLiteral("apiKey: \"unused\"")));
    QVERIFY(!connectSnippet(SnippetLanguage::Curl, mock).contains(QStringLiteral("Authorization")));
    QVERIFY(!connectSnippet(SnippetLanguage::OpenAiPython, mock).contains(QStringLiteral("import os")));
}

void TestConnectSnippets::gatewayKeyOnlyWithAccessControl()
{
    SnippetInput in = sample(ConnectRoute::Provider, QStringLiteral("mock"));
    in.gatewayKeyRequired = true;
    QVERIFY(connectSnippet(SnippetLanguage::LangChainPython, in).contains(QStringLiteral("api_key=os.environ[\"GATEHOUSE_API_KEY\"]")));
    QVERIFY(connectSnippet(SnippetLanguage::LangChainJs, in).contains(QStringLiteral("apiKey: process.env.GATEHOUSE_API_KEY")));
    QVERIFY(connectSnippet(SnippetLanguage::OpenAiNode, in).contains(QStringLiteral("\"x-portkey-api-key\": process.env.GATEHOUSE_API_KEY")));
    QVERIFY(connectSnippet(SnippetLanguage::Curl, in).contains(QStringLiteral("-H \"x-portkey-api-key: $GATEHOUSE_API_KEY\"")));
    const QString pk = connectSnippet(SnippetLanguage::PortkeyNode, in);
    QVERIFY2(pk.contains(QStringLiteral("apiKey: process.env.GATEHOUSE_API_KEY")), qPrintable(pk));
    QVERIFY2(!pk.contains(QStringLiteral("\"local\"")), qPrintable(pk));
    in.gatewayKeyRequired = false;
    QVERIFY(connectSnippet(SnippetLanguage::PortkeyNode, in).contains(QStringLiteral("apiKey: \"local\"")));
}

void TestConnectSnippets::quotesAreEscaped()
{
    SnippetInput in = sample(ConnectRoute::Provider, QStringLiteral("mock"));
    in.traceId = QStringLiteral("it's \"quoted\"");
    const QString curl = connectSnippet(SnippetLanguage::Curl, in);
    QVERIFY2(curl.contains(QStringLiteral("-H 'x-portkey-trace-id: it'\\''s \"quoted\"'")), qPrintable(curl));
    QVERIFY(connectSnippet(SnippetLanguage::OpenAiNode, in).contains(QStringLiteral("\"it's \\\"quoted\\\"\"")));
    in.metadataJson = QStringLiteral("{\"flag\": true, \"n\": null}");
    QVERIFY(connectSnippet(SnippetLanguage::PortkeyPython, in).contains(QStringLiteral("metadata={\"flag\": True, \"n\": None}")));
}

void TestConnectSnippets::badMetadataIsLeftOut()
{
    SnippetInput in = sample(ConnectRoute::Provider, QStringLiteral("mock"));
    in.metadataJson = QStringLiteral("[1, 2");
    for (SnippetLanguage l : snippetLanguages())
        QVERIFY(!connectSnippet(l, in).contains(QStringLiteral("metadata")));
}

QTEST_GUILESS_MAIN(TestConnectSnippets)
#include "tst_connect_snippets.moc"
