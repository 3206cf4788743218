// Bedrock ConverseStream event-stream frames -> OpenAI chunks. Odd shapes repair the frames' CRCs first.
// Bytes arrive in pieces; everything the mapper sends the client must be well-formed OpenAI SSE.

#include "fuzz_support.h"
#include "event_stream_crcs.h"
#include "providers/bedrock_stream_mapper.h"

using namespace gatehouse;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto in = fuzz::split(data, size);
    QByteArray bytes = in.rest.toByteArray();
    if (in.shape & 1)
        fuzz::repairEventStreamCrcs(bytes);
    in.rest = bytes;
    in.shape >>= 1;
    bedrock::BedrockStreamMapper mapper("anthropic.claude-3-haiku");
    QByteArray out;
    for (QByteArrayView piece : fuzz::pieces(in.rest, in.shape))
        out += mapper.map(piece);
    out += mapper.finish();
    fuzz::requireOpenAiSse(out);
    return 0;
}
