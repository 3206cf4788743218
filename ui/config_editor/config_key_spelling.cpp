#include "config_editor/config_key_spelling.h"

namespace gatehouse {

std::string camelKey(std::string_view snake)
{
    std::string out;
    bool upper = false;
    for (char c : snake) {
        if (c == '_') {
            upper = true;
            continue;
        }
        out += upper && c >= 'a' && c <= 'z' ? char(c - 'a' + 'A') : c;
        upper = false;
    }
    return out;
}

std::string spelledKey(const nlohmann::json& obj, std::string_view snake)
{
    if (!obj.is_object() || obj.contains(snake))
        return std::string(snake);
    const std::string camel = camelKey(snake);
    return obj.contains(camel) ? camel : std::string(snake);
}

const nlohmann::json* findKey(const nlohmann::json& obj, std::string_view snake)
{
    if (!obj.is_object())
        return nullptr;
    const auto it = obj.find(spelledKey(obj, snake));
    return it == obj.end() ? nullptr : &*it;
}

} // namespace gatehouse
