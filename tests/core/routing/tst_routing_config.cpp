// parseRoutingConfig / to_json: Portkey's config object (spec §3) as Gatehouse validates it.
#include "routing/routing_config.h"

#include <QTest>

#include <algorithm>
#include <random>
#include <set>

using gatehouse::ConfigIssue;
using gatehouse::ConfigParseResult;
using gatehouse::formatConfigIssue;
using gatehouse::parseRoutingConfig;
using gatehouse::StrategyMode;
using gatehouse::TargetNode;
using nlohmann::json;

namespace {

ConfigParseResult parse(const QByteArray& text)
{
    return parseRoutingConfig(QByteArrayView(text));
}

std::vector<std::string> formatted(const std::vector<ConfigIssue>& issues)
{
    std::vector<std::string> out;
    for (const ConfigIssue& i : issues)
        out.push_back(formatConfigIssue(i));
    return out;
}

QByteArray joined(const std::vector<ConfigIssue>& issues)
{
    QByteArray out;
    for (const std::string& s : formatted(issues))
        out += "\n  " + QByteArray::fromStdString(s);
    return out.isEmpty() ? QByteArray("(none)") : out;
}

bool hasIssue(const std::vector<ConfigIssue>& issues, const std::string& text)
{
    const auto all = formatted(issues);
    return std::find(all.begin(), all.end(), text) != all.end();
}

bool hasIssueContaining(const std::vector<ConfigIssue>& issues, const std::string& text)
{
    const auto all = formatted(issues);
    return std::any_of(all.begin(), all.end(), [&](const std::string& s) { return s.find(text) != std::string::npos; });
}

// A known-provider predicate standing in for the provider registry.
const std::set<std::string>& providerTable()
{
    static const std::set<std::string> ids{"openai", "anthropic", "azure-openai", "groq", "mistral-ai", "ollama",
                                           "vertex-ai", "bedrock", "mock", "together-ai"};
    return ids;
}
bool knownProvider(const std::string& id) { return providerTable().count(id) > 0; }

json canonical(const ConfigParseResult& r)
{
    return json(r.config->root);
}

} // namespace

#define COMPARE_JSON(actual, expected)                                                            \
    do {                                                                                          \
        const json actual_ = (actual);                                                            \
        const json expected_ = (expected);                                                        \
        QVERIFY2(actual_ == expected_, (actual_.dump() + " != " + expected_.dump()).c_str());     \
    } while (false)

// (Raw strings stay out of macro arguments: moc's preprocessor cannot read them there.)
#define REQUIRE_VALID(result) \
    QVERIFY2((result).config != nullptr, ("expected a valid config, got:" + joined((result).errors)).constData())

class TestRoutingConfig : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void specExamples_data();
    void specExamples();
    void portkeyLoadbalanceWithVirtualKeys();
    void portkeyConditionalRouting();
    void portkeyFallback();
    void topLevelLeafUsesHeaderProvider();
    void fullConfigFields();
    void camelCaseKeys();
    void camelAndSnakeTwiceIsAnError();
    void providerOptions();
    void invalidConfigs_data();
    void invalidConfigs();
    void everyErrorIsReported();
    void didYouMean_data();
    void didYouMean();
    void unknownProviderWithPredicate();
    void unknownProviderWithList();
    void noProviderCheckWithoutPredicate();
    void hooksAreWarnings();
    void strategyStatusCodesOutsideFallbackWarn();
    void roundTrip_data();
    void roundTrip();
    void textErrors();
    void deepNestingIsRefused();
    void retryPolicyDefaults();
    void pathsOfOddKeysAreQuoted();
    void randomInputNeverThrows();
};

void TestRoutingConfig::specExamples_data()
{
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<int>("warnings");
    QTest::newRow("README retry + output_guardrails")
        << QByteArray(R"({"retry": {"attempts": 5},
                         "output_guardrails": [{"default.contains": {"operator": "none", "words": ["Apple"]}, "deny": true}]})")
        << 1;
    QTest::newRow("automatic retries") << QByteArray(R"({"retry": {"attempts": 3, "on_status_codes": [429]}})") << 0;
    QTest::newRow("cache simple") << QByteArray(R"({"cache": {"mode": "simple"}})") << 0;
    QTest::newRow("cache semantic") << QByteArray(R"({"cache": {"mode": "semantic"}})") << 0;
    QTest::newRow("tryPost retry 401") << QByteArray(R"({"retry":{"attempts":2,"on_status_codes":[401]}})") << 0;
    QTest::newRow("tryPost request_timeout") << QByteArray(R"({"request_timeout":500})") << 0;
    QTest::newRow("tryPost cache maxAge") << QByteArray(R"({"cache":{"mode":"simple","maxAge":5000}})") << 0;
    QTest::newRow("custom host config")
        << QByteArray(R"({"provider":"openai","api_key":"x","custom_host":"http://127.0.0.1:9000/v1"})") << 0;
}

void TestRoutingConfig::specExamples()
{
    QFETCH(QByteArray, config);
    QFETCH(int, warnings);
    const ConfigParseResult r = parse(config);
    REQUIRE_VALID(r);
    QCOMPARE(int(r.config->warnings.size()), warnings);
    QVERIFY(r.config->root.isLeaf());
}

void TestRoutingConfig::portkeyLoadbalanceWithVirtualKeys()
{
    const ConfigParseResult r = parse(QByteArray(R"({"strategy": {"mode": "loadbalance"},
     "targets": [
       {"virtual_key": "ANTHROPIC_VIRTUAL_KEY", "weight": 0.5,
        "override_params": {"max_tokens": 200, "model": "claude-3-opus-20240229"}},
       {"strategy": {"mode": "fallback"},
        "targets": [{"virtual_key": "OPENAI_VIRTUAL_KEY"}, {"virtual_key": "AZURE_OPENAI_VIRTUAL_KEY"}],
        "weight": 0.5}]})"));
    REQUIRE_VALID(r);
    const TargetNode& root = r.config->root;
    QVERIFY(!root.isLeaf());
    QCOMPARE(root.strategy->mode, StrategyMode::Loadbalance);
    QCOMPARE(root.targets.size(), std::size_t(2));
    QCOMPARE(root.targets[0].virtualKey.value_or(""), std::string("ANTHROPIC_VIRTUAL_KEY"));
    QCOMPARE(root.targets[0].weight, 0.5);
    COMPARE_JSON(root.targets[0].overrideParams["max_tokens"], json(200));
    QCOMPARE(root.targets[1].strategy->mode, StrategyMode::Fallback);
    QCOMPARE(root.targets[1].targets.size(), std::size_t(2));
    QVERIFY(root.targets[1].targets[1].isLeaf());
    QVERIFY(r.config->warnings.empty());
}

void TestRoutingConfig::portkeyConditionalRouting()
{
    const ConfigParseResult r = parse(QByteArray(R"({"strategy": {"mode": "conditional",
       "conditions": [{"query": {"metadata.user_plan": {"$eq": "paid"}}, "then": "anthropic-claude"},
                      {"query": {"metadata.user_plan": {"$eq": "free"}}, "then": "openai-gpt-4"}],
       "default": "openai-gpt-4"},
     "targets": [
       {"name": "anthropic-claude", "provider": "anthropic", "api_key": "YOUR_ANTHROPIC_API_KEY", "override_params": {"model": "claude-3-5-sonnet-20240620"}},
       {"name": "openai-gpt-4", "provider": "openai", "api_key": "YOUR_OPENAI_API_KEY", "override_params": {"model": "gpt-4o"}}]})"));
    REQUIRE_VALID(r);
    const auto& s = *r.config->root.strategy;
    QCOMPARE(s.mode, StrategyMode::Conditional);
    QCOMPARE(s.conditions.size(), std::size_t(2));
    QCOMPARE(s.conditions[0].then, std::string("anthropic-claude"));
    const json freeQuery = json::parse(R"({"metadata.user_plan": {"$eq": "free"}})");
    COMPARE_JSON(s.conditions[1].query, freeQuery);
    QCOMPARE(s.defaultTarget.value_or(""), std::string("openai-gpt-4"));
    QCOMPARE(r.config->root.targets[1].provider.value_or(""), std::string("openai"));
    QCOMPARE(r.config->root.targets[1].apiKey.value_or(""), std::string("YOUR_OPENAI_API_KEY"));
}

void TestRoutingConfig::portkeyFallback()
{
    const ConfigParseResult r = parse(QByteArray(R"({"strategy":{"mode":"fallback"},"targets":[
        {"provider":"anthropic","api_key":"a","override_params":{"model":"claude-3-5-sonnet-20240620"}},
        {"provider":"openai","api_key":"o","override_params":{"model":"gpt-4o"}}]})"));
    REQUIRE_VALID(r);
    QCOMPARE(r.config->root.strategy->mode, StrategyMode::Fallback);
    QVERIFY(r.config->root.strategy->onStatusCodes.empty());
    COMPARE_JSON(r.config->root.targets[0].overrideParams["model"], json("claude-3-5-sonnet-20240620"));

    const ConfigParseResult narrowed = parse(QByteArray(R"({"strategy":{"mode":"fallback","on_status_codes":[429,503]},
        "targets":[{"provider":"openai"},{"provider":"groq"}]})"));
    REQUIRE_VALID(narrowed);
    QCOMPARE(narrowed.config->root.strategy->onStatusCodes, (std::vector<int>{429, 503}));
}

void TestRoutingConfig::topLevelLeafUsesHeaderProvider()
{
    const ConfigParseResult r = parse(QByteArray(R"({"retry": {"attempts": 2}, "request_timeout": 1000, "override_params": {"temperature": 0}})"));
    REQUIRE_VALID(r);
    const TargetNode& root = r.config->root;
    QVERIFY(root.isLeaf());
    QVERIFY(!root.provider);
    QVERIFY(!root.virtualKey);
    QCOMPARE(root.retry->attempts, 2);
    QCOMPARE(root.requestTimeoutMs.value_or(0), 1000);

    // Even an empty config is accepted (Portkey refuses it): it changes nothing.
    const ConfigParseResult empty = parse("{}");
    REQUIRE_VALID(empty);
    QVERIFY(empty.config->root.isLeaf());
}

void TestRoutingConfig::fullConfigFields()
{
    const ConfigParseResult r = parse(QByteArray(R"({
      "id": "cfg-1", "name": "main", "total_timeout": 20000,
      "strategy": {"mode": "fallback", "on_status_codes": [429, 500]},
      "retry": {"attempts": 3, "on_status_codes": [429], "use_retry_after_header": true},
      "cache": {"mode": "simple", "max_age": 60000},
      "request_timeout": 5000, "first_token_timeout": 2000,
      "custom_host": "http://localhost:11434/v1",
      "forward_headers": ["X-Custom-Header", " x-trace "],
      "strict_open_ai_compliance": false,
      "override_params": {"temperature": 0.2},
      "circuit_breaker": {"failure_threshold": 3, "window_ms": 10000, "cooldown_ms": 5000},
      "targets": [
        {"id": "primary", "provider": "ollama", "weight": 2, "override_params": {"model": "llama3"}},
        {"provider": "openai", "api_key": "sk-x", "openai_project": "proj_1",
         "circuit_breaker": {"failure_threshold": 1}}
      ]})"));
    REQUIRE_VALID(r);
    const TargetNode& n = r.config->root;
    QCOMPARE(n.id.value_or(""), std::string("cfg-1"));
    QCOMPARE(n.name.value_or(""), std::string("main"));
    QCOMPARE(n.totalTimeoutMs.value_or(0), 20000);
    QCOMPARE(n.retry->attempts, 3);
    QCOMPARE(n.retry->onStatusCodes, std::vector<int>{429});
    QVERIFY(n.retry->useRetryAfterHeader);
    QCOMPARE(n.cache->mode, std::string("simple"));
    QCOMPARE(n.cache->maxAgeMs.value_or(-1), 60000LL);
    QCOMPARE(n.requestTimeoutMs.value_or(0), 5000);
    QCOMPARE(n.firstTokenTimeoutMs.value_or(0), 2000);
    QCOMPARE(n.customHost.value_or(""), std::string("http://localhost:11434/v1"));
    QCOMPARE(*n.forwardHeaders, (std::vector<std::string>{"x-custom-header", "x-trace"}));
    QCOMPARE(n.strictOpenAiCompliance, std::optional<bool>(false));
    QCOMPARE(n.circuitBreaker->failureThreshold, 3);
    QCOMPARE(n.circuitBreaker->windowMs, 10000);
    QCOMPARE(n.circuitBreaker->cooldownMs, 5000);
    QCOMPARE(n.targets[0].id.value_or(""), std::string("primary"));
    QCOMPARE(n.targets[0].weight, 2.0);
    COMPARE_JSON(n.targets[1].providerOptions["openai_project"], json("proj_1"));
    QCOMPARE(n.targets[1].circuitBreaker->failureThreshold, 1);
    QCOMPARE(n.targets[1].circuitBreaker->windowMs, 60000);   // defaults for the keys left out
    QCOMPARE(n.targets[1].circuitBreaker->cooldownMs, 30000);
}

void TestRoutingConfig::camelCaseKeys()
{
    const ConfigParseResult r = parse(QByteArray(R"({"strategy": {"mode": "fallback", "onStatusCodes": [503]},
        "retry": {"attempts": 1, "onStatusCodes": [429], "useRetryAfterHeader": true},
        "requestTimeout": 900, "forwardHeaders": ["x-a"], "strictOpenAiCompliance": true,
        "targets": [{"provider": "openai", "apiKey": "k", "overrideParams": {"max_tokens": 5},
                     "customHost": "http://localhost:8080/v1"},
                    {"virtualKey": "vk"}]})"));
    REQUIRE_VALID(r);
    const TargetNode& n = r.config->root;
    QCOMPARE(n.strategy->onStatusCodes, std::vector<int>{503});
    QCOMPARE(n.retry->onStatusCodes, std::vector<int>{429});
    QVERIFY(n.retry->useRetryAfterHeader);
    QCOMPARE(n.requestTimeoutMs.value_or(0), 900);
    QCOMPARE(n.strictOpenAiCompliance, std::optional<bool>(true));
    QCOMPARE(n.targets[0].apiKey.value_or(""), std::string("k"));
    // override_params children are kept as given (Portkey would camel-case them: we do not).
    const json maxTokens = json::parse(R"({"max_tokens": 5})");
    COMPARE_JSON(n.targets[0].overrideParams, maxTokens);
    QCOMPARE(n.targets[0].customHost.value_or(""), std::string("http://localhost:8080/v1"));
    QCOMPARE(n.targets[1].virtualKey.value_or(""), std::string("vk"));
    // The canonical form is snake_case.
    const json j = canonical(r);
    QVERIFY(j["strategy"].contains("on_status_codes"));
    QVERIFY(j.contains("request_timeout"));
    QVERIFY(j["targets"][0].contains("api_key"));
    QVERIFY(j["targets"][0].contains("override_params"));
}

void TestRoutingConfig::camelAndSnakeTwiceIsAnError()
{
    const auto r = parse(R"({"retry": {"attempts": 1, "on_status_codes": [429], "onStatusCodes": [500]}})");
    QVERIFY(!r.config);
    QVERIFY2(hasIssue(r.errors, "retry.on_status_codes: given twice (also as 'onStatusCodes')"), joined(r.errors).constData());
}

void TestRoutingConfig::providerOptions()
{
    const ConfigParseResult r = parse(QByteArray(R"({"provider": "bedrock", "aws_access_key_id": "AK", "aws_secret_access_key": "SK",
        "awsRegion": "us-east-1", "anthropic_version": "2023-06-01", "mistral_fim_completion": "true"})"));
    REQUIRE_VALID(r);
    const json& o = r.config->root.providerOptions;
    COMPARE_JSON(o["aws_access_key_id"], json("AK"));
    COMPARE_JSON(o["aws_region"], json("us-east-1"));   // camelCase stored snake_case
    COMPARE_JSON(o["anthropic_version"], json("2023-06-01"));
    COMPARE_JSON(o["mistral_fim_completion"], json("true"));
    QCOMPARE(o.size(), std::size_t(5));

    const ConfigParseResult v = parse(QByteArray(R"({"provider": "vertex-ai", "vertex_region": "us-central1",
        "vertex_service_account_json": {"type": "service_account"}})"));
    REQUIRE_VALID(v);
    QVERIFY(v.config->root.providerOptions["vertex_service_account_json"].is_object());

    const auto bad = parse(R"({"provider": "vertex-ai", "vertex_project_id": "p"})");
    QVERIFY2(hasIssue(bad.errors, "config: provider 'vertex-ai' needs 'vertex_region' and 'vertex_project_id' or 'vertex_service_account_json' "
                                         "(or a 'virtual_key' that holds them)"),
             joined(bad.errors).constData());
    // A virtual key may hold the region and project: checked when a request uses the target.
    const ConfigParseResult keyed = parse(QByteArray(R"({"strategy": {"mode": "fallback"}, "targets": [
        {"provider": "vertex-ai", "virtual_key": "vx-prod"}, {"provider": "vertex-ai", "vertex_region": "us-central1"}]})"));
    QVERIFY2(!keyed.config, "the second target, without a key, still needs its project");
    QVERIFY2(hasIssueContaining(keyed.errors, "targets[1]: provider 'vertex-ai' needs 'vertex_region'"), joined(keyed.errors).constData());
    QVERIFY2(!hasIssueContaining(keyed.errors, "targets[0]"), joined(keyed.errors).constData());
    const ConfigParseResult keyOnly = parse(R"({"provider": "vertex-ai", "virtual_key": "vx-prod"})");
    REQUIRE_VALID(keyOnly);
    // Provider-family prefixes are open-ended: an aws_* name is kept as a provider option, typo or not.
    const ConfigParseResult family = parse(QByteArray(R"({"provider": "bedrock", "aws_regin": "us-east-1"})"));
    REQUIRE_VALID(family);
    QVERIFY(family.config->root.providerOptions.contains("aws_regin"));

    const auto badType = parse(R"({"provider": "azure-openai", "azure_resource_name": ["x"]})");
    QVERIFY2(hasIssue(badType.errors, "azure_resource_name: must be a string"), joined(badType.errors).constData());
}

void TestRoutingConfig::invalidConfigs_data()
{
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<QString>("issue");
    QTest::addColumn<bool>("exact");

    auto row = [](const char* name, const char* config, const char* issue, bool exact = true) {
        QTest::newRow(name) << QByteArray(config) << QString::fromUtf8(issue) << exact;
    };
    row("mode invalid", R"({"strategy": {"mode": "roundrobin"}, "targets": [{"provider": "openai"}]})",
        "strategy.mode: Invalid 'mode' value. Must be one of: single, loadbalance, fallback, conditional");
    row("mode missing", R"({"strategy": {}, "targets": [{"provider": "openai"}]})",
        "strategy.mode: required; must be one of: single, loadbalance, fallback, conditional");
    row("mode at top level", R"({"mode": "fallback", "targets": [{"provider": "openai"}]})",
        "mode: belongs inside 'strategy', e.g. {\"strategy\": {\"mode\": \"fallback\"}, \"targets\": [...]}");
    row("legacy options", R"({"mode": "single", "options": [{"provider": "openai"}]})",
        "options: This version of config is not supported in this route. Please migrate to the latest version ('strategy' and 'targets')");
    row("strategy without targets", R"({"strategy": {"mode": "fallback"}})",
        "targets: required: a node with a 'strategy' needs a non-empty 'targets' array");
    row("empty targets", R"({"strategy": {"mode": "fallback"}, "targets": []})", "targets: must not be empty");
    row("targets without strategy", R"({"targets": [{"provider": "openai"}]})",
        "strategy: required when 'targets' is given, e.g. {\"mode\": \"fallback\"}");
    row("negative weight", R"({"strategy": {"mode": "loadbalance"}, "targets": [{"provider": "openai"}, {"provider": "groq", "weight": -1}]})",
        "targets[1].weight: must be >= 0");
    row("weight not a number", R"({"strategy": {"mode": "loadbalance"}, "targets": [{"provider": "openai", "weight": "3"}]})",
        "targets[0].weight: must be a number");
    row("all weights zero", R"({"strategy": {"mode": "loadbalance"}, "targets": [{"provider": "openai", "weight": 0}, {"provider": "groq", "weight": 0}]})",
        "targets: every weight is 0: loadbalance would never choose a target");
    row("leaf without provider", R"({"strategy": {"mode": "fallback"}, "targets": [{"provider": "openai"}, {"api_key": "sk"}]})",
        "targets[1]: a target needs 'provider' (or 'virtual_key'), or 'strategy' and 'targets'");
    row("status code out of range", R"({"strategy": {"mode": "fallback", "on_status_codes": [503, 99]}, "targets": [{"provider": "openai"}]})",
        "strategy.on_status_codes[1]: must be an HTTP status code from 100 to 599");
    row("status codes not an array", R"({"retry": {"attempts": 2, "on_status_codes": 429}})",
        "retry.on_status_codes: must be an array of HTTP status codes, e.g. [429, 503]");
    row("status codes empty", R"({"retry": {"attempts": 2, "on_status_codes": []}})",
        "retry.on_status_codes: must not be empty (leave it out for the default)");
    row("retry attempts too many", R"({"retry": {"attempts": 11}})", "retry.attempts: must be an integer from 0 to 10");
    row("retry attempts fractional", R"({"retry": {"attempts": 2.5}})", "retry.attempts: must be an integer from 0 to 10");
    row("retry attempts missing", R"({"retry": {"on_status_codes": [429]}})",
        "retry.attempts: required: the number of retries after the first call, from 0 to 10");
    row("use_retry_after_header not bool", R"({"retry": {"attempts": 1, "use_retry_after_header": "yes"}})",
        "retry.use_retry_after_header: must be true or false");
    row("request_timeout zero", R"({"request_timeout": 0})",
        "request_timeout: must be an integer number of milliseconds from 1 to 3600000");
    row("request_timeout too large", R"({"targets": [{"provider": "openai", "request_timeout": 3600001}], "strategy": {"mode": "single"}})",
        "targets[0].request_timeout: must be an integer number of milliseconds from 1 to 3600000");
    row("cache mode", R"({"cache": {"mode": "fuzzy"}})", "cache.mode: must be 'simple' or 'semantic'");
    row("cache max_age negative", R"({"cache": {"mode": "simple", "max_age": -5}})",
        "cache.max_age: must be an integer number of milliseconds >= 0");
    row("cache similarity_threshold above 1", R"({"cache": {"mode": "semantic", "similarity_threshold": 1.5}})",
        "cache.similarity_threshold: must be a number above 0 and at most 1");
    row("cache similarity_threshold not a number", R"({"cache": {"mode": "semantic", "similarityThreshold": "high"}})",
        "cache.similarityThreshold: must be a number above 0 and at most 1");
    row("cache embed_messages", R"({"cache": {"mode": "semantic", "embed_messages": "first"}})",
        "cache.embed_messages: must be 'last_user', 'user' or 'all'");
    row("cache embedding without model", R"({"cache": {"mode": "semantic", "embedding": {"provider": "openai"}}})",
        "cache.embedding.model: required: the embedding model", false);
    row("cache embedding without target", R"({"cache": {"mode": "semantic", "embedding": {"model": "m"}}})",
        "cache.embedding.provider: required", false);
    row("cache embedding provider and key", R"({"cache": {"mode": "semantic", "embedding": {"provider": "openai", "virtual_key": "k", "model": "m"}}})",
        "cache.embedding.virtual_key: give either 'provider' or 'virtual_key', not both", false);
    row("cache embedding key with host", R"({"cache": {"mode": "semantic", "embedding": {"virtual_key": "k", "customHost": "http://localhost:1/v1", "model": "m"}}})",
        "cache.embedding.customHost: cannot be combined with 'virtual_key'", false);
    row("cache embedding timeout", R"({"cache": {"mode": "semantic", "embedding": {"provider": "openai", "model": "m", "request_timeout": 0}}})",
        "cache.embedding.request_timeout: must be an integer number of milliseconds from 1 to 3600000");
    row("cache embedding unknown key", R"({"cache": {"mode": "semantic", "embedding": {"provider": "openai", "model": "m", "dimension": 3}}})",
        "cache.embedding.dimension: unknown key", false);
    row("cache embedding host", R"({"cache": {"mode": "semantic", "embedding": {"provider": "ollama", "model": "m", "custom_host": "ftp://x"}}})",
        "cache.embedding.custom_host: Invalid custom_host", false);
    row("custom host", R"({"provider": "openai", "custom_host": "ftp://example.com"})",
        "custom_host: Invalid custom_host: it must be an http:// or https:// base URL", false);
    row("custom host metadata endpoint", R"({"provider": "openai", "custom_host": "http://169.254.169.254/v1"})",
        "custom_host: Invalid custom_host: cloud metadata endpoints", false);
    row("forward_headers loop", R"({"forward_headers": ["x-a", "X-Portkey-Forward-Headers"]})",
        "forward_headers[1]: forward_headers must not contain the 'x-portkey-forward-headers' header");
    row("forward_headers not strings", R"({"forward_headers": "x-a"})",
        "forward_headers: must be an array of header names, e.g. [\"x-custom-header\"]");
    row("override_params not object", R"({"override_params": ["model"]})", "override_params: must be an object");
    row("conditional then unknown", R"({"strategy": {"mode": "conditional",
            "conditions": [{"query": {"metadata.plan": "paid"}, "then": "gpt"}], "default": "claude"},
            "targets": [{"name": "claude", "provider": "anthropic"}]})",
        "strategy.conditions[0].then: no target named 'gpt' in targets");
    row("conditional default unknown", R"({"strategy": {"mode": "conditional",
            "conditions": [{"query": {"metadata.plan": "paid"}, "then": "claude"}], "default": "gpt"},
            "targets": [{"name": "claude", "provider": "anthropic"}]})",
        "strategy.default: no target named 'gpt' in targets");
    row("conditional unreachable target", R"({"strategy": {"mode": "conditional",
            "conditions": [{"query": {"metadata.plan": "paid"}, "then": "claude"}]},
            "targets": [{"name": "claude", "provider": "anthropic"}, {"name": "gpt", "provider": "openai"}]})",
        "targets[1]: unreachable target: no condition or default names 'gpt'");
    row("conditional unnamed target", R"({"strategy": {"mode": "conditional",
            "conditions": [{"query": {"metadata.plan": "paid"}, "then": "claude"}]},
            "targets": [{"name": "claude", "provider": "anthropic"}, {"provider": "openai"}]})",
        "targets[1]: unreachable target: it has no 'name' for a condition or the default to use");
    row("conditional bad query", R"({"strategy": {"mode": "conditional",
            "conditions": [{"query": {"metadata.plan": {"$like": "p%"}}, "then": "claude"}]},
            "targets": [{"name": "claude", "provider": "anthropic"}]})",
        "strategy.conditions[0].query: 'metadata.plan': unknown operator '$like'; use $eq, $ne, $gt, $gte, $lt, $lte, $in, $nin or $regex");
    row("conditional bad regex", R"({"strategy": {"mode": "conditional",
            "conditions": [{"query": {"params.model": {"$regex": "gpt-(4"}}, "then": "claude"}]},
            "targets": [{"name": "claude", "provider": "anthropic"}]})",
        "strategy.conditions[0].query: 'params.model': $regex: invalid regular expression", false);
    row("conditional without conditions", R"({"strategy": {"mode": "conditional", "default": "a"}, "targets": [{"name": "a", "provider": "openai"}]})",
        "strategy.conditions: required for mode 'conditional'");
    row("conditions outside conditional", R"({"strategy": {"mode": "fallback", "conditions": [{"query": {}, "then": "a"}]},
            "targets": [{"name": "a", "provider": "openai"}]})",
        "strategy.conditions: only used with mode 'conditional'");
    row("duplicate names", R"({"strategy": {"mode": "fallback"}, "targets": [{"name": "a", "provider": "openai"}, {"name": "a", "provider": "groq"}]})",
        "targets[1].name: duplicate name 'a' (also targets[0])");
    row("single with unreachable targets", R"({"strategy": {"mode": "single"}, "targets": [{"provider": "openai"}, {"provider": "groq"}]})",
        "targets[1]: unreachable target: mode 'single' uses only targets[0]");
    row("provider on strategy node", R"({"provider": "openai", "strategy": {"mode": "fallback"}, "targets": [{"provider": "groq"}]})",
        "provider: not used on a strategy node (provider and credentials are not inherited); set it on each target");
    row("total_timeout nested", R"({"strategy": {"mode": "fallback"}, "targets": [{"provider": "openai", "total_timeout": 1000}]})",
        "targets[0].total_timeout: only allowed at the top level of the config (it bounds the whole request)");
    row("circuit breaker threshold", R"({"circuit_breaker": {"failure_threshold": 0}})",
        "circuit_breaker.failure_threshold: must be an integer from 1 to 1000");
    row("circuit breaker unknown key", R"({"circuit_breaker": {"threshold": 3}})",
        "circuit_breaker.threshold: unknown key; expected one of: failure_threshold, window_ms, cooldown_ms");
    row("provider empty", R"({"provider": ""})", "provider: must not be empty");
    row("provider not a string", R"({"provider": 7})", "provider: must be a string");
    row("target not an object", R"({"strategy": {"mode": "fallback"}, "targets": ["openai"]})", "targets[0]: must be an object");
    row("hooks not an array", R"({"before_request_hooks": {"id": "x"}})", "before_request_hooks: must be an array");
    row("nested path", R"({"strategy": {"mode": "loadbalance"}, "targets": [{"provider": "openai"},
            {"strategy": {"mode": "fallback"}, "targets": [{"provider": "groq"}, {"provider": "openai", "retry": {"attempts": -1}}]}]})",
        "targets[1].targets[1].retry.attempts: must be an integer from 0 to 10");
}

void TestRoutingConfig::invalidConfigs()
{
    QFETCH(QByteArray, config);
    QFETCH(QString, issue);
    QFETCH(bool, exact);
    const auto r = parse(config);
    QVERIFY2(!r.config, "expected the config to be refused");
    const std::string want = issue.toStdString();
    const bool found = exact ? hasIssue(r.errors, want) : hasIssueContaining(r.errors, want);
    QVERIFY2(found, ("expected '" + issue.toUtf8() + "' among:" + joined(r.errors)).constData());
}

void TestRoutingConfig::everyErrorIsReported()
{
    const auto r = parse(R"({"strategy": {"mode": "loadbalance"},
        "retry": {"attempts": 99},
        "targets": [{"provider": "openai", "weight": -2},
                    {"provider": "groq", "request_timeout": "soon"},
                    {"provdier": "openai"}]})");
    QVERIFY(!r.config);
    QVERIFY2(hasIssue(r.errors, "retry.attempts: must be an integer from 0 to 10"), joined(r.errors).constData());
    QVERIFY2(hasIssue(r.errors, "targets[0].weight: must be >= 0"), joined(r.errors).constData());
    QVERIFY2(hasIssue(r.errors, "targets[1].request_timeout: must be an integer number of milliseconds from 1 to 3600000"),
             joined(r.errors).constData());
    QVERIFY2(hasIssue(r.errors, "targets[2].provdier: unknown key; did you mean 'provider'?"), joined(r.errors).constData());
    QVERIFY2(hasIssue(r.errors, "targets[2]: a target needs 'provider' (or 'virtual_key'), or 'strategy' and 'targets'"),
             joined(r.errors).constData());
    QCOMPARE(int(r.errors.size()), 5);

    // One bad strategy key does not hide the others.
    const auto s = parse(R"({"strategy": {"mode": "fallback", "on_status_codes": [1], "default": "a"},
        "targets": [{"name": "a", "provider": "openai"}]})");
    QVERIFY2(hasIssue(s.errors, "strategy.on_status_codes[0]: must be an HTTP status code from 100 to 599"), joined(s.errors).constData());
    QVERIFY2(hasIssue(s.errors, "strategy.default: only used with mode 'conditional'"), joined(s.errors).constData());
}

void TestRoutingConfig::didYouMean_data()
{
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<QString>("issue");
    auto row = [](const char* name, const char* config, const char* issue) {
        QTest::newRow(name) << QByteArray(config) << QString::fromUtf8(issue);
    };
    row("strategy.mdoe", R"({"strategy": {"mdoe": "fallback"}, "targets": [{"provider": "openai"}]})",
        "strategy.mdoe: unknown key; did you mean 'mode'?");
    row("retyr", R"({"retyr": {"attempts": 2}})", "retyr: unknown key; did you mean 'retry'?");
    row("overide_params", R"({"provider": "openai", "overide_params": {}})", "overide_params: unknown key; did you mean 'override_params'?");
    row("virtual_kye", R"({"strategy": {"mode": "fallback"}, "targets": [{"virtual_kye": "vk"}]})",
        "targets[0].virtual_kye: unknown key; did you mean 'virtual_key'?");
    row("cache.maxage", R"({"cache": {"mode": "simple", "maxage": 5}})", "cache.maxage: unknown key; did you mean 'max_age'?");
    row("retry.attemps", R"({"retry": {"attemps": 3}})", "retry.attemps: unknown key; did you mean 'attempts'?");
    row("camel typo", R"({"retry": {"attempts": 3, "onStatusCode": [429]}})",
        "retry.onStatusCode: unknown key; did you mean 'on_status_codes'?");
    row("strategy.defualt", R"({"strategy": {"mode": "conditional", "conditions": [{"query": {}, "then": "a"}], "defualt": "a"},
            "targets": [{"name": "a", "provider": "openai"}]})",
        "strategy.defualt: unknown key; did you mean 'default'?");
    row("condition.than", R"({"strategy": {"mode": "conditional", "conditions": [{"query": {}, "than": "a"}]},
            "targets": [{"name": "a", "provider": "openai"}]})",
        "strategy.conditions[0].than: unknown key; did you mean 'then'?");
    row("no suggestion", R"({"provider": "openai", "zzzzzz": 1})", "zzzzzz: unknown key");
    row("small level lists keys", R"({"retry": {"attempts": 1, "foo": 1}})",
        "retry.foo: unknown key; expected one of: attempts, on_status_codes, use_retry_after_header");
}

void TestRoutingConfig::didYouMean()
{
    QFETCH(QByteArray, config);
    QFETCH(QString, issue);
    const auto r = parse(config);
    QVERIFY(!r.config);
    QVERIFY2(hasIssue(r.errors, issue.toStdString()), ("expected '" + issue.toUtf8() + "' among:" + joined(r.errors)).constData());
}

void TestRoutingConfig::unknownProviderWithPredicate()
{
    const auto r = parseRoutingConfig(QByteArrayView(R"({"strategy": {"mode": "fallback"}, "targets": [{"provider": "opena"}, {"provider": "grq"}, {"provider": "zzz-unknown"}]})"),
                                      knownProvider);
    QVERIFY(!r.config);
    QVERIFY2(hasIssue(r.errors, "targets[0].provider: unknown provider 'opena'; did you mean 'openai'?"), joined(r.errors).constData());
    QVERIFY2(hasIssue(r.errors, "targets[1].provider: unknown provider 'grq'; did you mean 'groq'?"), joined(r.errors).constData());
    QVERIFY2(hasIssue(r.errors, "targets[2].provider: unknown provider 'zzz-unknown'"), joined(r.errors).constData());

    const auto ok = parseRoutingConfig(QByteArrayView(R"({"provider": "mock"})"), knownProvider);
    QVERIFY(ok.config);
    QCOMPARE(ok.config->root.provider.value_or(""), std::string("mock"));
}

void TestRoutingConfig::unknownProviderWithList()
{
    const std::vector<std::string> ids(providerTable().begin(), providerTable().end());
    const auto r = parseRoutingConfig(json::parse(R"({"provider": "antropic"})"), knownProvider, ids);
    QVERIFY(!r.config);
    QVERIFY2(hasIssue(r.errors, "provider: unknown provider 'antropic'; did you mean 'anthropic'?"), joined(r.errors).constData());
    const auto two = parseRoutingConfig(json::parse(R"({"provider": "mistral"})"), knownProvider, ids);
    QVERIFY2(hasIssue(two.errors, "provider: unknown provider 'mistral'"), joined(two.errors).constData());
}

void TestRoutingConfig::noProviderCheckWithoutPredicate()
{
    const ConfigParseResult r = parse(QByteArray(R"({"provider": "opena"})"));
    REQUIRE_VALID(r);
    QCOMPARE(r.config->root.provider.value_or(""), std::string("opena"));
    // An empty std::function is the same as none.
    const auto e = parseRoutingConfig(QByteArrayView(R"({"provider": "opena"})"), gatehouse::ProviderPredicate{});
    QVERIFY(e.config);
}

void TestRoutingConfig::hooksAreWarnings()
{
    const ConfigParseResult r = parse(QByteArray(R"({"provider": "openai",
        "before_request_hooks": [{"id": "h1"}], "after_request_hooks": [],
        "input_guardrails": ["pg-1"], "output_guardrails": [{"default.contains": {"words": ["x"]}}],
        "default_input_guardrails": [], "default_output_guardrails": [],
        "input_mutators": [], "output_mutators": [], "on_status_codes": [446]})"));
    REQUIRE_VALID(r);
    const auto& w = r.config->warnings;
    for (const char* key : {"before_request_hooks", "after_request_hooks", "input_guardrails", "output_guardrails",
                            "default_input_guardrails", "default_output_guardrails", "input_mutators", "output_mutators"}) {
        QVERIFY2(hasIssue(w, std::string(key) + ": accepted but not applied yet"), joined(w).constData());
    }
    QVERIFY2(hasIssueContaining(w, "on_status_codes: accepted but not applied"), joined(w).constData());
    QCOMPARE(int(w.size()), 9);
}

void TestRoutingConfig::strategyStatusCodesOutsideFallbackWarn()
{
    const ConfigParseResult r = parse(QByteArray(R"({"strategy": {"mode": "loadbalance", "on_status_codes": [503]},
        "targets": [{"provider": "openai", "input_guardrails": ["g"]}]})"));
    REQUIRE_VALID(r);
    const auto& w = r.config->warnings;
    QVERIFY2(hasIssue(w, "strategy.on_status_codes: has no effect unless mode is 'fallback'"), joined(w).constData());
    QVERIFY2(hasIssue(w, "targets[0].input_guardrails: accepted but not applied yet"), joined(w).constData());
}

void TestRoutingConfig::roundTrip_data()
{
    QTest::addColumn<QByteArray>("config");
    QTest::newRow("retry") << QByteArray(R"({"retry": {"attempts": 3, "on_status_codes": [429]}})");
    QTest::newRow("cache camel") << QByteArray(R"({"cache":{"mode":"simple","maxAge":5000}})");
    QTest::newRow("cache embedding") << QByteArray(R"({"cache":{"mode":"semantic","embedMessages":"all",
        "embedding":{"provider":"ollama","custom_host":"http://localhost:11434/v1","model":"nomic-embed-text","request_timeout":800}}})");
    QTest::newRow("cache embedding key") << QByteArray(R"({"cache":{"mode":"semantic","embedding":{"virtual_key":"emb","model":"text-embedding-3-small"}}})");
    QTest::newRow("loadbalance") << QByteArray(R"({"strategy": {"mode": "loadbalance"},
        "targets": [{"virtual_key": "A", "weight": 0.5, "override_params": {"max_tokens": 200}},
                    {"strategy": {"mode": "fallback"}, "targets": [{"virtual_key": "B"}, {"virtual_key": "C"}], "weight": 0.5}]})");
    QTest::newRow("conditional") << QByteArray(R"({"strategy": {"mode": "conditional",
        "conditions": [{"query": {"$or": [{"metadata.plan": "paid"}, {"params.model": {"$regex": "^gpt"}}]}, "then": "a"}],
        "default": "b"}, "targets": [{"name": "a", "provider": "openai", "apiKey": "k"}, {"name": "b", "provider": "groq", "weight": 0}]})");
    QTest::newRow("everything") << QByteArray(R"({"id": "x", "name": "n", "total_timeout": 9000, "first_token_timeout": 100,
        "strategy": {"mode": "fallback", "on_status_codes": [500]},
        "retry": {"attempts": 1, "use_retry_after_header": true}, "cache": {"mode": "semantic", "max_age": 0, "similarity_threshold": 0.85},
        "request_timeout": 50, "custom_host": "https://example.com/v1", "forward_headers": ["X-A"],
        "strict_open_ai_compliance": false, "circuit_breaker": {"window_ms": 5},
        "override_params": {"temperature": 1},
        "targets": [{"provider": "bedrock", "aws_region": "eu-west-1", "weight": 2.25}, {"provider": "openai", "weight": 3}]})");
}

void TestRoutingConfig::roundTrip()
{
    QFETCH(QByteArray, config);
    const ConfigParseResult first = parse(config);
    REQUIRE_VALID(first);
    const json once = canonical(first);
    const auto second = parseRoutingConfig(once);
    QVERIFY2(second.config, joined(second.errors).constData());
    const json twice = canonical(second);
    QVERIFY2(once == twice, (once.dump() + "\n!=\n" + twice.dump()).c_str());
}

void TestRoutingConfig::textErrors()
{
    const auto bad = parse("{\"provider\": ");
    QVERIFY(!bad.config);
    QVERIFY2(hasIssue(bad.errors, "config: is not valid JSON"), joined(bad.errors).constData());
    const auto empty = parse("  ");
    QVERIFY2(hasIssue(empty.errors, "config: is empty"), joined(empty.errors).constData());
    const auto array = parse("[1, 2]");
    QVERIFY2(hasIssueContaining(array.errors, "config: must be a JSON object"), joined(array.errors).constData());
    const auto id = parse("pc-abc123");
    QVERIFY(!id.config);
}

void TestRoutingConfig::deepNestingIsRefused()
{
    QByteArray deep = "{\"provider\":\"openai\",\"override_params\":{\"x\":";
    for (int i = 0; i < 5000; ++i)
        deep += '[';
    for (int i = 0; i < 5000; ++i)
        deep += ']';
    deep += "}}";
    const auto r = parse(deep);
    QVERIFY(!r.config);
    QVERIFY2(hasIssue(r.errors, "config: nested deeper than 64 levels"), joined(r.errors).constData());

    // Strategy nodes: at most 10 levels of targets.
    json node = json::parse(R"({"provider": "openai"})");
    for (int i = 0; i < 12; ++i)
        node = json{{"strategy", {{"mode", "fallback"}}}, {"targets", json::array({node})}};
    const auto t = parseRoutingConfig(node);
    QVERIFY(!t.config);
    QVERIFY2(hasIssueContaining(t.errors, "targets nested deeper than 10 levels"), joined(t.errors).constData());
}

void TestRoutingConfig::retryPolicyDefaults()
{
    gatehouse::RetryPolicy p;
    for (int s : {429, 500, 502, 503, 504})
        QVERIFY(p.retries(s));
    for (int s : {200, 400, 401, 408, 501})
        QVERIFY(!p.retries(s));
    p.onStatusCodes = {401};
    QVERIFY(p.retries(401));
    QVERIFY(!p.retries(429));
}

void TestRoutingConfig::pathsOfOddKeysAreQuoted()
{
    const auto r = parse(R"({"provider": "openai", "we ird.key": 1})");
    QVERIFY(!r.config);
    QVERIFY2(hasIssue(r.errors, "[\"we ird.key\"]: unknown key"), joined(r.errors).constData());
}

// Random trees over the keys the parser knows, with values of every JSON type: the parser must
// answer (valid or not) and never throw, and whatever it accepts must survive the round trip.
void TestRoutingConfig::randomInputNeverThrows()
{
    static const std::vector<std::string> keys{
        "strategy", "mode", "targets", "provider", "api_key", "virtual_key", "weight", "override_params", "retry",
        "attempts", "on_status_codes", "use_retry_after_header", "cache", "max_age", "similarity_threshold", "embed_messages", "embedding", "model", "request_timeout", "custom_host",
        "forward_headers", "strict_open_ai_compliance", "conditions", "query", "then", "default", "name", "id",
        "total_timeout", "first_token_timeout", "circuit_breaker", "failure_threshold", "window_ms", "cooldown_ms",
        "aws_region", "vertex_service_account_json", "input_guardrails", "metadata.plan", "params.model", "$eq", "$in",
        "$regex", "$and", "$or", "$gt", "onStatusCodes", "options"};
    static const std::vector<json> leaves{
        json(nullptr), json(true), json(false), json(0), json(-1), json(1), json(3), json(11), json(429), json(2.5),
        json(1e300), json(18446744073709551615ULL), json(""), json("fallback"), json("loadbalance"), json("conditional"),
        json("single"), json("simple"), json("openai"), json("a"), json("http://localhost:1/v1"), json("(("),
        json("x-portkey-forward-headers"), json::array(), json::object()};
    std::mt19937_64 rng(20240601);
    std::function<json(int)> make = [&](int depth) -> json {
        const int kind = depth > 4 ? 0 : int(rng() % 4);
        if (kind == 0)
            return leaves[rng() % leaves.size()];
        if (kind == 1) {
            json a = json::array();
            for (int i = int(rng() % 4); i > 0; --i)
                a.push_back(make(depth + 1));
            return a;
        }
        json o = json::object();
        for (int i = int(rng() % 5); i > 0; --i)
            o[keys[rng() % keys.size()]] = make(depth + 1);
        return o;
    };
    int valid = 0;
    for (int i = 0; i < 5000; ++i) {
        const json input = make(0);
        try {
            const auto r = parseRoutingConfig(input, knownProvider);
            QVERIFY(r.config || !r.errors.empty());
            if (r.config) {
                ++valid;
                const json once = json(r.config->root);
                const auto again = parseRoutingConfig(once, knownProvider);
                QVERIFY2(again.config, (once.dump() + joined(again.errors).toStdString()).c_str());
                QVERIFY(json(again.config->root) == once);
            }
            (void)parseRoutingConfig(QByteArrayView(QByteArray::fromStdString(input.dump())));
        } catch (const std::exception& e) {
            QFAIL((std::string("threw ") + e.what() + " on " + input.dump()).c_str());
        }
    }
    QVERIFY(valid > 0);
}

QTEST_GUILESS_MAIN(TestRoutingConfig)
#include "tst_routing_config.moc"
