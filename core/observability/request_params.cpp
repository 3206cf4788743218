#include "observability/request_params.h"

#include "observability/request_record.h"

#include <nlohmann/json.hpp>

namespace gatehouse {

namespace {

double number(const nlohmann::json& body, const char* key)
{
    const auto it = body.find(key);
    return it != body.end() && it->is_number() ? it->get<double>() : -1;
}

int arraySize(const nlohmann::json& body, const char* key)
{
    const auto it = body.find(key);
    return it != body.end() && it->is_array() ? int(it->size()) : -1;
}

} // namespace

void readRequestParams(const nlohmann::json& body, RequestRecord& r)
{
    if (!body.is_object())
        return;
    r.temperature = number(body, "temperature");
    r.topP = number(body, "top_p");
    for (const char* key : {"max_completion_tokens", "max_tokens"}) {
        const auto it = body.find(key);
        if (it != body.end() && it->is_number_integer()) {
            r.maxTokens = it->get<qint64>();
            break;
        }
    }
    r.toolsCount = arraySize(body, "tools");
    if (r.toolsCount < 0)
        r.toolsCount = arraySize(body, "functions");
    r.messagesCount = arraySize(body, "messages");
    if (r.messagesCount < 0) {
        const auto input = body.find("input");
        if (input != body.end())
            r.messagesCount = input->is_array() ? int(input->size()) : 1;
    }
}

} // namespace gatehouse
