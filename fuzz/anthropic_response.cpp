// Anthropic Messages answers and error bodies -> OpenAI chat.completion / error.
// A provider's answer with any status; a JSON answer must stay JSON after mapping.

#include "fuzz_support.h"

#include "providers/anthropic_response.h"

using namespace gatehouse;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    fuzz::requireAnswerStaysJson(fuzz::split(data, size), [](int status, QByteArray& body) { anthropic::mapMessagesResponse(status, body); });
    return 0;
}
