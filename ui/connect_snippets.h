#pragma once
// Ready-to-run client snippets for the Connect dialog: LangChain, the OpenAI SDKs, Portkey's SDK and
// curl, pointed at the running gateway. A pure function of its input, so tests can check (and run)
// exactly what the user copies. Option names follow each library: Python's createHeaders() takes
// snake_case (trace_id, virtual_key), the JavaScript one camelCase (traceID, virtualKey).

#include <QList>
#include <QString>

namespace gatehouse {

enum class SnippetLanguage { LangChainPython, LangChainJs, OpenAiPython, OpenAiNode, PortkeyPython, PortkeyNode, Curl };

// How requests pick their upstream: a provider by id, a virtual key by slug, or a saved config by id.
enum class ConnectRoute { Provider, VirtualKey, Config };

struct SnippetInput {
    QString baseUrl;                  // the gateway's http://host:port ("/v1" is added)
    ConnectRoute route = ConnectRoute::Provider;
    QString routeValue;               // provider id, key slug or config id
    bool providerKeyNeeded = true;    // Provider route: the client sends the provider's key (from an env var)
    QString model = QStringLiteral("gpt-4o-mini");
    QString traceId;
    QString metadataJson;             // a JSON object, or empty for none
    bool gatewayKeyRequired = false;  // access control on: send x-portkey-api-key from GATEHOUSE_API_KEY
    QString prompt = QStringLiteral("Hello");
};

QList<SnippetLanguage> snippetLanguages();
QString snippetLanguageName(SnippetLanguage language);
// File suffix a snippet runs as: py, mjs or sh.
QString snippetFileSuffix(SnippetLanguage language);
QString connectSnippet(SnippetLanguage language, const SnippetInput& input);

// OPENAI_API_KEY for "openai", MISTRAL_AI_API_KEY for "mistral-ai": where a snippet reads the provider key.
QString providerKeyVariable(const QString& provider);
// The environment variable snippets read the gateway API key from.
QString gatewayKeyVariable();

} // namespace gatehouse
