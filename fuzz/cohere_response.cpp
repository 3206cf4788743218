// Cohere v2 chat and embed answers -> OpenAI shapes.
// A provider's answer with any status; a JSON answer must stay JSON after mapping.

#include "fuzz_support.h"

#include "providers/cohere_response.h"

using namespace gatehouse;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto in = fuzz::split(data, size);
    static const int statuses[] = {200, 400, 401, 403, 404, 429, 500, 503, 529, 201};
    int status = statuses[in.shape % std::size(statuses)];
    QByteArray body = in.rest.toByteArray();
    const bool wasJson = nlohmann::json::accept(body.constData(), body.constData() + body.size());
    if (in.shape & 0x10)
        cohere::mapEmbedResponse(status, body, "embed-english-v3.0", in.shape & 0x20);
    else
        cohere::mapChatResponse(status, body, "command-r-plus");
    if (wasJson)
        fuzz::require(nlohmann::json::accept(body.constData(), body.constData() + body.size()), "a JSON answer became non-JSON");
    return 0;
}
