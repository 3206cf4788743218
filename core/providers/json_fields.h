#pragma once
// Typed reads from untrusted JSON that never throw: a field of the wrong type reads as the default.
// (nlohmann's value() throws type_error on a mismatch, which must never happen on a client's body.)

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace gatehouse::json_fields {

inline std::string str(const nlohmann::json& j, const char* key, const std::string& fallback = {})
{
    if (!j.is_object())
        return fallback;
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

inline bool boolean(const nlohmann::json& j, const char* key, bool fallback = false)
{
    if (!j.is_object())
        return fallback;
    const auto it = j.find(key);
    return it != j.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

inline long long integer(const nlohmann::json& j, const char* key, long long fallback = 0)
{
    if (!j.is_object())
        return fallback;
    const auto it = j.find(key);
    return it != j.end() && it->is_number_integer() ? it->get<long long>() : fallback;
}

// How deep a client's request body may nest. Parsing and destroying JSON are iterative, but copies
// and dump() recurse: a client's nesting must not decide how deep the gateway thread's stack goes.
// No real request comes near this.
constexpr int kMaxBodyDepth = 256;

// True when arrays/objects nest deeper than maxDepth. Iterative, so a hostile body cannot exhaust the
// stack here; callers check it before handing client JSON to recursive code (dump(), schema rewrites).
inline bool nestedDeeperThan(const nlohmann::json& root, int maxDepth)
{
    std::vector<std::pair<const nlohmann::json*, int>> todo{{&root, 0}};
    while (!todo.empty()) {
        const auto [j, depth] = todo.back();
        todo.pop_back();
        if (!j->is_structured())
            continue;
        if (depth >= maxDepth)
            return true;
        for (const auto& child : *j)
            todo.emplace_back(&child, depth + 1);
    }
    return false;
}

} // namespace gatehouse::json_fields
