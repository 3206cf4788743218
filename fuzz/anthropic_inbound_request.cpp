// POST /v1/messages bodies (Anthropic SDK clients) -> the OpenAI chat request the pipeline routes.
// Any JSON gives either a request object or a 4xx naming the parameter.

#include "fuzz_support.h"

#include "pipeline/anthropic_inbound_request.h"

using namespace gatehouse;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto j = nlohmann::json::parse(data, data + size, nullptr, false);
    if (j.is_discarded())
        return 0;
    const auto r = anthropic_inbound::toChatRequest(j);
    if (const auto* chat = std::get_if<nlohmann::json>(&r)) {
        fuzz::require(chat->is_object(), "the translated request is not an object");
        (void)chat->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
        const ApiError& e = std::get<ApiError>(r);
        fuzz::require(e.status >= 400 && e.status < 500 && !e.message.isEmpty(), "a bad request that is not a 4xx with a message");
        (void)e.toJson();
    }
    return 0;
}
