#include "cache/cache_key.h"

#include <QCryptographicHash>

#include <cmath>

namespace gatehouse {

namespace {

using json = nlohmann::json;

// Fields are length-prefixed so no two different inputs hash the same bytes ("ab"+"c" vs "a"+"bc").
void addField(QCryptographicHash& h, QByteArrayView bytes)
{
    const quint64 n = quint64(bytes.size());
    char len[8];
    for (int i = 0; i < 8; ++i)
        len[i] = char((n >> (8 * i)) & 0xff);
    h.addData(QByteArrayView(len, 8));
    h.addData(bytes);
}

json canonical(const json& v, bool inMessage)
{
    switch (v.type()) {
    case json::value_t::object: {
        json out = json::object();   // std::map: keys come out sorted
        for (const auto& [key, value] : v.items()) {
            if (value.is_null())
                continue;   // an explicit null asks for the default, as leaving the field out does
            if (inMessage && key == "content" && value.is_array() && value.size() == 1 && value[0].is_object()
                && value[0].size() == 2 && value[0].value("type", json()) == "text" && value[0].contains("text")
                && value[0]["text"].is_string()) {
                out[key] = value[0]["text"];   // [{"type":"text","text":"hi"}] says what "hi" says
                continue;
            }
            out[key] = canonical(value, inMessage);
        }
        return out;
    }
    case json::value_t::array: {
        json out = json::array();
        for (const auto& e : v)
            out.push_back(canonical(e, inMessage));
        return out;
    }
    case json::value_t::number_float: {
        const double d = v.get<double>();
        if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < 9.0e15)
            return json(static_cast<long long>(d));   // temperature 1 and 1.0 are one request
        return v;
    }
    case json::value_t::number_unsigned:
        if (v.get<unsigned long long>() <= 9'000'000'000'000'000'000ULL)
            return json(static_cast<long long>(v.get<unsigned long long>()));
        return v;
    default:
        return v;
    }
}

QString textOf(const json& content)
{
    if (content.is_string())
        return QString::fromStdString(content.get<std::string>());
    QString out;
    if (content.is_array()) {
        for (const auto& part : content) {
            if (part.is_object() && part.value("type", json()) == "text" && part.contains("text") && part["text"].is_string()) {
                if (!out.isEmpty())
                    out += QLatin1Char('\n');
                out += QString::fromStdString(part["text"].get<std::string>());
            }
        }
    }
    return out;
}

bool isUserMessage(const json& m)
{
    return m.is_object() && m.value("role", json()) == "user" && m.contains("content");
}

} // namespace

EmbedMessages embedMessagesFromName(const std::string& name)
{
    if (name == "user")
        return EmbedMessages::User;
    if (name == "all")
        return EmbedMessages::All;
    return EmbedMessages::LastUser;
}

json canonicalCacheBody(const json& body)
{
    json out = canonical(body, false);
    if (auto m = out.find("messages"); m != out.end() && m->is_array()) {
        for (auto& msg : *m) {
            if (msg.is_object())
                msg = canonical(msg, true);
        }
    }
    return out;
}

QString credentialScope(const QString& virtualKey, const QString& apiKey)
{
    if (!virtualKey.isEmpty())
        return QStringLiteral("vk:") + virtualKey;
    if (apiKey.isEmpty())
        return QStringLiteral("none");
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(QByteArrayView("gatehouse cache credential scope v1\n"));
    h.addData(apiKey.toUtf8());
    return QStringLiteral("key:") + QString::fromLatin1(h.result().toHex().left(16));
}

CacheKey makeCacheKey(const CacheKeyInput& in)
{
    CacheKey key;
    key.credentialScope = credentialScope(in.virtualKey, in.credential);
    const json body = in.body ? canonicalCacheBody(*in.body) : json();

    const auto common = [&](QCryptographicHash& h, const char* kind) {
        addField(h, kind);
        addField(h, endpointKey(in.endpoint));
        addField(h, in.provider.toUtf8());
        addField(h, in.customHost);
        addField(h, key.credentialScope.toUtf8());
        addField(h, in.cacheNamespace.toUtf8());
    };
    {
        QCryptographicHash h(QCryptographicHash::Sha256);
        common(h, "exact v1");
        addField(h, QByteArray::fromStdString(body.dump(-1, ' ', false, json::error_handler_t::replace)));
        key.exact = h.result();
    }

    // Semantic scope: the body without the text to embed. Chat: the last message when it is the
    // user's; completions: a string prompt. Everything else (system prompt, earlier turns, model,
    // parameters) must match exactly.
    json scope = body;
    if (in.endpoint == Endpoint::ChatCompletions && scope.is_object()) {
        // A conversation is compared only when it ends with the user's turn (otherwise the next
        // answer depends on more than what was asked).
        auto m = scope.find("messages");
        if (m != scope.end() && m->is_array() && !m->empty() && isUserMessage(m->back())) {
            switch (in.embedMessages) {
            case EmbedMessages::LastUser:
                key.embedText = textOf(m->back()["content"]);
                m->back().erase("content");
                break;
            case EmbedMessages::User:
                for (auto& msg : *m) {
                    if (!isUserMessage(msg))
                        continue;
                    const QString t = textOf(msg["content"]);
                    if (!t.isEmpty())
                        key.embedText += (key.embedText.isEmpty() ? QString() : QStringLiteral("\n")) + t;
                    msg.erase("content");
                }
                break;
            case EmbedMessages::All:
                for (const auto& msg : *m) {
                    if (!msg.is_object() || !msg.contains("content"))
                        continue;
                    const QString t = textOf(msg["content"]);
                    if (t.isEmpty())
                        continue;
                    const QString role = QString::fromStdString(msg.value("role", std::string()));
                    key.embedText += (key.embedText.isEmpty() ? QString() : QStringLiteral("\n")) + role + QStringLiteral(": ") + t;
                }
                scope.erase(m);
                break;
            }
        }
    } else if (in.endpoint == Endpoint::Completions && scope.is_object()) {
        if (auto p = scope.find("prompt"); p != scope.end() && p->is_string()) {
            key.embedText = QString::fromStdString(p->get<std::string>());
            scope.erase(p);
        }
    }
    if (!key.embedText.trimmed().isEmpty()) {
        QCryptographicHash h(QCryptographicHash::Sha256);
        common(h, "semantic scope v1");
        addField(h, QByteArray::fromStdString(scope.dump(-1, ' ', false, json::error_handler_t::replace)));
        // Only when not the default, so entries stored before these options existed keep their scope.
        if (in.endpoint == Endpoint::ChatCompletions && in.embedMessages != EmbedMessages::LastUser)
            addField(h, in.embedMessages == EmbedMessages::User ? "embed user" : "embed all");
        if (!in.embedder.isEmpty()) {
            addField(h, "embedder");
            addField(h, in.embedder.toUtf8());
        }
        key.semanticScope = h.result();
    } else {
        key.embedText.clear();
    }
    return key;
}

} // namespace gatehouse
