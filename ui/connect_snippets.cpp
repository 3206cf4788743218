#include "connect_snippets.h"

#include <nlohmann/json.hpp>

#include <QStringList>

namespace gatehouse {

namespace {

using nlohmann::json;

// A JSON string literal is also a valid Python and JavaScript string literal.
QString quoted(const QString& s)
{
    return QString::fromStdString(json(s.toStdString()).dump());
}

QString shellQuoted(const QString& s)
{
    QString out = s;
    out.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + out + QLatin1Char('\'');
}

// Python literal of a JSON value: the same text except true/false/null.
QString pythonLiteral(const json& v)
{
    if (v.is_object()) {
        QStringList parts;
        for (auto it = v.begin(); it != v.end(); ++it)
            parts << quoted(QString::fromStdString(it.key())) + QStringLiteral(": ") + pythonLiteral(it.value());
        return QLatin1Char('{') + parts.join(QStringLiteral(", ")) + QLatin1Char('}');
    }
    if (v.is_array()) {
        QStringList parts;
        for (const auto& e : v)
            parts << pythonLiteral(e);
        return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
    }
    if (v.is_boolean())
        return v.get<bool>() ? QStringLiteral("True") : QStringLiteral("False");
    if (v.is_null())
        return QStringLiteral("None");
    return QString::fromStdString(v.dump());
}

QString jsLiteral(const json& v)
{
    if (v.is_object()) {
        QStringList parts;
        for (auto it = v.begin(); it != v.end(); ++it)
            parts << quoted(QString::fromStdString(it.key())) + QStringLiteral(": ") + jsLiteral(it.value());
        return parts.isEmpty() ? QStringLiteral("{}") : QStringLiteral("{ ") + parts.join(QStringLiteral(", ")) + QStringLiteral(" }");
    }
    return QString::fromStdString(v.dump());
}

enum class Lang { Python, Js, Shell };

// One Portkey header and how each library spells it.
struct Header {
    QString name;       // x-portkey-trace-id
    QString pyName;     // trace_id (Python createHeaders / Portkey)
    QString jsName;     // traceID (JavaScript createHeaders / Portkey)
    QString value;      // plain string value
    json object;        // metadata: the object (value empty)
    QString envVar;     // value read from this environment variable instead
};

struct Parts {
    QString url;
    QString model;
    QString providerKeyVar;   // empty: the provider key is not needed ("unused" is sent)
    std::vector<Header> headers;
};

Parts partsOf(const SnippetInput& in)
{
    Parts p;
    QString base = in.baseUrl;
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    p.url = base.endsWith(QLatin1String("/v1")) ? base : base + QStringLiteral("/v1");
    p.model = in.model.isEmpty() ? QStringLiteral("gpt-4o-mini") : in.model;
    switch (in.route) {
    case ConnectRoute::Provider:
        p.headers.push_back({QStringLiteral("x-portkey-provider"), QStringLiteral("provider"), QStringLiteral("provider"), in.routeValue, {}, {}});
        if (in.providerKeyNeeded)
            p.providerKeyVar = providerKeyVariable(in.routeValue);
        break;
    case ConnectRoute::VirtualKey:
        p.headers.push_back({QStringLiteral("x-portkey-virtual-key"), QStringLiteral("virtual_key"), QStringLiteral("virtualKey"), in.routeValue, {}, {}});
        break;
    case ConnectRoute::Config:
        p.headers.push_back({QStringLiteral("x-portkey-config"), QStringLiteral("config"), QStringLiteral("config"), in.routeValue, {}, {}});
        break;
    }
    if (!in.traceId.isEmpty())
        p.headers.push_back({QStringLiteral("x-portkey-trace-id"), QStringLiteral("trace_id"), QStringLiteral("traceID"), in.traceId, {}, {}});
    if (!in.metadataJson.trimmed().isEmpty()) {
        const json meta = json::parse(in.metadataJson.toStdString(), nullptr, false);
        if (meta.is_object() && !meta.empty())
            p.headers.push_back({QStringLiteral("x-portkey-metadata"), QStringLiteral("metadata"), QStringLiteral("metadata"), {}, meta, {}});
    }
    if (in.gatewayKeyRequired)
        p.headers.push_back({QStringLiteral("x-portkey-api-key"), QStringLiteral("api_key"), QStringLiteral("apiKey"), {}, {}, gatewayKeyVariable()});
    return p;
}

QString env(Lang lang, const QString& var)
{
    switch (lang) {
    case Lang::Python: return QStringLiteral("os.environ[%1]").arg(quoted(var));
    case Lang::Js: return QStringLiteral("process.env.%1").arg(var);
    case Lang::Shell: return QStringLiteral("$") + var;
    }
    return {};
}

QString providerKey(Lang lang, const Parts& p)
{
    return p.providerKeyVar.isEmpty() ? quoted(QStringLiteral("unused")) : env(lang, p.providerKeyVar);
}

// The value as a keyword/option of createHeaders() or the Portkey client.
QString optionValue(Lang lang, const Header& h)
{
    if (!h.envVar.isEmpty())
        return env(lang, h.envVar);
    if (!h.object.is_null())
        return lang == Lang::Python ? pythonLiteral(h.object) : jsLiteral(h.object);
    return quoted(h.value);
}

// The value as a raw header (OpenAI SDKs' default headers): metadata is a JSON string.
QString headerValue(Lang lang, const Header& h)
{
    if (!h.object.is_null())
        return lang == Lang::Python ? QStringLiteral("json.dumps(%1)").arg(pythonLiteral(h.object))
                                    : QStringLiteral("JSON.stringify(%1)").arg(jsLiteral(h.object));
    return optionValue(lang, h);
}

bool hasMetadata(const Parts& p)
{
    for (const Header& h : p.headers)
        if (!h.object.is_null())
            return true;
    return false;
}

QString pythonImports(const Parts& p, bool needJson)
{
    QStringList lines;
    if (needJson && hasMetadata(p))
        lines << QStringLiteral("import json");
    bool needOs = !p.providerKeyVar.isEmpty();
    for (const Header& h : p.headers)
        needOs = needOs || !h.envVar.isEmpty();
    if (needOs)
        lines << QStringLiteral("import os");
    return lines.isEmpty() ? QString() : lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

QString createHeadersCall(Lang lang, const Parts& p, const QString& indent)
{
    QStringList args;
    for (const Header& h : p.headers) {
        if (lang == Lang::Python)
            args << indent + QStringLiteral("    %1=%2,").arg(h.pyName, optionValue(lang, h));
        else
            args << indent + QStringLiteral("  %1: %2,").arg(h.jsName, optionValue(lang, h));
    }
    if (lang == Lang::Python)
        return QStringLiteral("createHeaders(\n") + args.join(QLatin1Char('\n')) + QLatin1Char('\n') + indent + QLatin1Char(')');
    return QStringLiteral("createHeaders({\n") + args.join(QLatin1Char('\n')) + QLatin1Char('\n') + indent + QStringLiteral("})");
}

QString langChainPython(const SnippetInput& in, const Parts& p)
{
    return pythonImports(p, false)
         + QStringLiteral("from langchain_openai import ChatOpenAI\n"
                          "from portkey_ai import createHeaders\n\n"
                          "llm = ChatOpenAI(\n"
                          "    model=%1,\n"
                          "    api_key=%2,\n"
                          "    base_url=%3,\n"
                          "    default_headers=%4,\n"
                          ")\n"
                          "print(llm.invoke(%5).content)\n")
               .arg(quoted(p.model), providerKey(Lang::Python, p), quoted(p.url),
                    createHeadersCall(Lang::Python, p, QStringLiteral("    ")), quoted(in.prompt));
}

QString langChainJs(const SnippetInput& in, const Parts& p)
{
    return QStringLiteral("import { ChatOpenAI } from \"@langchain/openai\";\n"
                          "import { createHeaders } from \"portkey-ai\";\n\n"
                          "const llm = new ChatOpenAI({\n"
                          "  model: %1,\n"
                          "  apiKey: %2,\n"
                          "  configuration: {\n"
                          "    baseURL: %3,\n"
                          "    defaultHeaders: %4,\n"
                          "  },\n"
                          "});\n"
                          "console.log((await llm.invoke(%5)).content);\n")
        .arg(quoted(p.model), providerKey(Lang::Js, p), quoted(p.url),
             createHeadersCall(Lang::Js, p, QStringLiteral("    ")), quoted(in.prompt));
}

QString openAiPython(const SnippetInput& in, const Parts& p)
{
    QStringList headers;
    for (const Header& h : p.headers)
        headers << QStringLiteral("        %1: %2,").arg(quoted(h.name), headerValue(Lang::Python, h));
    return pythonImports(p, true)
         + QStringLiteral("from openai import OpenAI\n\n"
                          "client = OpenAI(\n"
                          "    base_url=%1,\n"
                          "    api_key=%2,\n"
                          "    default_headers={\n%3\n    },\n"
                          ")\n"
                          "completion = client.chat.completions.create(\n"
                          "    model=%4,\n"
                          "    messages=[{\"role\": \"user\", \"content\": %5}],\n"
                          ")\n"
                          "print(completion.choices[0].message.content)\n")
               .arg(quoted(p.url), providerKey(Lang::Python, p), headers.join(QLatin1Char('\n')), quoted(p.model),
                    quoted(in.prompt));
}

QString openAiNode(const SnippetInput& in, const Parts& p)
{
    QStringList headers;
    for (const Header& h : p.headers)
        headers << QStringLiteral("    %1: %2,").arg(quoted(h.name), headerValue(Lang::Js, h));
    return QStringLiteral("import OpenAI from \"openai\";\n\n"
                          "const client = new OpenAI({\n"
                          "  baseURL: %1,\n"
                          "  apiKey: %2,\n"
                          "  defaultHeaders: {\n%3\n  },\n"
                          "});\n"
                          "const completion = await client.chat.completions.create({\n"
                          "  model: %4,\n"
                          "  messages: [{ role: \"user\", content: %5 }],\n"
                          "});\n"
                          "console.log(completion.choices[0].message.content);\n")
        .arg(quoted(p.url), providerKey(Lang::Js, p), headers.join(QLatin1Char('\n')), quoted(p.model), quoted(in.prompt));
}

// Portkey's client sends its apiKey as x-portkey-api-key: the gateway key when access control is on,
// otherwise any text (the local gateway ignores it; set, it stops the SDK asking for PORTKEY_API_KEY).
QString portkeyPython(const SnippetInput& in, const Parts& p)
{
    QStringList args;
    args << QStringLiteral("    base_url=%1,").arg(quoted(p.url));
    bool keyDone = false;
    for (const Header& h : p.headers) {
        args << QStringLiteral("    %1=%2,").arg(h.pyName, optionValue(Lang::Python, h));
        keyDone = keyDone || h.pyName == QLatin1String("api_key");
    }
    if (!keyDone)
        args.insert(1, QStringLiteral("    api_key=%1,").arg(quoted(QStringLiteral("local"))));
    if (!p.providerKeyVar.isEmpty())
        args << QStringLiteral("    Authorization=\"Bearer \" + %1,").arg(env(Lang::Python, p.providerKeyVar));
    return pythonImports(p, false)
         + QStringLiteral("from portkey_ai import Portkey\n\n"
                          "portkey = Portkey(\n%1\n)\n"
                          "completion = portkey.chat.completions.create(\n"
                          "    model=%2,\n"
                          "    messages=[{\"role\": \"user\", \"content\": %3}],\n"
                          ")\n"
                          "print(completion.choices[0].message.content)\n")
               .arg(args.join(QLatin1Char('\n')), quoted(p.model), quoted(in.prompt));
}

QString portkeyNode(const SnippetInput& in, const Parts& p)
{
    QStringList args;
    args << QStringLiteral("  baseURL: %1,").arg(quoted(p.url));
    bool keyDone = false;
    for (const Header& h : p.headers) {
        args << QStringLiteral("  %1: %2,").arg(h.jsName, optionValue(Lang::Js, h));
        keyDone = keyDone || h.jsName == QLatin1String("apiKey");
    }
    if (!keyDone)
        args.insert(1, QStringLiteral("  apiKey: %1,").arg(quoted(QStringLiteral("local"))));
    if (!p.providerKeyVar.isEmpty())
        args << QStringLiteral("  Authorization: `Bearer ${%1}`,").arg(env(Lang::Js, p.providerKeyVar));
    return QStringLiteral("import { Portkey } from \"portkey-ai\";\n\n"
                          "const portkey = new Portkey({\n%1\n});\n"
                          "const completion = await portkey.chat.completions.create({\n"
                          "  model: %2,\n"
                          "  messages: [{ role: \"user\", content: %3 }],\n"
                          "});\n"
                          "console.log(completion.choices[0].message.content);\n")
        .arg(args.join(QLatin1Char('\n')), quoted(p.model), quoted(in.prompt));
}

QString curl(const SnippetInput& in, const Parts& p)
{
    QStringList lines;
    lines << QStringLiteral("curl %1/chat/completions").arg(p.url);
    lines << QStringLiteral("  -H 'Content-Type: application/json'");
    if (!p.providerKeyVar.isEmpty())
        lines << QStringLiteral("  -H \"Authorization: Bearer $%1\"").arg(p.providerKeyVar);
    for (const Header& h : p.headers) {
        if (!h.envVar.isEmpty())
            lines << QStringLiteral("  -H \"%1: $%2\"").arg(h.name, h.envVar);
        else if (!h.object.is_null())
            lines << QStringLiteral("  -H %1").arg(shellQuoted(h.name + QStringLiteral(": ") + QString::fromStdString(h.object.dump())));
        else
            lines << QStringLiteral("  -H %1").arg(shellQuoted(h.name + QStringLiteral(": ") + h.value));
    }
    const json body = {{"model", p.model.toStdString()},
                       {"messages", json::array({{{"role", "user"}, {"content", in.prompt.toStdString()}}})}};
    lines << QStringLiteral("  -d %1").arg(shellQuoted(QString::fromStdString(body.dump())));
    return lines.join(QStringLiteral(" \\\n")) + QLatin1Char('\n');
}

} // namespace

QList<SnippetLanguage> snippetLanguages()
{
    return {SnippetLanguage::LangChainPython, SnippetLanguage::LangChainJs, SnippetLanguage::OpenAiPython,
            SnippetLanguage::OpenAiNode, SnippetLanguage::PortkeyPython, SnippetLanguage::PortkeyNode, SnippetLanguage::Curl};
}

QString snippetLanguageName(SnippetLanguage language)
{
    switch (language) {
    case SnippetLanguage::LangChainPython: return QStringLiteral("LangChain (Python)");
    case SnippetLanguage::LangChainJs: return QStringLiteral("LangChain (JS)");
    case SnippetLanguage::OpenAiPython: return QStringLiteral("OpenAI (Python)");
    case SnippetLanguage::OpenAiNode: return QStringLiteral("OpenAI (Node)");
    case SnippetLanguage::PortkeyPython: return QStringLiteral("Portkey SDK (Python)");
    case SnippetLanguage::PortkeyNode: return QStringLiteral("Portkey SDK (Node)");
    case SnippetLanguage::Curl: return QStringLiteral("curl");
    }
    return {};
}

QString snippetFileSuffix(SnippetLanguage language)
{
    switch (language) {
    case SnippetLanguage::LangChainPython:
    case SnippetLanguage::OpenAiPython:
    case SnippetLanguage::PortkeyPython: return QStringLiteral("py");
    case SnippetLanguage::Curl: return QStringLiteral("sh");
    default: return QStringLiteral("mjs");
    }
}

QString connectSnippet(SnippetLanguage language, const SnippetInput& input)
{
    const Parts p = partsOf(input);
    switch (language) {
    case SnippetLanguage::LangChainPython: return langChainPython(input, p);
    case SnippetLanguage::LangChainJs: return langChainJs(input, p);
    case SnippetLanguage::OpenAiPython: return openAiPython(input, p);
    case SnippetLanguage::OpenAiNode: return openAiNode(input, p);
    case SnippetLanguage::PortkeyPython: return portkeyPython(input, p);
    case SnippetLanguage::PortkeyNode: return portkeyNode(input, p);
    case SnippetLanguage::Curl: return curl(input, p);
    }
    return {};
}

QString providerKeyVariable(const QString& provider)
{
    QString v = provider.toUpper();
    for (QChar& c : v)
        if (!c.isLetterOrNumber())
            c = QLatin1Char('_');
    return v + QStringLiteral("_API_KEY");
}

QString gatewayKeyVariable()
{
    return QStringLiteral("GATEHOUSE_API_KEY");
}

} // namespace gatehouse
