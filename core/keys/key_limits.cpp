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
    if (l.dailyBudgetUsd > 0)
        j["daily_budget_usd"] = l.dailyBudgetUsd;
    if (l.monthlyBudgetUsd > 0)
        j["monthly_budget_usd"] = l.monthlyBudgetUsd;
}

void from_json(const nlohmann::json& j, KeyLimits& l)
{
    l = KeyLimits{};
    l.requestsPerMinute = j.value("requests_per_minute", 0);
    l.tokensPerMinute = j.value("tokens_per_minute", qint64(0));
    l.dailyBudgetUsd = j.value("daily_budget_usd", 0.0);
    l.monthlyBudgetUsd = j.value("monthly_budget_usd", 0.0);
    if (l.requestsPerMinute < 0 || l.tokensPerMinute < 0 || !(l.dailyBudgetUsd >= 0) || !(l.monthlyBudgetUsd >= 0))
        throw nlohmann::json::type_error::create(302, "limits must not be negative", &j);
}

} // namespace gatehouse
