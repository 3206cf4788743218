#pragma once
// Configs may spell every key in camelCase too (Portkey accepts both; see docs/routing.md "Key
// spelling"). The editor writes a key under the spelling the node already uses, so an edit never
// leaves both spellings (an error) or silently renames the user's key.

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace gatehouse {

std::string camelKey(std::string_view snake);

// The key of `obj` that holds `snake`: its camelCase spelling when only that is present, else `snake`.
std::string spelledKey(const nlohmann::json& obj, std::string_view snake);

// obj[snake] under either spelling, or nullptr.
const nlohmann::json* findKey(const nlohmann::json& obj, std::string_view snake);

} // namespace gatehouse
