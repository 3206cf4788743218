// Gemini's streamGenerateContent?alt=sse stream -> OpenAI chunks.
// Bytes arrive in pieces; everything the mapper sends the client must be well-formed OpenAI SSE,
// strict or not.

#include "fuzz_support.h"
#include "providers/google_thought_signatures.h"
#include "providers/google_stream_mapper.h"

using namespace gatehouse;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto in = fuzz::split(data, size);
    // The shape's top bit picks non-strict mode (content_blocks, groundingMetadata); it leaves the piece size alone.
    google::GoogleStreamMapper mapper(std::make_shared<google::ThoughtSignatureStore>(), (in.shape & 0x80) == 0);
    QByteArray out;
    for (QByteArrayView piece : fuzz::pieces(in.rest, in.shape))
        out += mapper.map(piece);
    out += mapper.finish();
    fuzz::requireOpenAiSse(out);
    return 0;
}
