#include "providers/mock_provider.h"

#include "providers/mock_directives.h"

#include <nlohmann/json.hpp>

namespace gatehouse {

std::variant<UpstreamRequest, ApiError> MockProvider::buildRequest(const ProviderCall& call) const
{
    std::string model;
    if (call.bodyJson && call.bodyJson->is_object()) {
        const auto it = call.bodyJson->find("model");
        if (it != call.bodyJson->end() && it->is_string())
            model = it->get<std::string>();
    }
    auto parsed = parseMockDirectives(model, call.metadata);
    if (auto* err = std::get_if<ApiError>(&parsed))
        return *err;

    UpstreamRequest r;
    r.method = call.method;
    r.url = upstreamUrl(call);
    if (call.body)
        r.body = *call.body;
    std::get<MockDirectives>(parsed).appendHeaders(r.headers);
    r.timeoutMs = call.timeoutMs;
    return r;
}

} // namespace gatehouse
