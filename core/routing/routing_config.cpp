#include "routing/routing_config.h"

#include "pipeline/client_options.h"
#include "routing/condition_evaluator.h"

#include <algorithm>
#include <array>
#include <climits>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <string_view>
#include <utility>

namespace gatehouse {

bool RetryPolicy::retries(int status) const
{
    static constexpr std::array<int, 5> kDefault{429, 500, 502, 503, 504};
    if (onStatusCodes.empty())
        return std::find(kDefault.begin(), kDefault.end(), status) != kDefault.end();
    return std::find(onStatusCodes.begin(), onStatusCodes.end(), status) != onStatusCodes.end();
}

std::string formatConfigIssue(const ConfigIssue& issue)
{
    return (issue.path.empty() ? std::string("config") : issue.path) + ": " + issue.message;
}

namespace {

using nlohmann::json;

constexpr int kMaxTargetDepth = 10;        // strategy nodes inside strategy nodes
constexpr int kMaxJsonDepth = 64;          // any nesting at all (copies of json values recurse)
constexpr std::size_t kMaxErrors = 100;
constexpr std::size_t kMaxIdLength = 256;
constexpr long long kMaxTimeoutMs = 3'600'000;

const char* const kModeList = "single, loadbalance, fallback, conditional";

// ---------------------------------------------------------------------------------------------
// Keys accepted at each level (canonical snake_case).

constexpr std::array<std::string_view, 30> kNodeKeys{
    "id", "name", "provider", "api_key", "virtual_key", "strategy", "targets", "weight", "override_params", "retry",
    "cache", "request_timeout", "custom_host", "forward_headers", "strict_open_ai_compliance", "total_timeout",
    "first_token_timeout", "circuit_breaker", "on_status_codes", "before_request_hooks", "after_request_hooks",
    "input_guardrails", "output_guardrails", "default_input_guardrails", "default_output_guardrails", "input_mutators",
    "output_mutators", "cb_config", "options", "mode"};

// Portkey keys Gatehouse accepts but does not act on yet: a warning each, never an error.
constexpr std::array<std::string_view, 8> kHookKeys{
    "before_request_hooks", "after_request_hooks", "input_guardrails", "output_guardrails",
    "default_input_guardrails", "default_output_guardrails", "input_mutators", "output_mutators"};

constexpr std::array<std::string_view, 5> kStrategyKeys{"mode", "on_status_codes", "conditions", "default", "cb_config"};
constexpr std::array<std::string_view, 3> kRetryKeys{"attempts", "on_status_codes", "use_retry_after_header"};
constexpr std::array<std::string_view, 5> kCacheKeys{"mode", "max_age", "similarity_threshold", "embed_messages", "embedding"};
constexpr std::array<std::string_view, 6> kEmbeddingKeys{"provider", "virtual_key", "api_key", "custom_host", "model", "request_timeout"};
constexpr std::array<std::string_view, 3> kBreakerKeys{"failure_threshold", "window_ms", "cooldown_ms"};
constexpr std::array<std::string_view, 2> kConditionKeys{"query", "then"};

// Provider-family options (credentials and settings of one provider): kept in providerOptions.
constexpr std::array<std::string_view, 14> kProviderOptionPrefixes{
    "azure_", "aws_", "vertex_", "openai_", "anthropic_", "amzn_", "amz_", "oracle_", "stability_", "sagemaker_",
    "snowflake_", "workers_ai_", "fireworks_", "huggingface_"};
constexpr std::array<std::string_view, 10> kProviderOptionKeys{
    "mistral_fim_completion", "provider_file_name", "provider_model", "provider_batch_endpoint", "file_purpose",
    "model_type", "file_upload_size", "resource_name", "deployment_id", "api_version"};   // the last 3: Azure
// The common ones, for "did you mean" (prefix families cannot be enumerated).
constexpr std::array<std::string_view, 17> kProviderOptionSuggestions{
    "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "aws_region", "vertex_project_id",
    "vertex_region", "vertex_service_account_json", "openai_project", "openai_organization", "azure_resource_name",
    "azure_deployment_id", "azure_api_version", "azure_model_name", "azure_auth_mode", "anthropic_version",
    "anthropic_beta", "mistral_fim_completion"};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& set, std::string_view key)
{
    return std::find(set.begin(), set.end(), key) != set.end();
}

bool isProviderOptionKey(std::string_view key)
{
    if (contains(kProviderOptionKeys, key))
        return true;
    for (std::string_view prefix : kProviderOptionPrefixes) {
        if (key.size() > prefix.size() && key.substr(0, prefix.size()) == prefix)
            return true;
    }
    return false;
}

// ---------------------------------------------------------------------------------------------
// Text helpers. Keys and values come from the client: shown truncated and without control bytes.

std::string display(std::string_view s, std::size_t max = 64)
{
    std::string out;
    std::size_t n = std::min(s.size(), max);
    while (n < s.size() && n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80)
        --n;   // do not cut a UTF-8 sequence
    out.reserve(n + 3);
    for (std::size_t i = 0; i < n; ++i) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
    }
    if (n < s.size())
        out += "...";
    return out;
}

bool isPlainKey(std::string_view k)
{
    if (k.empty() || k.size() > 64)
        return false;
    return std::all_of(k.begin(), k.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '$';
    });
}

std::string childKey(const std::string& path, std::string_view key)
{
    if (isPlainKey(key))
        return path.empty() ? std::string(key) : path + "." + std::string(key);
    std::string quoted = "[\"";
    for (char c : display(key))
        quoted += (c == '"' || c == '\\') ? '?' : c;
    quoted += "\"]";
    return path + quoted;
}

std::string childIndex(const std::string& path, std::size_t i)
{
    return path + "[" + std::to_string(i) + "]";
}

std::string toSnake(std::string_view key)
{
    std::string out;
    for (char c : key) {
        if (c >= 'A' && c <= 'Z') {
            out += '_';
            out += static_cast<char>(c - 'A' + 'a');
        } else {
            out += c;
        }
    }
    return out;
}

std::string toCamel(std::string_view snake)
{
    std::string out;
    bool upper = false;
    for (char c : snake) {
        if (c == '_') {
            upper = true;
            continue;
        }
        out += (upper && c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
        upper = false;
    }
    return out;
}

// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
int editDistance(std::string_view a, std::string_view b)
{
    const std::size_t n = a.size(), m = b.size();
    std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1));
    for (std::size_t i = 0; i <= n; ++i)
        d[i][0] = int(i);
    for (std::size_t j = 0; j <= m; ++j)
        d[0][j] = int(j);
    for (std::size_t i = 1; i <= n; ++i) {
        for (std::size_t j = 1; j <= m; ++j) {
            const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[n][m];
}

// The closest candidate within distance 2 (1 for keys of up to 3 characters); ties go to the earlier one.
std::optional<std::string> closest(std::string_view key, const std::vector<std::string_view>& candidates)
{
    if (key.empty() || key.size() > 64)
        return std::nullopt;
    const int limit = key.size() <= 3 ? 1 : 2;
    std::optional<std::string> best;
    int bestDistance = limit + 1;
    for (std::string_view c : candidates) {
        if (c.size() > key.size() + 2 || key.size() > c.size() + 2)
            continue;
        const int d = editDistance(key, c);
        if (d < bestDistance) {
            bestDistance = d;
            best = std::string(c);
        }
    }
    return best;
}

// ---------------------------------------------------------------------------------------------
// JSON helpers (never throw: every get<> is guarded by its is_*()).

std::optional<long long> integral(const json& v)
{
    if (v.is_number_unsigned()) {
        const auto u = v.get<std::uint64_t>();
        return u > std::uint64_t(LLONG_MAX) ? LLONG_MAX : static_cast<long long>(u);
    }
    if (v.is_number_integer())
        return v.get<long long>();
    if (v.is_number_float()) {
        const double d = v.get<double>();
        if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15)
            return static_cast<long long>(d);
    }
    return std::nullopt;
}

bool deeperThan(const json& root, int limit)
{
    std::vector<std::pair<const json*, int>> stack{{&root, 1}};
    while (!stack.empty()) {
        const auto [node, depth] = stack.back();
        stack.pop_back();
        if (depth > limit)
            return true;
        if (node->is_structured()) {
            for (const auto& child : *node)
                stack.emplace_back(&child, depth + 1);
        }
    }
    return false;
}

const char* modeName(StrategyMode m)
{
    switch (m) {
    case StrategyMode::Single: return "single";
    case StrategyMode::Loadbalance: return "loadbalance";
    case StrategyMode::Fallback: return "fallback";
    case StrategyMode::Conditional: return "conditional";
    }
    return "single";
}

std::optional<StrategyMode> parseMode(std::string_view s)
{
    if (s == "single") return StrategyMode::Single;
    if (s == "loadbalance") return StrategyMode::Loadbalance;
    if (s == "fallback") return StrategyMode::Fallback;
    if (s == "conditional") return StrategyMode::Conditional;
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------

// The keys of one JSON object, by canonical snake_case name (camelCase accepted as Portkey does).
struct Keys {
    struct Entry {
        std::string original;
        const json* value = nullptr;
    };
    std::map<std::string, Entry> known;
    std::map<std::string, Entry> providerOptions;

    const json* get(std::string_view key) const
    {
        const auto it = known.find(std::string(key));
        return it == known.end() ? nullptr : it->second.value;
    }
    std::string path(const std::string& parent, std::string_view key) const
    {
        const auto it = known.find(std::string(key));
        return childKey(parent, it == known.end() ? key : std::string_view(it->second.original));
    }
};

class Parser {
public:
    Parser(const ProviderPredicate* isKnownProvider, const std::vector<std::string>* providerIds)
        : isKnownProvider_(isKnownProvider)
        , providerIds_(providerIds)
    {
    }

    ConfigParseResult run(const json& j)
    {
        ConfigParseResult result;
        auto config = std::make_shared<RoutingConfig>();
        if (deeperThan(j, kMaxJsonDepth)) {
            error("", "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
        } else if (!j.is_object()) {
            error("", "must be a JSON object, e.g. {\"provider\": \"openai\", \"api_key\": \"sk-...\"}");
        } else {
            parseNode(j, "", 0, config->root);
        }
        result.errors = std::move(errors_);
        if (result.errors.empty()) {
            config->warnings = std::move(warnings_);
            result.config = std::move(config);
        }
        return result;
    }

    void error(const std::string& path, std::string message)
    {
        if (errors_.size() < kMaxErrors)
            errors_.push_back({path, std::move(message)});
        else if (errors_.size() == kMaxErrors)
            errors_.push_back({"", "too many errors; only the first " + std::to_string(kMaxErrors) + " are listed"});
    }

private:
    void warn(const std::string& path, std::string message) { warnings_.push_back({path, std::move(message)}); }

    template <std::size_t N>
    Keys collect(const json& obj, const std::string& path, const std::array<std::string_view, N>& known,
                 bool providerOptions)
    {
        Keys keys;
        for (auto it = obj.begin(); it != obj.end(); ++it) {
            const std::string& key = it.key();
            std::string canonical;
            bool option = false;
            const bool hasUpper = std::any_of(key.begin(), key.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
            const std::string snake = hasUpper ? toSnake(key) : key;
            const bool camelForm = hasUpper && key.front() >= 'a' && key.front() <= 'z' && toCamel(snake) == key;
            if (contains(known, key)) {
                canonical = key;
            } else if (camelForm && contains(known, snake)) {
                canonical = snake;
            } else if (providerOptions && isProviderOptionKey(key)) {
                canonical = key;
                option = true;
            } else if (providerOptions && camelForm && isProviderOptionKey(snake)) {
                canonical = snake;
                option = true;
            } else {
                unknownKey(path, key, known, providerOptions);
                continue;
            }
            auto& map = option ? keys.providerOptions : keys.known;
            if (const auto dup = map.find(canonical); dup != map.end()) {
                error(childKey(path, key), "given twice (also as '" + display(dup->second.original) + "')");
                continue;
            }
            map.emplace(canonical, Keys::Entry{key, &it.value()});
        }
        return keys;
    }

    template <std::size_t N>
    void unknownKey(const std::string& path, const std::string& key, const std::array<std::string_view, N>& known,
                    bool providerOptions)
    {
        std::vector<std::string_view> candidates(known.begin(), known.end());
        if (providerOptions)
            candidates.insert(candidates.end(), kProviderOptionSuggestions.begin(), kProviderOptionSuggestions.end());
        // Legacy/internal names are accepted only to explain them; never suggest them.
        candidates.erase(std::remove_if(candidates.begin(), candidates.end(),
                                        [](std::string_view c) { return c == "options" || c == "cb_config"; }),
                         candidates.end());
        std::string message = "unknown key";
        const bool hasUpper = std::any_of(key.begin(), key.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
        auto suggestion = closest(key, candidates);
        if (!suggestion && hasUpper)
            suggestion = closest(toSnake(key), candidates);
        if (suggestion) {
            message += "; did you mean '" + *suggestion + "'?";
        } else if (candidates.size() <= 6) {
            message += "; expected one of: ";
            for (std::size_t i = 0; i < candidates.size(); ++i)
                message += (i ? ", " : "") + std::string(candidates[i]);
        }
        error(childKey(path, key), message);
    }

    // A non-empty string (ids, names, keys).
    std::optional<std::string> nonEmptyString(const json* v, const std::string& path, std::size_t maxLength = 0)
    {
        if (!v)
            return std::nullopt;
        if (!v->is_string()) {
            error(path, "must be a string");
            return std::nullopt;
        }
        const auto& s = v->get_ref<const std::string&>();
        if (s.empty()) {
            error(path, "must not be empty");
            return std::nullopt;
        }
        if (maxLength && s.size() > maxLength) {
            error(path, "must be at most " + std::to_string(maxLength) + " characters");
            return std::nullopt;
        }
        return s;
    }

    std::optional<bool> boolean(const json* v, const std::string& path)
    {
        if (!v)
            return std::nullopt;
        if (!v->is_boolean()) {
            error(path, "must be true or false");
            return std::nullopt;
        }
        return v->get<bool>();
    }

    std::optional<int> intIn(const json* v, const std::string& path, long long lo, long long hi, const char* what)
    {
        if (!v)
            return std::nullopt;
        const auto n = integral(*v);
        if (!n || *n < lo || *n > hi) {
            error(path, std::string("must be ") + what + " from " + std::to_string(lo) + " to " + std::to_string(hi));
            return std::nullopt;
        }
        return static_cast<int>(*n);
    }

    std::optional<int> millis(const json* v, const std::string& path)
    {
        return intIn(v, path, 1, kMaxTimeoutMs, "an integer number of milliseconds");
    }

    std::optional<std::vector<int>> statusCodes(const json* v, const std::string& path)
    {
        if (!v)
            return std::nullopt;
        if (!v->is_array()) {
            error(path, "must be an array of HTTP status codes, e.g. [429, 503]");
            return std::nullopt;
        }
        if (v->empty()) {
            error(path, "must not be empty (leave it out for the default)");
            return std::nullopt;
        }
        std::vector<int> codes;
        bool ok = true;
        for (std::size_t i = 0; i < v->size(); ++i) {
            const auto n = integral((*v)[i]);
            if (!n || *n < 100 || *n > 599) {
                error(childIndex(path, i), "must be an HTTP status code from 100 to 599");
                ok = false;
                continue;
            }
            codes.push_back(static_cast<int>(*n));
        }
        if (!ok)
            return std::nullopt;
        return codes;
    }

    bool isObject(const json* v, const std::string& path)
    {
        if (v->is_object())
            return true;
        error(path, "must be an object");
        return false;
    }

    // ---- sub-objects ----------------------------------------------------------------------------

    std::optional<RetryPolicy> parseRetry(const json& v, const std::string& path)
    {
        if (!isObject(&v, path))
            return std::nullopt;
        const Keys k = collect(v, path, kRetryKeys, false);
        RetryPolicy r;
        bool ok = true;
        if (const json* a = k.get("attempts")) {
            const auto n = intIn(a, k.path(path, "attempts"), 0, 10, "an integer");
            ok = ok && n.has_value();
            r.attempts = n.value_or(0);
        } else {
            error(childKey(path, "attempts"), "required: the number of retries after the first call, from 0 to 10");
            ok = false;
        }
        if (const json* c = k.get("on_status_codes")) {
            const auto codes = statusCodes(c, k.path(path, "on_status_codes"));
            ok = ok && codes.has_value();
            r.onStatusCodes = codes.value_or(std::vector<int>{});
        }
        if (const json* u = k.get("use_retry_after_header")) {
            const auto b = boolean(u, k.path(path, "use_retry_after_header"));
            ok = ok && b.has_value();
            r.useRetryAfterHeader = b.value_or(false);
        }
        return ok ? std::optional<RetryPolicy>(r) : std::nullopt;
    }

    std::optional<CacheConfig> parseCache(const json& v, const std::string& path)
    {
        if (!isObject(&v, path))
            return std::nullopt;
        const Keys k = collect(v, path, kCacheKeys, false);
        CacheConfig c;
        bool ok = true;
        if (const json* m = k.get("mode")) {
            if (m->is_string() && (m->get_ref<const std::string&>() == "simple" || m->get_ref<const std::string&>() == "semantic")) {
                c.mode = m->get<std::string>();
            } else {
                error(k.path(path, "mode"), "must be 'simple' or 'semantic'");
                ok = false;
            }
        } else {
            error(childKey(path, "mode"), "required: 'simple' or 'semantic'");
            ok = false;
        }
        if (const json* a = k.get("max_age")) {
            const auto n = integral(*a);
            if (!n || *n < 0) {
                error(k.path(path, "max_age"), "must be an integer number of milliseconds >= 0");
                ok = false;
            } else {
                c.maxAgeMs = *n;
            }
        }
        if (const json* t = k.get("similarity_threshold")) {
            if (!t->is_number() || !std::isfinite(t->get<double>()) || t->get<double>() <= 0 || t->get<double>() > 1) {
                error(k.path(path, "similarity_threshold"), "must be a number above 0 and at most 1");
                ok = false;
            } else {
                c.similarityThreshold = t->get<double>();
            }
        }
        if (const json* e = k.get("embed_messages")) {
            if (e->is_string() && (*e == "last_user" || *e == "user" || *e == "all")) {
                c.embedMessages = e->get<std::string>();
            } else {
                error(k.path(path, "embed_messages"), "must be 'last_user', 'user' or 'all'");
                ok = false;
            }
        }
        if (const json* e = k.get("embedding")) {
            const std::size_t before = errors_.size();
            c.embedding = parseEmbedding(*e, k.path(path, "embedding"));
            ok = ok && errors_.size() == before;
        }
        if (c.embedding && c.mode == "simple")
            warn(k.path(path, "embedding"), "only semantic mode uses an embedding target; ignored in simple mode");
        return ok ? std::optional<CacheConfig>(c) : std::nullopt;
    }

    CacheEmbeddingTarget parseEmbedding(const json& v, const std::string& path)
    {
        CacheEmbeddingTarget t;
        if (!isObject(&v, path))
            return t;
        const Keys k = collect(v, path, kEmbeddingKeys, false);
        if (const json* p = k.get("provider")) {
            if (auto id = nonEmptyString(p, k.path(path, "provider"))) {
                if (isKnownProvider_ && *isKnownProvider_ && !(*isKnownProvider_)(*id)) {
                    std::string message = "unknown provider '" + display(*id) + "'";
                    if (const auto s = suggestProvider(*id))
                        message += "; did you mean '" + *s + "'?";
                    error(k.path(path, "provider"), message);
                } else {
                    t.provider = std::move(id);
                }
            }
        }
        t.virtualKey = nonEmptyString(k.get("virtual_key"), k.path(path, "virtual_key"));
        if (const json* a = k.get("api_key")) {
            if (!a->is_string())
                error(k.path(path, "api_key"), "must be a string");
            else
                t.apiKey = a->get<std::string>();
        }
        if (const json* h = k.get("custom_host")) {
            if (!h->is_string()) {
                error(k.path(path, "custom_host"), "must be a string");
            } else if (const auto e = validateCustomHost(QByteArray::fromStdString(h->get<std::string>()), QStringLiteral("custom_host"))) {
                error(k.path(path, "custom_host"), e->message.toStdString());
            } else {
                t.customHost = h->get<std::string>();
            }
        }
        if (const auto m = nonEmptyString(k.get("model"), k.path(path, "model"), 256))
            t.model = *m;
        else if (!k.get("model"))
            error(childKey(path, "model"), "required: the embedding model, e.g. \"text-embedding-3-small\" or \"nomic-embed-text\"");
        t.requestTimeoutMs = millis(k.get("request_timeout"), k.path(path, "request_timeout"));
        if (k.get("provider") && k.get("virtual_key"))
            error(k.path(path, "virtual_key"), "give either 'provider' or 'virtual_key', not both (the key names its provider)");
        else if (!k.get("provider") && !k.get("virtual_key"))
            error(childKey(path, "provider"), "required: 'provider' (with 'api_key' or 'custom_host' as needed) or 'virtual_key'");
        if (k.get("virtual_key") && (k.get("api_key") || k.get("custom_host")))
            error(k.path(path, k.get("api_key") ? "api_key" : "custom_host"),
                  "cannot be combined with 'virtual_key': the key's secret only goes to the host stored with the key");
        return t;
    }

    std::optional<CircuitBreakerConfig> parseBreaker(const json& v, const std::string& path)
    {
        if (!isObject(&v, path))
            return std::nullopt;
        const Keys k = collect(v, path, kBreakerKeys, false);
        CircuitBreakerConfig c;
        bool ok = true;
        if (const json* t = k.get("failure_threshold")) {
            const auto n = intIn(t, k.path(path, "failure_threshold"), 1, 1000, "an integer");
            ok = ok && n.has_value();
            c.failureThreshold = n.value_or(c.failureThreshold);
        }
        if (const json* w = k.get("window_ms")) {
            const auto n = millis(w, k.path(path, "window_ms"));
            ok = ok && n.has_value();
            c.windowMs = n.value_or(c.windowMs);
        }
        if (const json* w = k.get("cooldown_ms")) {
            const auto n = millis(w, k.path(path, "cooldown_ms"));
            ok = ok && n.has_value();
            c.cooldownMs = n.value_or(c.cooldownMs);
        }
        return ok ? std::optional<CircuitBreakerConfig>(c) : std::nullopt;
    }

    std::optional<std::vector<std::string>> parseForwardHeaders(const json& v, const std::string& path)
    {
        if (!v.is_array()) {
            error(path, "must be an array of header names, e.g. [\"x-custom-header\"]");
            return std::nullopt;
        }
        std::vector<std::string> names;
        bool ok = true;
        for (std::size_t i = 0; i < v.size(); ++i) {
            const std::string itemPath = childIndex(path, i);
            if (!v[i].is_string()) {
                error(itemPath, "must be a string");
                ok = false;
                continue;
            }
            std::string name = v[i].get<std::string>();
            const auto first = name.find_first_not_of(" \t");
            const auto last = name.find_last_not_of(" \t");
            name = first == std::string::npos ? std::string() : name.substr(first, last - first + 1);
            std::transform(name.begin(), name.end(), name.begin(),
                           [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
            const bool token = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
                return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
            });
            if (!token) {
                error(itemPath, "must be a header name");
                ok = false;
            } else if (name == "x-portkey-forward-headers") {
                error(itemPath, "forward_headers must not contain the 'x-portkey-forward-headers' header");
                ok = false;
            } else if (name == "host" || name == "content-length" || name == "transfer-encoding" || name == "connection") {
                error(itemPath, "must not list the '" + name + "' header");
                ok = false;
            } else {
                names.push_back(std::move(name));
            }
        }
        return ok ? std::optional<std::vector<std::string>>(std::move(names)) : std::nullopt;
    }

    // Returns whether the strategy is usable; `out` is filled as far as it could be read.
    bool parseStrategy(const json& v, const std::string& path, Strategy& out)
    {
        if (!isObject(&v, path))
            return false;
        const Keys k = collect(v, path, kStrategyKeys, false);
        bool ok = true;
        bool modeOk = false;   // the mode-dependent checks below need a known mode
        if (const json* m = k.get("mode")) {
            const auto mode = m->is_string() ? parseMode(m->get_ref<const std::string&>()) : std::nullopt;
            if (mode) {
                out.mode = *mode;
                modeOk = true;
            } else {
                error(k.path(path, "mode"), std::string("Invalid 'mode' value. Must be one of: ") + kModeList);
                ok = false;
            }
        } else {
            error(childKey(path, "mode"), std::string("required; must be one of: ") + kModeList);
            ok = false;
        }
        if (const json* c = k.get("on_status_codes")) {
            const auto codes = statusCodes(c, k.path(path, "on_status_codes"));
            if (codes)
                out.onStatusCodes = *codes;
            else
                ok = false;
            if (codes && modeOk && out.mode != StrategyMode::Fallback)
                warn(k.path(path, "on_status_codes"), "has no effect unless mode is 'fallback'");
        }
        const bool conditional = out.mode == StrategyMode::Conditional;
        if (const json* c = k.get("conditions")) {
            const std::string cpath = k.path(path, "conditions");
            if (modeOk && !conditional) {
                error(cpath, "only used with mode 'conditional'");
                ok = false;
            } else if (!c->is_array() || c->empty()) {
                error(cpath, "must be a non-empty array of {\"query\": {...}, \"then\": \"<target name>\"}");
                ok = false;
            } else {
                for (std::size_t i = 0; i < c->size(); ++i) {
                    const std::string itemPath = childIndex(cpath, i);
                    const json& item = (*c)[i];
                    if (!isObject(&item, itemPath)) {
                        ok = false;
                        continue;
                    }
                    const Keys ck = collect(item, itemPath, kConditionKeys, false);
                    Condition cond;
                    if (const json* q = ck.get("query")) {
                        const std::string qpath = ck.path(itemPath, "query");
                        if (!q->is_object()) {
                            error(qpath, "must be an object, e.g. {\"metadata.plan\": {\"$eq\": \"paid\"}}");
                            ok = false;
                        } else if (const std::string problem = checkCondition(*q); !problem.empty()) {
                            error(qpath, problem);
                            ok = false;
                        } else {
                            cond.query = *q;
                        }
                    } else {
                        error(childKey(itemPath, "query"), "required");
                        ok = false;
                    }
                    if (const json* t = ck.get("then")) {
                        if (auto name = nonEmptyString(t, ck.path(itemPath, "then")))
                            cond.then = *name;
                        else
                            ok = false;
                    } else {
                        error(childKey(itemPath, "then"), "required: the name of a target");
                        ok = false;
                    }
                    out.conditions.push_back(std::move(cond));
                }
            }
        } else if (modeOk && conditional) {
            error(childKey(path, "conditions"), "required for mode 'conditional'");
            ok = false;
        }
        if (const json* d = k.get("default")) {
            const std::string dpath = k.path(path, "default");
            if (modeOk && !conditional) {
                error(dpath, "only used with mode 'conditional'");
                ok = false;
            } else if (auto name = nonEmptyString(d, dpath)) {
                out.defaultTarget = *name;
            } else {
                ok = false;
            }
        }
        if (k.get("cb_config"))
            warn(k.path(path, "cb_config"), "accepted but not applied; Gatehouse's circuit breaker is set with 'circuit_breaker' on a node");
        return ok;
    }

    // ---- nodes --------------------------------------------------------------------------------

    void parseNode(const json& j, const std::string& path, int depth, TargetNode& node)
    {
        const bool root = depth == 0;
        if (!isObject(&j, path))
            return;
        const Keys k = collect(j, path, kNodeKeys, true);
        auto at = [&](std::string_view key) { return k.path(path, key); };

        if (k.get("options")) {
            error(at("options"), "This version of config is not supported in this route. Please migrate to the latest version "
                                 "('strategy' and 'targets')");
        }
        if (k.get("mode"))
            error(at("mode"), "belongs inside 'strategy', e.g. {\"strategy\": {\"mode\": \"fallback\"}, \"targets\": [...]}");

        node.id = nonEmptyString(k.get("id"), at("id"), kMaxIdLength);
        node.name = nonEmptyString(k.get("name"), at("name"), kMaxIdLength);

        if (const json* p = k.get("provider")) {
            if (auto id = nonEmptyString(p, at("provider"))) {
                if (isKnownProvider_ && *isKnownProvider_ && !(*isKnownProvider_)(*id)) {
                    std::string message = "unknown provider '" + display(*id) + "'";
                    if (const auto s = suggestProvider(*id))
                        message += "; did you mean '" + *s + "'?";
                    error(at("provider"), message);
                } else {
                    node.provider = std::move(id);
                }
            }
        }
        if (const json* a = k.get("api_key")) {
            if (!a->is_string())
                error(at("api_key"), "must be a string");
            else
                node.apiKey = a->get<std::string>();
        }
        node.virtualKey = nonEmptyString(k.get("virtual_key"), at("virtual_key"));

        for (const auto& [key, entry] : k.providerOptions) {
            const json& v = *entry.value;
            const std::string opath = childKey(path, entry.original);
            if (key == "vertex_service_account_json") {
                if (!v.is_object()) {
                    error(opath, "must be an object (the service account JSON)");
                    continue;
                }
            } else if (!v.is_string() && !v.is_number() && !v.is_boolean()) {
                error(opath, "must be a string");
                continue;
            }
            node.providerOptions[key] = v;
        }

        // strategy and targets
        const json* strategyJson = k.get("strategy");
        const json* targetsJson = k.get("targets");
        if (strategyJson) {
            Strategy s;
            if (parseStrategy(*strategyJson, at("strategy"), s))
                node.strategy = std::move(s);
        }
        if (targetsJson) {
            const std::string tpath = at("targets");
            if (!targetsJson->is_array()) {
                error(tpath, "must be an array of targets");
            } else if (depth + 1 > kMaxTargetDepth) {
                error(tpath, "targets nested deeper than " + std::to_string(kMaxTargetDepth) + " levels");
            } else {
                node.targets.resize(targetsJson->size());
                for (std::size_t i = 0; i < targetsJson->size(); ++i)
                    parseNode((*targetsJson)[i], childIndex(tpath, i), depth + 1, node.targets[i]);
            }
        }

        if (const json* w = k.get("weight")) {
            if (!w->is_number() || !std::isfinite(w->get<double>()))
                error(at("weight"), "must be a number");
            else if (w->get<double>() < 0)
                error(at("weight"), "must be >= 0");
            else
                node.weight = w->get<double>();
        }
        if (const json* o = k.get("override_params")) {
            if (isObject(o, at("override_params")))
                node.overrideParams = *o;
        }
        if (const json* r = k.get("retry"))
            node.retry = parseRetry(*r, at("retry"));
        if (const json* c = k.get("cache"))
            node.cache = parseCache(*c, at("cache"));
        node.requestTimeoutMs = millis(k.get("request_timeout"), at("request_timeout"));
        if (const json* h = k.get("custom_host")) {
            if (!h->is_string()) {
                error(at("custom_host"), "must be a string");
            } else if (const auto e = validateCustomHost(QByteArray::fromStdString(h->get<std::string>()), QStringLiteral("custom_host"))) {
                error(at("custom_host"), e->message.toStdString());
            } else {
                node.customHost = h->get<std::string>();
            }
        }
        if (const json* f = k.get("forward_headers"))
            node.forwardHeaders = parseForwardHeaders(*f, at("forward_headers"));
        node.strictOpenAiCompliance = boolean(k.get("strict_open_ai_compliance"), at("strict_open_ai_compliance"));

        if (const json* t = k.get("total_timeout")) {
            if (!root)
                error(at("total_timeout"), "only allowed at the top level of the config (it bounds the whole request)");
            else
                node.totalTimeoutMs = millis(t, at("total_timeout"));
        }
        node.firstTokenTimeoutMs = millis(k.get("first_token_timeout"), at("first_token_timeout"));
        if (const json* b = k.get("circuit_breaker"))
            node.circuitBreaker = parseBreaker(*b, at("circuit_breaker"));

        if (const json* c = k.get("on_status_codes")) {
            if (statusCodes(c, at("on_status_codes"))) {
                warn(at("on_status_codes"), "accepted but not applied (Portkey ignores it here too); "
                                            "use strategy.on_status_codes or retry.on_status_codes");
            }
        }
        for (std::string_view hook : kHookKeys) {
            if (const json* h = k.get(hook)) {
                if (!h->is_array())
                    error(at(hook), "must be an array");
                else
                    warn(at(hook), "accepted but not applied yet");
            }
        }
        if (k.get("cb_config"))
            warn(at("cb_config"), "accepted but not applied; Gatehouse's circuit breaker is set with 'circuit_breaker'");

        checkStructure(k, path, root, strategyJson != nullptr, targetsJson, node);
    }

    void checkStructure(const Keys& k, const std::string& path, bool root, bool hasStrategy,
                        const json* targetsJson, const TargetNode& node)
    {
        auto at = [&](std::string_view key) { return k.path(path, key); };
        if (!hasStrategy) {
            if (targetsJson) {
                error(childKey(path, "strategy"), "required when 'targets' is given, e.g. {\"mode\": \"fallback\"}");
            } else if (!root && !k.get("provider") && !k.get("virtual_key")) {
                error(path, "a target needs 'provider' (or 'virtual_key'), or 'strategy' and 'targets'");
            }
            // The top-level node may name no provider: x-portkey-provider and Authorization are used
            // then. Even {} is accepted (it changes nothing), so every canonical form parses again.
            // A virtual key may carry the region and project: then they are checked per request.
            if (node.provider == "vertex-ai" && !node.virtualKey
                && (!node.providerOptions.contains("vertex_region")
                    || (!node.providerOptions.contains("vertex_project_id") && !node.providerOptions.contains("vertex_service_account_json")))) {
                error(path, "provider 'vertex-ai' needs 'vertex_region' and 'vertex_project_id' or 'vertex_service_account_json' "
                            "(or a 'virtual_key' that holds them)");
            }
            return;
        }

        // A strategy node: who to call is decided by its targets; credentials are not inherited.
        for (std::string_view key : {std::string_view("provider"), std::string_view("api_key"), std::string_view("virtual_key")}) {
            if (k.get(key))
                error(at(key), "not used on a strategy node (provider and credentials are not inherited); set it on each target");
        }
        for (const auto& [key, entry] : k.providerOptions)
            error(childKey(path, entry.original), "not used on a strategy node (provider options are not inherited); set it on each target");
        if (!targetsJson) {
            error(childKey(path, "targets"), "required: a node with a 'strategy' needs a non-empty 'targets' array");
            return;
        }
        if (!targetsJson->is_array())
            return;   // reported
        const std::string tpath = at("targets");
        if (targetsJson->empty()) {
            error(tpath, "must not be empty");
            return;
        }
        if (!node.strategy || node.targets.size() != targetsJson->size())
            return;   // the strategy itself is invalid (reported), or the targets were not read

        std::map<std::string, std::size_t> names;
        for (std::size_t i = 0; i < node.targets.size(); ++i) {
            const auto& name = node.targets[i].name;
            if (!name)
                continue;
            if (const auto [it, inserted] = names.emplace(*name, i); !inserted) {
                error(childKey(childIndex(tpath, i), "name"),
                      "duplicate name '" + display(*name) + "' (also " + childIndex(tpath, it->second) + ")");
            }
        }

        const Strategy& s = *node.strategy;
        switch (s.mode) {
        case StrategyMode::Single:
            for (std::size_t i = 1; i < node.targets.size(); ++i)
                error(childIndex(tpath, i), "unreachable target: mode 'single' uses only targets[0]");
            break;
        case StrategyMode::Loadbalance: {
            const bool allZero = std::all_of(node.targets.begin(), node.targets.end(), [](const TargetNode& t) { return t.weight == 0; });
            if (allZero)
                error(tpath, "every weight is 0: loadbalance would never choose a target");
            break;
        }
        case StrategyMode::Fallback:
            break;
        case StrategyMode::Conditional: {
            const std::string spath = at("strategy");
            std::set<std::string> used;
            for (std::size_t i = 0; i < s.conditions.size(); ++i) {
                const std::string& then = s.conditions[i].then;
                if (then.empty())
                    continue;   // reported
                used.insert(then);
                if (!names.count(then)) {
                    error(childKey(childIndex(childKey(spath, "conditions"), i), "then"),
                          "no target named '" + display(then) + "' in " + tpath);
                }
            }
            if (s.defaultTarget) {
                used.insert(*s.defaultTarget);
                if (!names.count(*s.defaultTarget))
                    error(childKey(spath, "default"), "no target named '" + display(*s.defaultTarget) + "' in " + tpath);
            }
            for (std::size_t i = 0; i < node.targets.size(); ++i) {
                const auto& name = node.targets[i].name;
                if (!name) {
                    error(childIndex(tpath, i), "unreachable target: it has no 'name' for a condition or the default to use");
                } else if (!used.count(*name) && names[*name] == i) {
                    error(childIndex(tpath, i), "unreachable target: no condition or default names '" + display(*name) + "'");
                }
            }
            break;
        }
        }
    }

    std::optional<std::string> suggestProvider(const std::string& id) const
    {
        if (providerIds_ && !providerIds_->empty()) {
            std::vector<std::string_view> candidates(providerIds_->begin(), providerIds_->end());
            return closest(id, candidates);
        }
        // Only the predicate: try every id one edit away (deletion, transposition, substitution, insertion).
        if (id.empty() || id.size() > 64)
            return std::nullopt;
        static constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789-";
        std::set<std::string> found;
        auto consider = [&](const std::string& candidate) {
            if ((*isKnownProvider_)(candidate))
                found.insert(candidate);
        };
        for (std::size_t i = 0; i <= id.size(); ++i) {
            if (i < id.size()) {
                consider(id.substr(0, i) + id.substr(i + 1));
                if (i + 1 < id.size()) {
                    std::string t = id;
                    std::swap(t[i], t[i + 1]);
                    consider(t);
                }
                for (char c : kAlphabet) {
                    if (c != id[i]) {
                        std::string t = id;
                        t[i] = c;
                        consider(t);
                    }
                }
            }
            for (char c : kAlphabet)
                consider(id.substr(0, i) + c + id.substr(i));
        }
        if (found.empty())
            return std::nullopt;
        return *found.begin();
    }

    const ProviderPredicate* isKnownProvider_;
    const std::vector<std::string>* providerIds_;
    std::vector<ConfigIssue> errors_;
    std::vector<ConfigIssue> warnings_;
};

ConfigParseResult parseText(QByteArrayView text, const ProviderPredicate* isKnownProvider,
                            const std::vector<std::string>* providerIds)
{
    const json j = json::parse(text.begin(), text.end(), nullptr, false);
    if (j.is_discarded()) {
        ConfigParseResult r;
        r.errors.push_back({"", text.trimmed().isEmpty() ? "is empty" : "is not valid JSON"});
        return r;
    }
    return Parser(isKnownProvider, providerIds).run(j);
}

json conditionJson(const Condition& c)
{
    return json{{"query", c.query}, {"then", c.then}};
}

} // namespace

ConfigParseResult parseRoutingConfig(const nlohmann::json& j)
{
    return Parser(nullptr, nullptr).run(j);
}

ConfigParseResult parseRoutingConfig(QByteArrayView text)
{
    return parseText(text, nullptr, nullptr);
}

ConfigParseResult parseRoutingConfig(const nlohmann::json& j, const ProviderPredicate& isKnownProvider,
                                     const std::vector<std::string>& providerIds)
{
    return Parser(&isKnownProvider, &providerIds).run(j);
}

ConfigParseResult parseRoutingConfig(QByteArrayView text, const ProviderPredicate& isKnownProvider,
                                     const std::vector<std::string>& providerIds)
{
    return parseText(text, &isKnownProvider, &providerIds);
}

void to_json(nlohmann::json& j, const TargetNode& node)
{
    j = json::object();
    if (node.id) j["id"] = *node.id;
    if (node.name) j["name"] = *node.name;
    if (node.provider) j["provider"] = *node.provider;
    if (node.apiKey) j["api_key"] = *node.apiKey;
    if (node.virtualKey) j["virtual_key"] = *node.virtualKey;
    if (node.providerOptions.is_object()) {
        for (const auto& [key, value] : node.providerOptions.items())
            j[key] = value;
    }
    if (node.strategy) {
        const Strategy& s = *node.strategy;
        json sj = json::object();
        sj["mode"] = modeName(s.mode);
        if (!s.onStatusCodes.empty())
            sj["on_status_codes"] = s.onStatusCodes;
        if (!s.conditions.empty()) {
            json conditions = json::array();
            for (const Condition& c : s.conditions)
                conditions.push_back(conditionJson(c));
            sj["conditions"] = std::move(conditions);
        }
        if (s.defaultTarget)
            sj["default"] = *s.defaultTarget;
        j["strategy"] = std::move(sj);
    }
    if (!node.targets.empty()) {
        json targets = json::array();
        for (const TargetNode& t : node.targets)
            targets.push_back(t);
        j["targets"] = std::move(targets);
    }
    if (node.weight != 1.0) {
        if (node.weight == std::floor(node.weight) && node.weight < 9e15)
            j["weight"] = static_cast<long long>(node.weight);
        else
            j["weight"] = node.weight;
    }
    if (node.overrideParams.is_object() && !node.overrideParams.empty())
        j["override_params"] = node.overrideParams;
    if (node.retry) {
        json r = json::object();
        r["attempts"] = node.retry->attempts;
        if (!node.retry->onStatusCodes.empty())
            r["on_status_codes"] = node.retry->onStatusCodes;
        if (node.retry->useRetryAfterHeader)
            r["use_retry_after_header"] = true;
        j["retry"] = std::move(r);
    }
    if (node.cache) {
        json c = json::object();
        c["mode"] = node.cache->mode;
        if (node.cache->maxAgeMs)
            c["max_age"] = *node.cache->maxAgeMs;
        if (node.cache->similarityThreshold)
            c["similarity_threshold"] = *node.cache->similarityThreshold;
        if (node.cache->embedMessages)
            c["embed_messages"] = *node.cache->embedMessages;
        if (const auto& e = node.cache->embedding) {
            json ej = json::object();
            if (e->provider) ej["provider"] = *e->provider;
            if (e->virtualKey) ej["virtual_key"] = *e->virtualKey;
            if (e->apiKey) ej["api_key"] = *e->apiKey;
            if (e->customHost) ej["custom_host"] = *e->customHost;
            ej["model"] = e->model;
            if (e->requestTimeoutMs) ej["request_timeout"] = *e->requestTimeoutMs;
            c["embedding"] = std::move(ej);
        }
        j["cache"] = std::move(c);
    }
    if (node.requestTimeoutMs) j["request_timeout"] = *node.requestTimeoutMs;
    if (node.customHost) j["custom_host"] = *node.customHost;
    if (node.forwardHeaders) j["forward_headers"] = *node.forwardHeaders;
    if (node.strictOpenAiCompliance) j["strict_open_ai_compliance"] = *node.strictOpenAiCompliance;
    if (node.totalTimeoutMs) j["total_timeout"] = *node.totalTimeoutMs;
    if (node.firstTokenTimeoutMs) j["first_token_timeout"] = *node.firstTokenTimeoutMs;
    if (node.circuitBreaker) {
        j["circuit_breaker"] = json{{"failure_threshold", node.circuitBreaker->failureThreshold},
                                    {"window_ms", node.circuitBreaker->windowMs},
                                    {"cooldown_ms", node.circuitBreaker->cooldownMs}};
    }
}

} // namespace gatehouse
