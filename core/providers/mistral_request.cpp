#include "providers/mistral_request.h"

#include <array>
#include <string_view>

namespace gatehouse::mistral {

using nlohmann::json;

namespace {

// Mistral's chat completion request fields (its API reference), model and messages included.
constexpr std::array<std::string_view, 18> kMistralFields{
    "model", "messages", "temperature", "top_p", "max_tokens", "stream", "stop", "random_seed",
    "response_format", "tools", "tool_choice", "presence_penalty", "frequency_penalty", "n",
    "parallel_tool_calls", "prediction", "safe_prompt", "prompt_mode"};

bool isMistralField(std::string_view key)
{
    for (std::string_view f : kMistralFields)
        if (f == key)
            return true;
    return false;
}

} // namespace

std::variant<json, ApiError> toChatRequest(const json& in, const QString& providerName)
{
    const auto refuse = [&](const char* param, const QString& what) {
        return ApiError::badRequest(QStringLiteral("Provider '%1' does not support %2.").arg(providerName, what),
                                    QStringLiteral("unsupported_parameter"), QString::fromLatin1(param));
    };
    if (const auto it = in.find("logprobs"); it != in.end() && it->is_boolean() && it->get<bool>())
        return refuse("logprobs", QStringLiteral("logprobs on Mistral models"));
    if (in.contains("top_logprobs"))
        return refuse("top_logprobs", QStringLiteral("top_logprobs on Mistral models"));
    if (const auto it = in.find("logit_bias"); it != in.end() && !it->is_null() && !(it->is_object() && it->empty()))
        return refuse("logit_bias", QStringLiteral("logit_bias on Mistral models"));
    if (const auto it = in.find("audio"); it != in.end() && !it->is_null())
        return refuse("audio", QStringLiteral("audio output on Mistral models"));

    json out = json::object();
    for (auto it = in.begin(); it != in.end(); ++it) {
        if (isMistralField(it.key()))
            out[it.key()] = it.value();
    }
    if (const auto mct = in.find("max_completion_tokens"); mct != in.end() && !out.contains("max_tokens"))
        out["max_tokens"] = *mct;
    if (const auto seed = in.find("seed"); seed != in.end() && !out.contains("random_seed"))
        out["random_seed"] = *seed;
    return out;
}

} // namespace gatehouse::mistral
