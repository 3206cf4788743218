#include "config_editor/node_json.h"

#include "config_editor/config_key_spelling.h"

#include <QLineEdit>

namespace gatehouse::node_json {

using nlohmann::json;

QString str(const json* v)
{
    return v && v->is_string() ? QString::fromStdString(v->get<std::string>()) : QString();
}

void put(json& obj, std::string_view key, const json& value)
{
    const std::string k = spelledKey(obj, key);
    if (value.is_null())
        obj.erase(k);
    else
        obj[k] = value;
}

json& sub(json& obj, std::string_view key)
{
    json& s = obj[spelledKey(obj, key)];
    if (!s.is_object())
        s = json::object();
    return s;
}

void pruneEmpty(json& obj, std::string_view key)
{
    const std::string k = spelledKey(obj, key);
    if (const auto it = obj.find(k); it != obj.end() && it->is_object() && it->empty())
        obj.erase(it);
}

std::vector<int> ints(const json* v)
{
    std::vector<int> out;
    if (v && v->is_array()) {
        for (const json& c : *v) {
            if (c.is_number_integer())
                out.push_back(c.get<int>());
        }
    }
    return out;
}

void setLineText(QLineEdit* edit, const QString& text)
{
    if (edit->text() != text)
        edit->setText(text);
}

} // namespace gatehouse::node_json
