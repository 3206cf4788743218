// Gemini generateContent and batchEmbedContents answers -> OpenAI shapes.
// A provider's answer with any status; a JSON answer must stay JSON after mapping.

#include "fuzz_support.h"

#include "providers/google_response.h"
#include "providers/google_thought_signatures.h"

using namespace gatehouse;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto in = fuzz::split(data, size);
    fuzz::requireAnswerStaysJson(in, [&in](int status, QByteArray& body) {
        google::ThoughtSignatureStore signatures;
        if (in.shape & 0x10)
            google::mapBatchEmbedResponse(status, body, "text-embedding-004");
        else
            google::mapGenerateContentResponse(status, body, (in.shape & 0x20) ? &signatures : nullptr);
    });
    return 0;
}
