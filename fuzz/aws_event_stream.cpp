// AWS event-stream framing (Bedrock's ConverseStream). Odd shapes first repair the CRCs of the frames
// the input describes, so the fuzzer gets past the checksums into header and payload decoding.
// Whole or in pieces, the decoder must give the same messages and the same verdict.

#include "fuzz_support.h"

#include "event_stream_crcs.h"
#include "providers/aws_event_stream.h"

using namespace gatehouse;

namespace {

struct Outcome {
    std::vector<aws::EventMessage> messages;
    bool failed = false;
};

Outcome decode(const std::vector<QByteArrayView>& pieces)
{
    aws::EventStreamDecoder decoder;
    Outcome out;
    for (QByteArrayView p : pieces) {
        auto got = decoder.feed(p);
        out.messages.insert(out.messages.end(), got.begin(), got.end());
        if (decoder.failed())
            fuzz::require(!decoder.error().isEmpty(), "failed without saying why");
    }
    out.failed = decoder.failed();
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto in = fuzz::split(data, size);
    QByteArray bytes = in.rest.toByteArray();
    if (in.shape & 1)
        fuzz::repairEventStreamCrcs(bytes);
    const Outcome whole = decode({bytes});
    const Outcome cut = decode(fuzz::pieces(bytes, in.shape >> 1));
    fuzz::require(whole.failed == cut.failed, "the verdict depends on how the bytes were cut");
    fuzz::require(whole.messages.size() == cut.messages.size(), "message count depends on how the bytes were cut");
    for (std::size_t i = 0; i < whole.messages.size(); ++i)
        fuzz::require(whole.messages[i].headers == cut.messages[i].headers && whole.messages[i].payload == cut.messages[i].payload,
                      "a message depends on how the bytes were cut");
    return 0;
}
