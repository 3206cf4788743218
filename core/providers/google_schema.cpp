#include "providers/google_schema.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>

namespace gatehouse::google {

using nlohmann::json;

namespace {

constexpr int kMaxDepth = 64;      // requests are checked to this depth already; refs could go deeper
constexpr int kMaxNodes = 20'000;  // refs can multiply a small schema exponentially: stop expanding here

const std::set<std::string>& passThroughKeys()
{
    static const std::set<std::string> keys = {"title", "description", "nullable", "maxItems", "minItems",
                                               "minProperties", "maxProperties", "minLength", "maxLength",
                                               "pattern", "example", "default", "minimum", "maximum",
                                               "propertyOrdering"};
    return keys;
}

bool isNullSchema(const json& s)
{
    return s.is_object() && s.find("type") != s.end() && (*s.find("type")) == "null";
}

class Converter {
public:
    explicit Converter(const json& root)
    {
        for (const char* key : {"$defs", "definitions"}) {
            if (const auto d = root.find(key); d != root.end() && d->is_object())
                defs_[key] = &*d;
        }
    }

    json convert(const json& node, int depth)
    {
        if (!node.is_object() || depth > kMaxDepth || ++nodes_ > kMaxNodes)
            return json::object();   // boolean schemas and the like: "anything"
        json out = json::object();
        // A $ref is replaced by its target; keywords beside it refine the target.
        if (const auto ref = node.find("$ref"); ref != node.end() && ref->is_string()) {
            const std::string& r = ref->get_ref<const std::string&>();
            const json* target = resolve(r);
            if (target && refsInUse_.insert(r).second) {
                out = convert(*target, depth + 1);
                refsInUse_.erase(r);
            }
        }
        if (const auto all = node.find("allOf"); all != node.end() && all->is_array()) {
            for (const auto& sub : *all)
                merge(out, convert(sub, depth + 1));
        }
        for (const char* key : {"anyOf", "oneOf"}) {
            const auto alts = node.find(key);
            if (alts == node.end() || !alts->is_array())
                continue;
            json kept = json::array();
            bool hadNull = false;
            for (const auto& alt : *alts) {
                if (isNullSchema(alt))
                    hadNull = true;
                else
                    kept.push_back(convert(alt, depth + 1));
            }
            if (kept.size() == 1)
                merge(out, kept[0]);
            else if (!kept.empty())
                out["anyOf"] = std::move(kept);
            if (hadNull)
                out["nullable"] = true;
        }

        for (const auto& [key, value] : node.items()) {
            if (passThroughKeys().count(key))
                out[key] = value;
        }
        if (const auto type = node.find("type"); type != node.end()) {
            if (type->is_string() && *type != "null") {
                out["type"] = *type;
            } else if (type->is_array()) {
                json types = json::array();
                for (const auto& t : *type) {
                    if (t == "null")
                        out["nullable"] = true;
                    else if (t.is_string())
                        types.push_back(t);
                }
                if (types.size() == 1) {
                    out["type"] = types[0];
                } else if (types.size() > 1) {
                    json alts = json::array();
                    for (const auto& t : types)
                        alts.push_back({{"type", t}});
                    out["anyOf"] = std::move(alts);
                }
            }
        }
        if (const auto props = node.find("properties"); props != node.end() && props->is_object()) {
            json converted = json::object();
            for (const auto& [name, sub] : props->items())
                converted[name] = convert(sub, depth + 1);
            out["properties"] = std::move(converted);
        }
        if (const auto items = node.find("items"); items != node.end()) {
            if (items->is_object())
                out["items"] = convert(*items, depth + 1);
            else if (items->is_array() && !items->empty())   // tuple form: Gemini has one item schema
                out["items"] = convert((*items)[0], depth + 1);
        }
        if (const auto e = node.find("enum"); e != node.end() && e->is_array()) {
            json values = json::array();
            bool allStrings = true;
            for (const auto& v : *e) {
                if (v.is_string())
                    values.push_back(v);
                else if (!v.is_null())
                    allStrings = false;
            }
            if (allStrings && !values.empty())
                out["enum"] = std::move(values);
        } else if (const auto c = node.find("const"); c != node.end() && c->is_string()) {
            out["enum"] = json::array({*c});
        }
        if (!out.contains("type") && !out.contains("anyOf")) {
            if (out.contains("enum"))
                out["type"] = "string";
            else if (out.contains("properties"))
                out["type"] = "object";
            else if (out.contains("items"))
                out["type"] = "array";
        }
        if (const auto f = node.find("format"); f != node.end() && f->is_string() && formatAllowed(out, *f))
            out["format"] = *f;
        if (const auto req = node.find("required"); req != node.end() && req->is_array())
            out["required"] = requiredNames(*req, out);
        if (out.contains("required") && out["required"].empty())
            out.erase("required");
        return out;
    }

private:
    const json* resolve(const std::string& ref) const
    {
        for (const auto& [prefix, defs] : defs_) {
            const std::string p = "#/" + prefix + "/";
            if (ref.compare(0, p.size(), p) == 0) {
                const auto it = defs->find(ref.substr(p.size()));
                return it != defs->end() ? &*it : nullptr;
            }
        }
        return nullptr;
    }

    // Keys the node sets itself win over merged-in ones; properties and required are unioned.
    static void merge(json& into, const json& from)
    {
        for (const auto& [key, value] : from.items()) {
            if (key == "properties" && into.contains("properties") && into["properties"].is_object() && value.is_object()) {
                for (const auto& [name, sub] : value.items())
                    into["properties"][name] = sub;
            } else if (key == "required" && into.contains("required") && into["required"].is_array() && value.is_array()) {
                for (const auto& name : value)
                    into["required"].push_back(name);
            } else {
                into[key] = value;
            }
        }
    }

    static bool formatAllowed(const json& out, const json& format)
    {
        const std::string type = out.contains("type") && out["type"].is_string() ? out["type"].get<std::string>() : "";
        if (type == "string")
            return format == "enum" || format == "date-time";
        if (type == "number")
            return format == "float" || format == "double";
        if (type == "integer")
            return format == "int32" || format == "int64";
        return false;
    }

    static json requiredNames(const json& required, const json& out)
    {
        const auto props = out.find("properties");
        json names = out.contains("required") && out["required"].is_array() ? out["required"] : json::array();
        for (const auto& n : required) {
            if (n.is_string() && props != out.end() && props->contains(n.get_ref<const std::string&>()))
                names.push_back(n);
        }
        // Unique, order kept.
        json unique = json::array();
        for (const auto& n : names) {
            if (std::find(unique.begin(), unique.end(), n) == unique.end())
                unique.push_back(n);
        }
        return unique;
    }

    std::map<std::string, const json*> defs_;
    std::set<std::string> refsInUse_;
    int nodes_ = 0;
};

} // namespace

json toGeminiSchema(const json& jsonSchema)
{
    return Converter(jsonSchema).convert(jsonSchema, 0);
}

} // namespace gatehouse::google
