#include "providers/vertex_embeddings.h"

#include "providers/google_response.h"
#include "providers/json_fields.h"
#include "providers/openai_request.h"
#include "providers/openai_wire.h"

namespace gatehouse::vertex {

using nlohmann::json;

std::variant<json, ApiError> toPredictEmbeddingsRequest(const json& req)
{
    const auto taskType = req.find("task_type");
    if (taskType != req.end() && !taskType->is_null() && !taskType->is_string())
        return openai::invalidField(QStringLiteral("task_type"), QStringLiteral("must be a string such as RETRIEVAL_DOCUMENT"));
    const auto instance = [&](const json& text) {
        json i = {{"content", text}};
        if (taskType != req.end() && taskType->is_string())
            i["task_type"] = *taskType;
        return i;
    };
    json instances = json::array();
    const auto input = req.find("input");
    if (input != req.end() && input->is_string()) {
        instances.push_back(instance(*input));
    } else if (input != req.end() && input->is_array()) {
        for (const auto& s : *input) {
            if (!s.is_string()) {
                return openai::invalidField(QStringLiteral("input"),
                                            QStringLiteral("must be a string or an array of strings (token arrays are not supported by vertex-ai)"));
            }
            instances.push_back(instance(s));
        }
    }
    if (instances.empty())
        return openai::invalidField(QStringLiteral("input"), QStringLiteral("must be a non-empty string or array of strings"));
    std::optional<long long> dimensions;
    if (auto e = openai::readInteger(req, "dimensions", dimensions))
        return *e;
    json out = {{"instances", std::move(instances)}};
    // Vertex's own "parameters" (autoTruncate, ...) pass as given, as in Portkey.
    if (const auto p = req.find("parameters"); p != req.end() && !p->is_null()) {
        if (!p->is_object())
            return openai::invalidField(QStringLiteral("parameters"), QStringLiteral("must be an object, e.g. {\"autoTruncate\": false}"));
        out["parameters"] = *p;
    }
    if (dimensions)
        out["parameters"]["outputDimensionality"] = *dimensions;
    return out;
}

void mapPredictEmbeddingsResponse(int& status, QByteArray& body, const std::string& model, bool base64)
{
    json parsed = json::parse(body.constBegin(), body.constEnd(), nullptr, false);
    // Absurdly deep answers are treated as unusable (dump() would recurse through them).
    const json j = json_fields::nestedDeeperThan(parsed, openai::kMaxAnswerDepth) ? json() : std::move(parsed);
    if (status < 200 || status >= 300) {
        if (const auto e = google::openAiError(j, status))
            body = openai::dump(*e);
        return;
    }
    const auto predictions = j.is_object() ? j.find("predictions") : json::const_iterator();
    if (!j.is_object() || predictions == j.end() || !predictions->is_array()) {
        status = 502;
        body = openai::dump(openai::error("vertex-ai answered with something that is not a predict response.",
                                          "upstream_error", "invalid_upstream_response"));
        return;
    }
    json data = json::array();
    long long tokens = 0;
    for (std::size_t i = 0; i < predictions->size(); ++i) {
        const json& p = (*predictions)[i];
        const json e = p.is_object() && p.contains("embeddings") && p["embeddings"].is_object() ? p["embeddings"] : json::object();
        const json values = e.contains("values") && e["values"].is_array() ? e["values"] : json::array();
        if (const auto st = e.find("statistics"); st != e.end() && st->is_object()) {
            const auto n = st->find("token_count");   // an integer, though some answers spell it 6.0
            if (n != st->end() && n->is_number() && n->get<double>() > 0 && n->get<double>() < 1e12)
                tokens += static_cast<long long>(n->get<double>());
        }
        data.push_back({{"object", "embedding"}, {"index", i},
                        {"embedding", base64 ? json(openai::base64Floats(values).toStdString()) : values}});
    }
    body = openai::dump({{"object", "list"}, {"data", std::move(data)}, {"model", model},
                         {"usage", {{"prompt_tokens", tokens}, {"total_tokens", tokens}}}});
}

} // namespace gatehouse::vertex
