#pragma once
// Limits a virtual key carries (a Gatehouse extension). 0 means no limit.

#include <nlohmann/json_fwd.hpp>

#include <QtGlobal>

namespace gatehouse {

struct KeyLimits {
    int requestsPerMinute = 0;     // upstream calls started with the key in any 60 s window
    qint64 tokensPerMinute = 0;    // total tokens reported by answers in any 60 s window
    // Spend budgets in USD per UTC day / UTC month, from the cost in each request record (budget_period.h).
    double dailyBudgetUsd = 0;
    double monthlyBudgetUsd = 0;

    bool any() const { return requestsPerMinute > 0 || tokensPerMinute > 0; }   // rates only
    bool anyBudget() const { return dailyBudgetUsd > 0 || monthlyBudgetUsd > 0; }
};

void to_json(nlohmann::json& j, const KeyLimits& l);
void from_json(const nlohmann::json& j, KeyLimits& l);   // missing fields stay 0; negative values throw

} // namespace gatehouse
