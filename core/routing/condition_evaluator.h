#pragma once
// Portkey's conditional-routing queries: {"metadata.plan": {"$eq": "paid"}}, with $eq $ne $gt $gte $lt
// $lte (numeric when both sides are numbers) $in $nin $regex and logical $and/$or arrays; a plain value
// means equality. Keys name "metadata.<key>", "params.<key>" (dotted paths into the body) or
// "url.pathname".

#include "routing/routing_context.h"

#include <string>
#include <variant>

namespace gatehouse {

// true/false, or an error message for a malformed query (unknown operator, bad regex, ...).
std::variant<bool, std::string> evaluateCondition(const nlohmann::json& query, const RoutingContext& ctx);

// Static check used by config validation: the error for a malformed query, or empty.
std::string checkCondition(const nlohmann::json& query);

} // namespace gatehouse
