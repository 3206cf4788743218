// Routing configs as x-portkey-config or a saved config brings them: parse + validate, then the
// parsed tree back to JSON (what the Configs page and the simulator show).

#include "fuzz_support.h"

#include "routing/routing_config.h"

#include <set>

using namespace gatehouse;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QByteArrayView text(reinterpret_cast<const char*>(data), qsizetype(size));
    static const std::vector<std::string> ids = {"openai", "anthropic", "google", "cohere", "bedrock", "azure-openai", "mock"};
    static const std::set<std::string> known(ids.begin(), ids.end());

    for (const ConfigParseResult& r : {parseRoutingConfig(text),
                                       parseRoutingConfig(text, [](const std::string& p) { return known.count(p) > 0; }, ids)}) {
        fuzz::require(bool(r.config) == r.errors.empty(), "a config is valid exactly when it has no errors");
        for (const ConfigIssue& issue : r.errors)
            fuzz::require(!formatConfigIssue(issue).empty() && !issue.message.empty(), "an error without a message");
        if (r.config) {
            nlohmann::json back;
            to_json(back, r.config->root);
            (void)back.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        }
    }
    return 0;
}
