#pragma once
// Small edits on one config node's JSON, shared by the form sections of the properties panel. Keys
// are written under the spelling the node already uses (see config_key_spelling.h).

#include <nlohmann/json.hpp>

#include <QString>

#include <string_view>
#include <vector>

class QLineEdit;

namespace gatehouse::node_json {

// The string at v, or an empty QString when v is missing or not a string.
QString str(const nlohmann::json* v);

// Sets obj[key], or removes it when `value` is null.
void put(nlohmann::json& obj, std::string_view key, const nlohmann::json& value);

// The sub-object at `key`, created (or replaced, when it is not an object) on demand.
nlohmann::json& sub(nlohmann::json& obj, std::string_view key);

// Removes obj[key] when it has become an empty object.
void pruneEmpty(nlohmann::json& obj, std::string_view key);

// The integers of an array (status codes); anything else is skipped.
std::vector<int> ints(const nlohmann::json* v);

// Sets the text only when it differs, so the cursor does not jump while the user types.
void setLineText(QLineEdit* edit, const QString& text);

} // namespace gatehouse::node_json
