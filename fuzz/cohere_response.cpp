// Cohere v2 chat and embed answers -> OpenAI shapes.
// A provider's answer with any status; a JSON answer must stay JSON after mapping.

#include "fuzz_support.h"

#include "providers/cohere_response.h"

using namespace gatehouse;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto in = fuzz::split(data, size);
    fuzz::requireAnswerStaysJson(in, [&in](int status, QByteArray& body) {
        if (in.shape & 0x10)
            cohere::mapEmbedResponse(status, body, "embed-english-v3.0", in.shape & 0x20);
        else
            cohere::mapChatResponse(status, body, "command-r-plus");
    });
    return 0;
}
