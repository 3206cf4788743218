#include "catalog/model_info.h"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace gatehouse {

namespace {

template <typename T>
std::optional<T> optional(const nlohmann::json& j, const char* key)
{
    const auto it = j.find(key);
    if (it == j.end() || it->is_null())
        return std::nullopt;
    return it->get<T>();
}

double price(const nlohmann::json& j, const char* key)
{
    const auto v = optional<double>(j, key);
    if (!v || *v < 0)
        throw std::invalid_argument(std::string("model price: '") + key + "' must be a number >= 0");
    return *v;
}

} // namespace

void from_json(const nlohmann::json& j, ModelPrice& p)
{
    p.input = price(j, "input");
    p.output = price(j, "output");
    p.cachedInput = optional<double>(j, "cached_input");
    p.cacheWriteInput = optional<double>(j, "cache_write_input");
    p.aboveTokens = j.value("above_tokens", qint64(0));
}

void from_json(const nlohmann::json& j, ModelCapabilities& c)
{
    c.tools = j.value("tools", false);
    c.vision = j.value("vision", false);
    c.embeddings = j.value("embeddings", false);
    c.streaming = j.value("streaming", false);
}

void to_json(nlohmann::json& j, const ModelCapabilities& c)
{
    j = {{"tools", c.tools}, {"vision", c.vision}, {"embeddings", c.embeddings}, {"streaming", c.streaming}};
}

void from_json(const nlohmann::json& j, ModelInfo& m)
{
    m.provider = QString::fromStdString(j.at("provider").get<std::string>());
    m.id = QString::fromStdString(j.at("id").get<std::string>());
    m.contextWindow = optional<qint64>(j, "context_window");
    m.maxOutput = optional<qint64>(j, "max_output");
    m.price = optional<ModelPrice>(j, "price");
    m.longContextPrice = optional<ModelPrice>(j, "long_context_price");
    if (m.longContextPrice && m.longContextPrice->aboveTokens <= 0)
        throw std::invalid_argument("model " + m.id.toStdString() + ": long_context_price needs above_tokens > 0");
    m.capabilities = j.value("capabilities", nlohmann::json::object()).get<ModelCapabilities>();
}

} // namespace gatehouse
