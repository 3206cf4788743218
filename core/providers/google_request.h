#pragma once
// OpenAI requests -> Gemini (generativelanguage.googleapis.com v1beta) request bodies.
// Chat -> generateContent / streamGenerateContent:
//   system/developer messages      -> systemInstruction (all of them, in order)
//   user / assistant               -> contents with roles user / model; consecutive roles merged
//   text, image_url, input_audio, file parts -> text, inlineData (data URLs), fileData (http(s), gs://)
//   assistant tool_calls           -> functionCall parts (+ the thoughtSignature the gateway kept)
//   tool messages                  -> functionResponse parts in a user turn, named after the
//                                     matching tool call, response {"output": <content text>}
//   temperature, top_p, top_k, max_(completion_)tokens, stop, n, seed, presence/frequency_penalty,
//   response_format               -> generationConfig
//   tools                          -> one functionDeclarations tool (schemas via toGeminiSchema);
//                                     function names google_search / code_execution / url_context
//                                     become Gemini's built-in tools, as in Portkey
//   tool_choice                    -> toolConfig.functionCallingConfig (AUTO / NONE / ANY + names)
// Embeddings -> batchEmbedContents: input (string or array of strings), dimensions.

#include "pipeline/api_error.h"

#include <nlohmann/json.hpp>

#include <string>
#include <variant>

namespace gatehouse::google {

class ThoughtSignatureStore;

// The model's resource name for the URL: "gemini-2.0-flash" and "models/gemini-2.0-flash" give
// "models/gemini-2.0-flash", "tunedModels/x" stays. Anything that could alter the URL is a 400.
std::variant<std::string, ApiError> modelResource(const std::string& model);

// signatures may be null (no thoughtSignatures are restored then).
std::variant<nlohmann::json, ApiError> toGenerateContentRequest(const nlohmann::json& openAiRequest,
                                                                const ThoughtSignatureStore* signatures);

std::variant<nlohmann::json, ApiError> toBatchEmbedRequest(const nlohmann::json& openAiRequest,
                                                           const std::string& modelResource);

} // namespace gatehouse::google
