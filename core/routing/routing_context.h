#pragma once
// What conditional routing may look at: the request's metadata, its JSON body and its path.

#include <nlohmann/json.hpp>

#include <map>
#include <string>

namespace gatehouse {

struct RoutingContext {
    const std::map<std::string, std::string>* metadata = nullptr;   // x-portkey-metadata
    const nlohmann::json* params = nullptr;                         // the request body
    std::string urlPath;                                            // "/v1/chat/completions"
};

} // namespace gatehouse
