#pragma once
// The identity of a cacheable request. The exact key covers everything that changes the answer:
// endpoint, provider, custom host, the credential scope, the namespace and the canonical request body
// (model, messages and every generation parameter). The semantic scope is the same minus the text
// that is embedded, so a semantic match is only ever looked for among requests that agree on
// everything else.

#include "providers/endpoint.h"

#include <nlohmann/json.hpp>

#include <QByteArray>
#include <QString>

namespace gatehouse {

// Which messages of a chat the semantic cache compares (cache.embed_messages). The rest of the
// request is the semantic scope and must match exactly.
enum class EmbedMessages {
    LastUser,   // the last message, when it is the user's; earlier turns are part of the scope
    User,       // every user message; system and assistant messages are part of the scope
    All,        // every message ("role: text" lines); only model and parameters are the scope
};

EmbedMessages embedMessagesFromName(const std::string& name);   // unknown or empty: LastUser

struct CacheKeyInput {
    Endpoint endpoint = Endpoint::ChatCompletions;
    QString provider;
    QByteArray customHost;        // a different server is a different answer
    QString credential;           // the provider API key (hashed here, never kept), or empty
    QString virtualKey;           // virtual key slug: scopes instead of the key when set
    QString cacheNamespace;       // x-portkey-cache-namespace
    const nlohmann::json* body = nullptr;   // the body as sent to the provider (override_params applied)
    EmbedMessages embedMessages = EmbedMessages::LastUser;
    QString embedder;             // the embedder's identity; empty: the built-in one. Part of the scope,
                                  // so vectors of different models never meet in one index.
};

struct CacheKey {
    QByteArray exact;             // SHA-256, 32 bytes
    QByteArray semanticScope;     // SHA-256, 32 bytes; empty when the request has no embeddable text
    QString embedText;            // the text a semantic lookup compares (cache.embed_messages)
    QString credentialScope;      // "vk:<slug>", "key:<hash prefix>" or "none": recorded, never the key

    QString hex() const { return QString::fromLatin1(exact.toHex()); }
};

// Canonical JSON: object keys sorted, nulls dropped from objects, integral floats written as integers,
// and a message content given as one text part written as the plain string.
nlohmann::json canonicalCacheBody(const nlohmann::json& body);

// "vk:<slug>" for a virtual key, else "key:" + 16 hex digits of SHA-256 over a domain tag and the key;
// "none" without either.
QString credentialScope(const QString& virtualKey, const QString& apiKey);

CacheKey makeCacheKey(const CacheKeyInput& input);

} // namespace gatehouse
