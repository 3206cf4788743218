// Gemini's streamGenerateContent?alt=sse stream -> OpenAI chunks.
// Bytes arrive in pieces; everything the mapper sends the client must be well-formed OpenAI SSE.

#include "fuzz_support.h"
#include "providers/google_thought_signatures.h"
#include "providers/google_stream_mapper.h"

using namespace gatehouse;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto in = fuzz::split(data, size);
    google::GoogleStreamMapper mapper(std::make_shared<google::ThoughtSignatureStore>());
    QByteArray out;
    for (QByteArrayView piece : fuzz::pieces(in.rest, in.shape))
        out += mapper.map(piece);
    out += mapper.finish();
    fuzz::requireOpenAiSse(out);
    return 0;
}
