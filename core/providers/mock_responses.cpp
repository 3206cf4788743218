#include "providers/mock_responses.h"

#include "providers/json_fields.h"

#include <nlohmann/json.hpp>

#include <QString>
#include <cmath>
#include <cstring>

namespace gatehouse::mock {

using nlohmann::json;

namespace {

constexpr int kEchoChars = 200;

std::string contentText(const json& content)
{
    if (content.is_string())
        return content.get<std::string>();
    std::string out;
    if (content.is_array()) {
        for (const auto& part : content) {
            if (json_fields::str(part, "type") == "text" && part.contains("text") && part["text"].is_string()) {
                if (!out.empty())
                    out += ' ';
                out += part["text"].get<std::string>();
            }
        }
    }
    return out;
}

std::string lastUserText(const json& request)
{
    if (const auto m = request.find("messages"); m != request.end() && m->is_array()) {
        for (auto it = m->rbegin(); it != m->rend(); ++it) {
            if (json_fields::str(*it, "role") == "user" && it->contains("content"))
                return contentText((*it)["content"]);
        }
    }
    if (const auto p = request.find("prompt"); p != request.end()) {
        if (p->is_string())
            return p->get<std::string>();
        if (p->is_array() && !p->empty() && (*p)[0].is_string())
            return (*p)[0].get<std::string>();
    }
    return {};
}

qint64 promptTokens(const json& request)
{
    std::size_t chars = 0;
    if (const auto m = request.find("messages"); m != request.end() && m->is_array()) {
        for (const auto& msg : *m) {
            if (msg.is_object() && msg.contains("content"))
                chars += contentText(msg["content"]).size();
        }
    } else {
        chars = lastUserText(request).size();
    }
    return qint64(std::max<std::size_t>(1, (chars + 3) / 4));
}

qint64 wordCount(const QByteArray& text)
{
    return qint64(text.simplified().count(' ') + (text.trimmed().isEmpty() ? 0 : 1));
}

json usageJson(const json& request, const QByteArray& reply)
{
    const qint64 p = promptTokens(request);
    const qint64 c = wordCount(reply);
    return {{"prompt_tokens", p}, {"completion_tokens", c}, {"total_tokens", p + c}};
}

std::string modelOf(const json& request)
{
    std::string model = json_fields::str(request, "model", "mock-model");
    if (const auto at = model.find('@'); at != std::string::npos)
        model.resize(at);   // directives are not part of the model name
    return model.empty() ? "mock-model" : model;
}

// "Mock reply to: what is up" -> ["Mock", " reply", " to:", " what", ...]
std::vector<QByteArray> words(const QByteArray& text)
{
    std::vector<QByteArray> out;
    qsizetype start = 0;
    for (qsizetype i = 1; i <= text.size(); ++i) {
        if (i == text.size() || text[i] == ' ') {
            out.push_back(text.mid(start, i - start));
            start = i;
        }
    }
    return out;
}

QByteArray sse(const json& j)
{
    return "data: " + QByteArray::fromStdString(j.dump()) + "\n\n";
}

bool includeUsage(const json& request)
{
    const auto so = request.find("stream_options");
    return so != request.end() && json_fields::boolean(*so, "include_usage");
}

} // namespace

QByteArray replyText(const json& request)
{
    const QString text = QString::fromStdString(lastUserText(request)).simplified().left(kEchoChars);
    return text.isEmpty() ? QByteArrayLiteral("Mock reply.") : ("Mock reply to: " + text.toUtf8());
}

QByteArray chatCompletion(const json& request, const QByteArray& id, qint64 created)
{
    const QByteArray reply = replyText(request);
    const json j = {
        {"id", id.toStdString()}, {"object", "chat.completion"}, {"created", created}, {"model", modelOf(request)},
        {"choices", json::array({{{"index", 0},
                                  {"message", {{"role", "assistant"}, {"content", reply.toStdString()}}},
                                  {"logprobs", nullptr}, {"finish_reason", "stop"}}})},
        {"usage", usageJson(request, reply)},
    };
    return QByteArray::fromStdString(j.dump());
}

std::vector<QByteArray> chatCompletionChunks(const json& request, const QByteArray& id, qint64 created)
{
    const QByteArray reply = replyText(request);
    const std::string model = modelOf(request);
    auto chunk = [&](json delta, json finish) {
        return json{{"id", id.toStdString()}, {"object", "chat.completion.chunk"}, {"created", created},
                    {"model", model},
                    {"choices", json::array({{{"index", 0}, {"delta", std::move(delta)}, {"logprobs", nullptr},
                                              {"finish_reason", std::move(finish)}}})}};
    };
    std::vector<QByteArray> out;
    out.push_back(sse(chunk({{"role", "assistant"}, {"content", ""}}, nullptr)));
    for (const QByteArray& w : words(reply))
        out.push_back(sse(chunk({{"content", w.toStdString()}}, nullptr)));
    out.push_back(sse(chunk(json::object(), "stop")));
    if (includeUsage(request)) {
        out.push_back(sse({{"id", id.toStdString()}, {"object", "chat.completion.chunk"}, {"created", created},
                           {"model", model}, {"choices", json::array()}, {"usage", usageJson(request, reply)}}));
    }
    out.push_back(QByteArrayLiteral("data: [DONE]\n\n"));
    return out;
}

QByteArray textCompletion(const json& request, const QByteArray& id, qint64 created)
{
    const QByteArray reply = replyText(request);
    const json j = {
        {"id", id.toStdString()}, {"object", "text_completion"}, {"created", created}, {"model", modelOf(request)},
        {"choices", json::array({{{"index", 0}, {"text", reply.toStdString()}, {"logprobs", nullptr},
                                  {"finish_reason", "stop"}}})},
        {"usage", usageJson(request, reply)},
    };
    return QByteArray::fromStdString(j.dump());
}

std::vector<QByteArray> textCompletionChunks(const json& request, const QByteArray& id, qint64 created)
{
    const QByteArray reply = replyText(request);
    const std::string model = modelOf(request);
    std::vector<QByteArray> out;
    const auto ws = words(reply);
    for (std::size_t i = 0; i < ws.size(); ++i) {
        const bool last = i + 1 == ws.size();
        out.push_back(sse({{"id", id.toStdString()}, {"object", "text_completion"}, {"created", created},
                           {"model", model},
                           {"choices", json::array({{{"index", 0}, {"text", ws[i].toStdString()}, {"logprobs", nullptr},
                                                     {"finish_reason", last ? json("stop") : json(nullptr)}}})}}));
    }
    out.push_back(QByteArrayLiteral("data: [DONE]\n\n"));
    return out;
}

QByteArray embeddings(const json& request)
{
    std::vector<std::string> inputs;
    if (const auto in = request.find("input"); in != request.end()) {
        if (in->is_string()) {
            inputs.push_back(in->get<std::string>());
        } else if (in->is_array()) {
            for (const auto& x : *in)
                inputs.push_back(x.is_string() ? x.get<std::string>() : x.dump());
        }
    }
    const int dims = int(std::clamp<long long>(json_fields::integer(request, "dimensions", 8), 1, 4096));
    const bool base64 = json_fields::str(request, "encoding_format") == "base64";
    json data = json::array();
    qint64 tokens = 0;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        // Deterministic unit vector from a hash of the text: equal inputs embed equally.
        std::uint64_t h = 1469598103934665603ull;
        for (unsigned char c : inputs[i])
            h = (h ^ c) * 1099511628211ull;
        std::vector<float> v(static_cast<std::size_t>(dims));
        double norm = 0;
        for (float& x : v) {
            h ^= h << 13; h ^= h >> 7; h ^= h << 17;
            x = float(double(h % 20001) / 10000.0 - 1.0);
            norm += double(x) * x;
        }
        norm = std::sqrt(norm > 0 ? norm : 1);
        for (float& x : v)
            x = float(x / norm);
        json emb;
        if (base64) {
            QByteArray raw(reinterpret_cast<const char*>(v.data()), qsizetype(v.size() * sizeof(float)));
            emb = raw.toBase64().toStdString();
        } else {
            emb = v;
        }
        data.push_back({{"object", "embedding"}, {"index", i}, {"embedding", std::move(emb)}});
        tokens += qint64(std::max<std::size_t>(1, (inputs[i].size() + 3) / 4));
    }
    const json j = {{"object", "list"}, {"data", std::move(data)}, {"model", modelOf(request)},
                    {"usage", {{"prompt_tokens", tokens}, {"total_tokens", tokens}}}};
    return QByteArray::fromStdString(j.dump());
}

QByteArray models()
{
    json data = json::array();
    for (const char* id : {"mock-model", "mock-gpt", "mock-embedding"})
        data.push_back({{"id", id}, {"object", "model"}, {"created", 0}, {"owned_by", "gatehouse-mock"}});
    return QByteArray::fromStdString(json{{"object", "list"}, {"data", std::move(data)}}.dump());
}

QByteArray error(int status)
{
    const char* type = status == 401 ? "authentication_error"
                     : status == 403 ? "permission_error"
                     : status == 404 ? "not_found_error"
                     : status == 429 ? "rate_limit_error"
                     : status >= 500 ? "server_error"
                                     : "invalid_request_error";
    const json j = {{"error", {{"message", "Mock provider answered " + std::to_string(status) + " as requested"},
                               {"type", type}, {"param", nullptr}, {"code", "mock_" + std::to_string(status)}}}};
    return QByteArray::fromStdString(j.dump());
}

} // namespace gatehouse::mock
