#pragma once
// Embeddings on Vertex AI with Google's text embedding models (text-embedding-004/005,
// text-multilingual-embedding-002, gemini-embedding-001):
//   POST .../publishers/google/models/{model}:predict
//   {"instances":[{"content":"...", "task_type":T}, ...], "parameters":{..., "outputDimensionality":N}}
//   (task_type and parameters as the client gives them, as in Portkey; dimensions)
//   -> {"predictions":[{"embeddings":{"values":[...],"statistics":{"token_count":N,"truncated":false}}}]}
// mapped to OpenAI's embeddings list; usage is the sum of the token counts.

#include "pipeline/api_error.h"

#include <QByteArray>
#include <nlohmann/json.hpp>

#include <string>
#include <variant>

namespace gatehouse::vertex {

// The OpenAI embeddings request -> the :predict body (input: a string or an array of strings).
std::variant<nlohmann::json, ApiError> toPredictEmbeddingsRequest(const nlohmann::json& request);

// The :predict answer (or Google's error shape) -> OpenAI's; base64: encoding_format "base64".
void mapPredictEmbeddingsResponse(int& status, QByteArray& body, const std::string& model, bool base64);

} // namespace gatehouse::vertex
