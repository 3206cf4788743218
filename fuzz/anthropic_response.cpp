// Anthropic Messages answers and error bodies -> OpenAI chat.completion / error.
// A provider's answer with any status; a JSON answer must stay JSON after mapping.

#include "fuzz_support.h"

#include "providers/anthropic_response.h"

using namespace gatehouse;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto in = fuzz::split(data, size);
    static const int statuses[] = {200, 400, 401, 403, 404, 429, 500, 503, 529, 201};
    int status = statuses[in.shape % std::size(statuses)];
    QByteArray body = in.rest.toByteArray();
    const bool wasJson = nlohmann::json::accept(body.constData(), body.constData() + body.size());
    anthropic::mapMessagesResponse(status, body);
    if (wasJson)
        fuzz::require(nlohmann::json::accept(body.constData(), body.constData() + body.size()), "a JSON answer became non-JSON");
    return 0;
}
