#pragma once
// What a request cost, from its usage and the model's catalog price. Prompt tokens include cached
// ones (OpenAI's meaning): cache reads are billed at the cached price and cache writes at the write
// price when the model has them, the rest of the prompt at the input price.

#include "catalog/model_info.h"
#include "observability/usage.h"

#include <optional>

namespace gatehouse {

// nullopt when the cost cannot be known: unknown model, no price, or no usage reported.
std::optional<double> requestCostUsd(const ModelInfo* model, const Usage& usage);

} // namespace gatehouse
