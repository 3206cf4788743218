#include "json_fuzz.h"

#include <vector>

namespace gatehouse::test {

using json = nlohmann::json;

json randomValue(QRandomGenerator& rng, int depth)
{
    switch (rng.bounded(depth > 2 ? 6 : 8)) {
    case 0: return nullptr;
    case 1: return rng.bounded(2) == 1;
    case 2: return qint64(rng.bounded(2000)) - 1000;
    case 3: return rng.generateDouble() * 4 - 2;
    case 4: return "";
    case 5: {
        static const char* const kWords[] = {"user", "assistant", "tool", "text", "image_url", "function", "auto",
                                             "data:image/png;base64,AAAA", "{\"a\":1}", "not json", "tool_use",
                                             "content_block_delta", "STOP", "\xc3\xa9", "call_1"};
        return kWords[rng.bounded(int(std::size(kWords)))];
    }
    case 6: {
        json a = json::array();
        for (int i = rng.bounded(3); i > 0; --i)
            a.push_back(randomValue(rng, depth + 1));
        return a;
    }
    default: {
        json o = json::object();
        static const char* const kKeys[] = {"type", "text", "content", "role", "index", "delta", "name", "id"};
        for (int i = rng.bounded(3); i > 0; --i)
            o[kKeys[rng.bounded(int(std::size(kKeys)))]] = randomValue(rng, depth + 1);
        return o;
    }
    }
}

json mutate(const json& base, QRandomGenerator& rng, int mutations)
{
    json out = base;
    for (int m = 0; m < mutations; ++m) {
        std::vector<json*> nodes{&out};
        for (std::size_t i = 0; i < nodes.size(); ++i) {
            if (nodes[i]->is_structured()) {
                for (auto& child : *nodes[i])
                    nodes.push_back(&child);
            }
        }
        *nodes[rng.bounded(int(nodes.size()))] = randomValue(rng);
    }
    return out;
}

} // namespace gatehouse::test
