#pragma once
// JSON Schema, as OpenAI tools and response formats carry it -> the OpenAPI subset Gemini accepts
// (function parameters, responseSchema). Gemini rejects unknown keywords, so only the ones it knows
// are kept (type, format, title, description, nullable, enum, properties, required, items, anyOf,
// min/max*, pattern, default, example, propertyOrdering); additionalProperties, $schema, strict,
// $id, examples, const, ... are dropped. Also:
//   $ref to #/$defs/X or #/definitions/X -> inlined (a cycle is cut with an empty schema)
//   anyOf/oneOf with {"type":"null"}     -> the rest, plus nullable: true (a single rest is inlined)
//   "type": ["string","null"]            -> "type": "string", nullable: true
//   allOf                                -> merged into the node
//   const "x"                            -> enum ["x"]; enums of non-strings are dropped
//   string formats other than enum/date-time (and number formats other than float/double/int32/int64)
//   are dropped; "required" keeps only names that are properties.

#include <nlohmann/json.hpp>

namespace gatehouse::google {

nlohmann::json toGeminiSchema(const nlohmann::json& jsonSchema);

} // namespace gatehouse::google
