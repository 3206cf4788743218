#pragma once
// An OpenAI chat request as Mistral's chat API takes it (Mistral models on Vertex AI's rawPredict):
// Mistral's own fields only, since its API refuses fields it does not know. max_completion_tokens
// becomes max_tokens and seed random_seed; `user`, `store`, `metadata`, `service_tier` and
// `stream_options` (bookkeeping, no effect on the answer) are left out; what would change the answer
// and cannot be served (logprobs, logit_bias, audio output) is a 400 naming the parameter.

#include "pipeline/api_error.h"

#include <nlohmann/json.hpp>

#include <variant>

namespace gatehouse::mistral {

std::variant<nlohmann::json, ApiError> toChatRequest(const nlohmann::json& openAiBody, const QString& providerName);

} // namespace gatehouse::mistral
