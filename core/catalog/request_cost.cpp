#include "catalog/request_cost.h"

#include <algorithm>

namespace gatehouse {

std::optional<double> requestCostUsd(const ModelInfo* model, const Usage& usage)
{
    if (!model || !model->price || usage.promptTokens < 0)
        return std::nullopt;
    const qint64 prompt = usage.promptTokens;
    const ModelPrice& p = model->longContextPrice && prompt > model->longContextPrice->aboveTokens
        ? *model->longContextPrice : *model->price;
    const qint64 completion = std::max<qint64>(0, usage.completionTokens);
    const qint64 cached = std::clamp<qint64>(usage.cachedTokens, 0, prompt);
    const qint64 written = std::clamp<qint64>(usage.cacheWriteTokens, 0, prompt - cached);
    const qint64 plain = prompt - cached - written;
    // Without a known discount, cached and written tokens cost what plain input does.
    const double perMillion = double(plain) * p.input + double(cached) * p.cachedInput.value_or(p.input)
        + double(written) * p.cacheWriteInput.value_or(p.input) + double(completion) * p.output;
    return perMillion / 1e6;
}

} // namespace gatehouse
