#include "providers/openai_request.h"

#include "providers/json_fields.h"

#include <cctype>
#include <cmath>

namespace gatehouse::openai {

using nlohmann::json;

namespace {

const json* present(const json& req, const char* key)
{
    if (!req.is_object())
        return nullptr;
    const auto it = req.find(key);
    return it == req.end() || it->is_null() ? nullptr : &*it;
}

bool startsWithNoCase(std::string_view s, std::string_view prefix)
{
    if (s.size() < prefix.size())
        return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i])
            return false;
    }
    return true;
}

} // namespace

QString paramAt(const QString& param, std::size_t index)
{
    return QStringLiteral("%1[%2]").arg(param).arg(qulonglong(index));
}

ApiError invalidField(const QString& param, const QString& what)
{
    return ApiError::badRequest(QStringLiteral("'%1' %2.").arg(param, what), QStringLiteral("invalid_value"), param);
}

std::optional<ApiError> nestingError(const json& body, int maxDepth)
{
    if (!json_fields::nestedDeeperThan(body, maxDepth))
        return std::nullopt;
    return ApiError::badRequest(QStringLiteral("The request body nests deeper than %1 levels.").arg(maxDepth), QStringLiteral("invalid_json"));
}

std::optional<ApiError> checkRequest(const json* body, std::string& model)
{
    if (!body || !body->is_object())
        return ApiError::badRequest(QStringLiteral("The request body must be a JSON object."), QStringLiteral("invalid_json"));
    if (auto e = nestingError(*body, kMaxRequestDepth))
        return e;
    model = json_fields::str(*body, "model");
    if (model.empty()) {
        return ApiError::badRequest(QStringLiteral("'model' is required and must be a non-empty string."),
                                    QStringLiteral("missing_required_parameter"), QStringLiteral("model"));
    }
    return std::nullopt;
}

std::optional<ApiError> readNumber(const json& req, const char* key, std::optional<double>& out)
{
    const json* v = present(req, key);
    if (!v)
        return std::nullopt;
    if (!v->is_number())
        return invalidField(QString::fromLatin1(key), QStringLiteral("must be a number"));
    out = v->get<double>();
    return std::nullopt;
}

std::optional<ApiError> readInteger(const json& req, const char* key, std::optional<long long>& out)
{
    const json* v = present(req, key);
    if (!v)
        return std::nullopt;
    if (v->is_number_integer()) {
        out = v->get<long long>();
        return std::nullopt;
    }
    if (v->is_number_float()) {
        const double d = v->get<double>();
        if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15) {
            out = static_cast<long long>(d);
            return std::nullopt;
        }
    }
    return invalidField(QString::fromLatin1(key), QStringLiteral("must be an integer"));
}

std::optional<ApiError> readString(const json& req, const char* key, std::optional<std::string>& out)
{
    const json* v = present(req, key);
    if (!v)
        return std::nullopt;
    if (!v->is_string())
        return invalidField(QString::fromLatin1(key), QStringLiteral("must be a string"));
    out = v->get<std::string>();
    return std::nullopt;
}

std::optional<ApiError> readStop(const json& req, std::vector<std::string>& out)
{
    const json* v = present(req, "stop");
    if (!v)
        return std::nullopt;
    if (v->is_string()) {
        if (!v->get_ref<const std::string&>().empty())
            out.push_back(v->get<std::string>());
        return std::nullopt;
    }
    if (!v->is_array())
        return invalidField(QStringLiteral("stop"), QStringLiteral("must be a string or an array of strings"));
    for (const auto& s : *v) {
        if (!s.is_string())
            return invalidField(QStringLiteral("stop"), QStringLiteral("must be a string or an array of strings"));
        if (!s.get_ref<const std::string&>().empty())
            out.push_back(s.get<std::string>());
    }
    return std::nullopt;
}

std::optional<ApiError> readMaxTokens(const json& req, std::optional<long long>& out)
{
    for (const char* key : {"max_completion_tokens", "max_tokens"}) {
        if (auto e = readInteger(req, key, out))
            return e;
        if (out) {
            if (*out <= 0)
                return invalidField(QString::fromLatin1(key), QStringLiteral("must be a positive integer"));
            return std::nullopt;
        }
    }
    return std::nullopt;
}

std::string contentText(const json& content)
{
    if (content.is_string())
        return content.get<std::string>();
    std::string out;
    if (content.is_array()) {
        for (const auto& part : content) {
            if (part.is_string())
                out += part.get<std::string>();
            else if (json_fields::str(part, "type") == "text")
                out += json_fields::str(part, "text");
        }
    }
    return out;
}

std::optional<DataUrl> parseDataUrl(std::string_view url)
{
    if (!startsWithNoCase(url, "data:"))
        return std::nullopt;
    const std::size_t comma = url.find(',');
    if (comma == std::string_view::npos)
        return std::nullopt;
    const std::string_view meta = url.substr(5, comma - 5);
    const std::size_t semi = meta.find(';');
    if (semi == std::string_view::npos || meta.substr(meta.rfind(';') + 1) != "base64")
        return std::nullopt;
    DataUrl out;
    out.mediaType = std::string(meta.substr(0, semi));
    if (out.mediaType == "image/jpg")
        out.mediaType = "image/jpeg";   // a common misspelling that providers refuse
    out.base64 = std::string(url.substr(comma + 1));
    return out;
}

bool isHttpUrl(std::string_view url)
{
    return startsWithNoCase(url, "https://") || startsWithNoCase(url, "http://");
}

std::string imageUrlOf(const json& part)
{
    if (!part.is_object())
        return {};
    const auto it = part.find("image_url");
    if (it == part.end())
        return {};
    if (it->is_string())
        return it->get<std::string>();
    return json_fields::str(*it, "url");
}

} // namespace gatehouse::openai
