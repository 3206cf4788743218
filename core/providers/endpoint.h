#pragma once
// The unified API operations a provider can serve.

#include <QByteArray>
#include <optional>

namespace gatehouse {

enum class Endpoint { ChatCompletions, Completions, Embeddings, Models };

// Path appended to a provider's base URL ("/chat/completions" ...).
QByteArray endpointPath(Endpoint e);
// The name used in the provider table ("chat", "completions", "embeddings", "models").
const char* endpointKey(Endpoint e);
std::optional<Endpoint> endpointFromKey(QByteArrayView key);

} // namespace gatehouse
