#pragma once
// One model in the catalog: who serves it, its limits, what it can do and what it costs.

#include <nlohmann/json_fwd.hpp>

#include <QString>
#include <optional>

namespace gatehouse {

// USD per 1M tokens. A missing cache price means the provider gives no known cache discount.
struct ModelPrice {
    double input = 0;
    double output = 0;
    std::optional<double> cachedInput;        // cache reads
    std::optional<double> cacheWriteInput;    // cache writes (Anthropic's cache_creation tokens)
    qint64 aboveTokens = 0;                   // long-context tier: applies when the prompt exceeds this
};

struct ModelCapabilities {
    bool tools = false;
    bool vision = false;
    bool embeddings = false;
    bool streaming = false;
};

struct ModelInfo {
    QString provider;
    QString id;
    std::optional<qint64> contextWindow;
    std::optional<qint64> maxOutput;
    std::optional<ModelPrice> price;              // null: unknown (never treated as free)
    std::optional<ModelPrice> longContextPrice;   // prompts above price->aboveTokens
    ModelCapabilities capabilities;
};

void from_json(const nlohmann::json& j, ModelPrice& p);
void from_json(const nlohmann::json& j, ModelCapabilities& c);
void from_json(const nlohmann::json& j, ModelInfo& m);
void to_json(nlohmann::json& j, const ModelCapabilities& c);

} // namespace gatehouse
