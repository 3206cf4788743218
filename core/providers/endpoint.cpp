#include "providers/endpoint.h"

namespace gatehouse {

QByteArray endpointPath(Endpoint e)
{
    switch (e) {
    case Endpoint::ChatCompletions: return QByteArrayLiteral("/chat/completions");
    case Endpoint::Completions: return QByteArrayLiteral("/completions");
    case Endpoint::Embeddings: return QByteArrayLiteral("/embeddings");
    case Endpoint::Models: return QByteArrayLiteral("/models");
    }
    return {};
}

const char* endpointKey(Endpoint e)
{
    switch (e) {
    case Endpoint::ChatCompletions: return "chat";
    case Endpoint::Completions: return "completions";
    case Endpoint::Embeddings: return "embeddings";
    case Endpoint::Models: return "models";
    }
    return "";
}

std::optional<Endpoint> endpointFromKey(QByteArrayView key)
{
    for (Endpoint e : {Endpoint::ChatCompletions, Endpoint::Completions, Endpoint::Embeddings, Endpoint::Models}) {
        if (key == endpointKey(e))
            return e;
    }
    return std::nullopt;
}

} // namespace gatehouse
