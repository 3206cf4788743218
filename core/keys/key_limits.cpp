#include "keys/key_limits.h"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace gatehouse {

void to_json(nlohmann::json& j, const KeyLimits& l)
{
    j = nlohmann::json::object();
    if (l.requestsPerMinute)
        j["requests_per_minute"] = l.requestsPerMinute;
    if (l.tokensPerMinute)
        j["tokens_per_minute"] = l.tokensPerMinute;
}

void from_json(const nlohmann::json& j, KeyLimits& l)
{
    l = KeyLimits{};
    l.requestsPerMinute = j.value("requests_per_minute", 0);
    l.tokensPerMinute = j.value("tokens_per_minute", qint64(0));
    if (l.requestsPerMinute < 0 || l.tokensPerMinute < 0)
        throw nlohmann::json::type_error::create(302, "limits must not be negative", &j);
}

} // namespace gatehouse
