#pragma once
// OpenAI requests -> Cohere's v2 API.
//   chat/completions -> POST /v2/chat: messages keep their roles (developer -> system), text and
//     image_url parts, assistant tool_calls and tool results (Cohere v2 uses OpenAI's tool shapes);
//     tools pass as they are; tool_choice "required"/"none" -> REQUIRED/NONE ("auto" is Cohere's
//     default); max_tokens, temperature, top_p -> p, stop -> stop_sequences, seed, frequency/presence
//     penalties, response_format json_object/json_schema -> {"type":"json_object"[, "json_schema"]}.
//   embeddings -> POST /v2/embed: input (string or strings) -> texts, embedding_types ["float"],
//     input_type "search_document" unless the client sends Cohere's input_type, dimensions ->
//     output_dimension.
// What Cohere cannot do is a 400 naming the parameter: n > 1, tool_choice naming one function,
// token-array embedding input.

#include "pipeline/api_error.h"

#include <nlohmann/json.hpp>

#include <variant>

namespace gatehouse::cohere {

std::variant<nlohmann::json, ApiError> toChatRequest(const nlohmann::json& openAi);
std::variant<nlohmann::json, ApiError> toEmbedRequest(const nlohmann::json& openAi);

} // namespace gatehouse::cohere
