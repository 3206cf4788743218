#pragma once
// Routing configs shared by the config editor tests.

#include <nlohmann/json.hpp>

namespace gatehouse::test {

// Valid (parseRoutingConfig accepts it) and uses most of the format: nesting, every mode, camelCase
// spellings, provider options, hooks, circuit breaker, ids.
inline nlohmann::json complexConfig()
{
    return nlohmann::json::parse(R"({
      "strategy": {"mode": "fallback", "on_status_codes": [429, 503]},
      "retry": {"attempts": 2, "on_status_codes": [429], "use_retry_after_header": true},
      "total_timeout": 60000,
      "before_request_hooks": [{"id": "pii-check", "deny": true}],
      "targets": [
        {"strategy": {"mode": "loadbalance"}, "name": "pool", "targets": [
          {"provider": "openai", "api_key": "sk-test", "weight": 0.7,
           "override_params": {"model": "gpt-4o", "temperature": 0, "stop": ["\n"]}},
          {"provider": "anthropic", "api_key": "sk-ant", "weight": 0.3, "overrideParams": {"model": "claude-3-5-sonnet"},
           "anthropic_version": "2023-06-01"}]},
        {"strategy": {"mode": "conditional",
                      "conditions": [{"query": {"metadata.plan": {"$eq": "paid"}}, "then": "big"},
                                     {"query": {"$or": [{"params.model": {"$regex": "^gpt-4"}}, {"metadata.tier": {"$gte": 3}}]}, "then": "small"}],
                      "default": "small"},
         "targets": [{"name": "big", "provider": "openai", "api_key": "sk-big"},
                     {"name": "small", "provider": "groq", "api_key": "gsk", "cache": {"mode": "simple", "max_age": 60000},
                      "requestTimeout": 5000, "custom_host": "http://localhost:11434/v1"}]},
        {"provider": "bedrock", "aws_region": "us-east-1", "aws_access_key_id": "AKIA", "aws_secret_access_key": "x",
         "circuit_breaker": {"failure_threshold": 3}, "id": "bedrock-1", "forward_headers": ["x-trace"]}
      ]
    })");
}

// A fallback over a load balancer and a single provider: what the screenshot shows.
inline nlohmann::json fallbackOverLoadbalance()
{
    return nlohmann::json::parse(R"({
      "strategy": {"mode": "fallback", "on_status_codes": [429, 500, 502, 503]},
      "retry": {"attempts": 2},
      "targets": [
        {"strategy": {"mode": "loadbalance"}, "name": "primary pool", "targets": [
          {"virtual_key": "openai-prod", "weight": 60, "override_params": {"model": "gpt-4o-mini"}},
          {"virtual_key": "anthropic-prod", "weight": 30, "override_params": {"model": "claude-3-5-haiku-latest"}},
          {"provider": "groq", "api_key": "gsk-test", "weight": 10, "override_params": {"model": "llama-3.1-8b-instant"}, "request_timeout": 8000},
          {"provider": "mistral-ai", "api_key": "ms-test", "weight": 0, "override_params": {"model": "mistral-small-latest"}}]},
        {"provider": "ollama", "custom_host": "http://localhost:11434/v1", "override_params": {"model": "llama3.2"},
         "cache": {"mode": "simple", "max_age": 600000}}
      ]
    })");
}

} // namespace gatehouse::test
