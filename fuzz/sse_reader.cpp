// Server-Sent Events splitting: the events must not depend on where the network cut the bytes.

#include "fuzz_support.h"

#include "providers/sse_reader.h"

using namespace gatehouse;

namespace {

std::vector<SseReader::Event> readAll(const std::vector<QByteArrayView>& pieces)
{
    SseReader reader;
    std::vector<SseReader::Event> events;
    for (QByteArrayView p : pieces) {
        auto got = reader.feed(p);
        events.insert(events.end(), got.begin(), got.end());
    }
    auto last = reader.finish();
    events.insert(events.end(), last.begin(), last.end());
    return events;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto in = fuzz::split(data, size);
    const auto whole = readAll({in.rest});
    const auto cut = readAll(fuzz::pieces(in.rest, in.shape));
    fuzz::require(whole.size() == cut.size(), "event count depends on how the bytes were cut");
    for (std::size_t i = 0; i < whole.size(); ++i)
        fuzz::require(whole[i].type == cut[i].type && whole[i].data == cut[i].data, "an event depends on how the bytes were cut");
    return 0;
}
