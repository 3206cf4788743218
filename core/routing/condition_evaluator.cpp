#include "routing/condition_evaluator.h"

#include <QRegularExpression>
#include <QString>

#include <charconv>
#include <cmath>
#include <optional>
#include <regex>
#include <string_view>
#include <unordered_map>

namespace gatehouse {

namespace {

using nlohmann::json;

constexpr int kMaxQueryDepth = 32;               // nested $and / $or
constexpr int kMaxCompareDepth = 64;             // arrays/objects compared with $eq / $in
constexpr std::size_t kMaxPatternLength = 512;
constexpr std::size_t kMaxRegexSubject = 1 << 20;   // bytes; PCRE2's match limit bounds the time

enum class Op { Eq, Ne, Gt, Gte, Lt, Lte, In, Nin, Regex };

std::optional<Op> parseOp(std::string_view s)
{
    if (s == "$eq") return Op::Eq;
    if (s == "$ne") return Op::Ne;
    if (s == "$gt") return Op::Gt;
    if (s == "$gte") return Op::Gte;
    if (s == "$lt") return Op::Lt;
    if (s == "$lte") return Op::Lte;
    if (s == "$in") return Op::In;
    if (s == "$nin") return Op::Nin;
    if (s == "$regex") return Op::Regex;
    return std::nullopt;
}

std::string display(std::string_view s)
{
    std::string out;
    std::size_t n = std::min<std::size_t>(s.size(), 64);
    while (n < s.size() && n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80)
        --n;
    for (std::size_t i = 0; i < n; ++i) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
    }
    if (n < s.size())
        out += "...";
    return out;
}

std::string quote(std::string_view s) { return "'" + display(s) + "'"; }

// A whole string read as a number ("42", " 1.5 ", "-3e2"); anything else is not a number.
std::optional<double> parseNumber(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    if (!s.empty() && s.front() == '+')
        s.remove_prefix(1);
    if (s.empty())
        return std::nullopt;
    double v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v))
        return std::nullopt;
    return v;
}

std::optional<double> toNumber(const json& v)
{
    if (v.is_number())
        return v.get<double>();
    if (v.is_string())
        return parseNumber(v.get_ref<const std::string&>());
    return std::nullopt;
}

// Equality as a routing rule means it: strings and numbers compare by value across the two types
// (metadata values arrive as strings: "5" equals 5), booleans also equal "true"/"false".
bool looseEqual(const json& a, const json& b, int depth = 0)
{
    if (depth > kMaxCompareDepth)
        return false;
    if (a.is_string() && b.is_string())
        return a.get_ref<const std::string&>() == b.get_ref<const std::string&>();
    if (a.is_number() && b.is_number())
        return a == b;
    if ((a.is_number() && b.is_string()) || (a.is_string() && b.is_number())) {
        const auto x = toNumber(a), y = toNumber(b);
        return x && y && *x == *y;
    }
    if (a.is_boolean() && b.is_boolean())
        return a.get<bool>() == b.get<bool>();
    if (a.is_boolean() && b.is_string())
        return b.get_ref<const std::string&>() == (a.get<bool>() ? "true" : "false");
    if (a.is_string() && b.is_boolean())
        return a.get_ref<const std::string&>() == (b.get<bool>() ? "true" : "false");
    if (a.is_null() && b.is_null())
        return true;
    if (a.is_array() && b.is_array()) {
        if (a.size() != b.size())
            return false;
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (!looseEqual(a[i], b[i], depth + 1))
                return false;
        }
        return true;
    }
    if (a.is_object() && b.is_object()) {
        if (a.size() != b.size())
            return false;
        for (auto it = a.begin(); it != a.end(); ++it) {
            const auto other = b.find(it.key());
            if (other == b.end() || !looseEqual(it.value(), *other, depth + 1))
                return false;
        }
        return true;
    }
    return false;
}

// $regex patterns are ECMAScript: a pattern std::regex (ECMAScript grammar) refuses is an error.
// Matching runs on PCRE2 (QRegularExpression) instead: std::regex backtracks without limit ("(a*)*b"
// against 25 characters takes minutes) and recurses once per subject character (a few thousand
// characters overflow the stack), either of which would stall the gateway thread. PCRE2 works on the
// heap and gives up at its match limit, which is reported as an evaluation error. Patterns must be
// accepted by both; for those the two engines agree except that PCRE2's `$` also matches before a
// final newline.
std::variant<QRegularExpression, std::string> compileRegex(const std::string& pattern)
{
    thread_local std::unordered_map<std::string, QRegularExpression> cache;
    if (const auto it = cache.find(pattern); it != cache.end())
        return it->second;
    if (pattern.size() > kMaxPatternLength)
        return std::string("pattern longer than ") + std::to_string(kMaxPatternLength) + " characters";
    try {
        const std::regex ecmascript(pattern, std::regex::ECMAScript);
        (void)ecmascript;
    } catch (const std::regex_error& e) {
        return std::string(e.what());
    }
    QRegularExpression re(QString::fromStdString(pattern));
    if (!re.isValid())
        return "not supported: " + re.errorString().toStdString();
    re.optimize();
    if (cache.size() >= 128)
        cache.clear();
    cache.emplace(pattern, re);
    return re;
}

std::string checkField(const std::string& key)
{
    if (key == "url.pathname")
        return {};
    if (key.size() > 9 && key.compare(0, 9, "metadata.") == 0)
        return {};
    if (key.size() > 7 && key.compare(0, 7, "params.") == 0) {
        if (key.back() == '.' || key.find("..") != std::string::npos)
            return "field " + quote(key) + " has an empty path segment";
        return {};
    }
    return "unknown field " + quote(key) + ": use metadata.<key>, params.<path> or url.pathname";
}

std::string checkOperand(Op op, const std::string& opName, const json& operand, const std::string& field)
{
    const std::string where = quote(field) + ": " + opName;
    switch (op) {
    case Op::Eq:
    case Op::Ne:
        return {};
    case Op::Gt:
    case Op::Gte:
    case Op::Lt:
    case Op::Lte:
        return toNumber(operand) ? std::string() : where + " needs a number";
    case Op::In:
    case Op::Nin:
        return operand.is_array() ? std::string() : where + " needs an array";
    case Op::Regex: {
        if (!operand.is_string())
            return where + " needs a string";
        const auto compiled = compileRegex(operand.get_ref<const std::string&>());
        if (const auto* problem = std::get_if<std::string>(&compiled))
            return where + ": invalid regular expression: " + *problem;
        return {};
    }
    }
    return {};
}

std::string check(const json& query, int depth)
{
    if (depth > kMaxQueryDepth)
        return "query nested deeper than " + std::to_string(kMaxQueryDepth) + " levels";
    if (!query.is_object())
        return "a query must be an object, e.g. {\"metadata.plan\": {\"$eq\": \"paid\"}}";
    for (auto it = query.begin(); it != query.end(); ++it) {
        const std::string& key = it.key();
        const json& value = it.value();
        if (key == "$and" || key == "$or") {
            if (!value.is_array() || value.empty())
                return key + " needs a non-empty array of queries";
            for (std::size_t i = 0; i < value.size(); ++i) {
                if (std::string e = check(value[i], depth + 1); !e.empty())
                    return key + "[" + std::to_string(i) + "]: " + e;
            }
            continue;
        }
        if (!key.empty() && key.front() == '$')
            return "unknown operator " + quote(key) + " (the logical operators are $and and $or)";
        if (std::string e = checkField(key); !e.empty())
            return e;
        if (!value.is_object())
            continue;   // plain value: equality
        if (value.empty())
            return quote(key) + ": no operator given";
        for (auto op = value.begin(); op != value.end(); ++op) {
            const auto parsed = parseOp(op.key());
            if (!parsed) {
                return quote(key) + ": unknown operator " + quote(op.key())
                     + "; use $eq, $ne, $gt, $gte, $lt, $lte, $in, $nin or $regex";
            }
            if (std::string e = checkOperand(*parsed, op.key(), op.value(), key); !e.empty())
                return e;
        }
    }
    return {};
}

// The value a field names: a pointer into the body, or a value made from metadata / the URL.
struct FieldValue {
    const json* ptr = nullptr;
    json owned;
    bool present = false;
    const json& get() const { return ptr ? *ptr : owned; }
};

FieldValue lookup(const std::string& key, const RoutingContext& ctx)
{
    FieldValue f;
    if (key == "url.pathname") {
        f.owned = ctx.urlPath;
        f.present = true;
    } else if (key.compare(0, 9, "metadata.") == 0) {
        if (ctx.metadata) {
            if (const auto it = ctx.metadata->find(key.substr(9)); it != ctx.metadata->end()) {
                f.owned = it->second;
                f.present = true;
            }
        }
    } else if (key.compare(0, 7, "params.") == 0 && ctx.params) {
        const json* cur = ctx.params;
        std::string_view rest = std::string_view(key).substr(7);
        while (cur) {
            const auto dot = rest.find('.');
            const std::string_view segment = rest.substr(0, dot);
            const json* next = nullptr;
            if (cur->is_object()) {
                if (const auto it = cur->find(std::string(segment)); it != cur->end())
                    next = &*it;
            } else if (cur->is_array() && !segment.empty()
                       && segment.find_first_not_of("0123456789") == std::string_view::npos && segment.size() < 10) {
                std::size_t index = 0;
                std::from_chars(segment.data(), segment.data() + segment.size(), index);
                if (index < cur->size())
                    next = &(*cur)[index];
            }
            cur = next;
            if (dot == std::string_view::npos)
                break;
            rest.remove_prefix(dot + 1);
        }
        if (cur) {
            f.ptr = cur;
            f.present = true;
        }
    }
    return f;
}

bool evalOp(Op op, const json& operand, const FieldValue& field, std::string& err)
{
    if (!field.present) {
        // A missing field equals nothing: only the negative operators hold.
        return op == Op::Ne || op == Op::Nin;
    }
    const json& v = field.get();
    switch (op) {
    case Op::Eq:
        return looseEqual(v, operand);
    case Op::Ne:
        return !looseEqual(v, operand);
    case Op::Gt:
    case Op::Gte:
    case Op::Lt:
    case Op::Lte: {
        const auto a = toNumber(v), b = toNumber(operand);
        if (!a || !b)
            return false;
        return op == Op::Gt ? *a > *b : op == Op::Gte ? *a >= *b : op == Op::Lt ? *a < *b : *a <= *b;
    }
    case Op::In:
    case Op::Nin: {
        bool found = false;
        if (operand.is_array()) {
            for (const json& candidate : operand) {
                if (looseEqual(v, candidate)) {
                    found = true;
                    break;
                }
            }
        }
        return op == Op::In ? found : !found;
    }
    case Op::Regex: {
        std::string subject;
        if (v.is_string())
            subject = v.get<std::string>();
        else if (v.is_number() || v.is_boolean())
            subject = v.dump();
        else
            return false;
        if (subject.size() > kMaxRegexSubject) {
            err = "$regex: the value tested is longer than " + std::to_string(kMaxRegexSubject) + " bytes";
            return false;
        }
        if (!operand.is_string())
            return false;
        const auto compiled = compileRegex(operand.get_ref<const std::string&>());
        const auto* re = std::get_if<QRegularExpression>(&compiled);
        if (!re) {
            err = "$regex: invalid regular expression: " + std::get<std::string>(compiled);
            return false;
        }
        const QRegularExpressionMatch m = re->match(QString::fromStdString(subject));
        if (!m.isValid()) {
            err = "$regex: matching " + quote(operand.get_ref<const std::string&>())
                + " gave up (too much backtracking); simplify the pattern";
            return false;
        }
        return m.hasMatch();
    }
    }
    return false;
}

bool eval(const json& query, const RoutingContext& ctx, std::string& err)
{
    for (auto it = query.begin(); it != query.end(); ++it) {
        const std::string& key = it.key();
        const json& value = it.value();
        if (key == "$and") {
            for (const json& q : value) {
                if (!eval(q, ctx, err))
                    return false;
            }
            continue;
        }
        if (key == "$or") {
            bool any = false;
            for (const json& q : value) {
                if (eval(q, ctx, err)) {
                    any = true;
                    break;
                }
                if (!err.empty())
                    return false;
            }
            if (!any)
                return false;
            continue;
        }
        const FieldValue field = lookup(key, ctx);
        if (!value.is_object()) {
            if (!field.present || !looseEqual(field.get(), value))
                return false;
            continue;
        }
        for (auto op = value.begin(); op != value.end(); ++op) {
            const auto parsed = parseOp(op.key());
            if (!parsed || !evalOp(*parsed, op.value(), field, err))
                return false;
        }
    }
    return true;
}

} // namespace

std::string checkCondition(const nlohmann::json& query)
{
    return check(query, 0);
}

std::variant<bool, std::string> evaluateCondition(const nlohmann::json& query, const RoutingContext& ctx)
{
    if (std::string problem = checkCondition(query); !problem.empty())
        return problem;
    std::string err;
    const bool result = eval(query, ctx, err);
    if (!err.empty())
        return err;
    return result;
}

} // namespace gatehouse
