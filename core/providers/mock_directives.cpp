#include "providers/mock_directives.h"

#include <charconv>
#include <optional>

namespace gatehouse {

namespace {

struct Bound {
    int min;
    int max;
};

std::optional<ApiError> setField(MockDirectives& d, std::string_view key, std::string_view value, const char* source)
{
    int* field = nullptr;
    Bound b{0, 0};
    if (key == "status") { field = &d.status; b = {100, 599}; }
    else if (key == "latency" || key == "latency_ms") { field = &d.latencyMs; b = {0, 600'000}; }
    else if (key == "gap" || key == "gap_ms") { field = &d.gapMs; b = {0, 60'000}; }
    else if (key == "break" || key == "break_after") { field = &d.breakAfter; b = {0, 100'000}; }
    else {
        return ApiError::badRequest(QStringLiteral("Unknown mock directive '%1' in %2; use status, latency, gap or break.")
                                        .arg(QString::fromUtf8(key.data(), qsizetype(key.size())), QString::fromUtf8(source)),
                                    QStringLiteral("invalid_mock_directive"));
    }
    int v = 0;
    const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc{} || ptr != value.data() + value.size() || v < b.min || v > b.max) {
        return ApiError::badRequest(QStringLiteral("Mock directive %1 must be an integer from %2 to %3 (got '%4') in %5.")
                                        .arg(QString::fromUtf8(key.data(), qsizetype(key.size())))
                                        .arg(b.min).arg(b.max)
                                        .arg(QString::fromUtf8(value.data(), qsizetype(value.size())), QString::fromUtf8(source)),
                                    QStringLiteral("invalid_mock_directive"));
    }
    *field = v;
    return std::nullopt;
}

int headerInt(const HeaderList& headers, QByteArrayView name, int fallback)
{
    const QByteArrayView v = findHeader(headers, name);
    bool ok = false;
    const int n = v.isEmpty() ? fallback : v.toInt(&ok);
    return ok ? n : fallback;
}

} // namespace

std::variant<MockDirectives, ApiError> parseMockDirectives(const std::string& model,
                                                           const std::map<std::string, std::string>* metadata)
{
    MockDirectives d;
    const auto at = model.find('@');
    if (at != std::string::npos) {
        std::string_view rest(model);
        rest.remove_prefix(at + 1);
        while (!rest.empty()) {
            const auto comma = rest.find(',');
            const std::string_view item = rest.substr(0, comma);
            const auto eq = item.find('=');
            if (eq == std::string_view::npos) {
                return ApiError::badRequest(QStringLiteral("Mock directive '%1' in the model name needs the form key=value.")
                                                .arg(QString::fromUtf8(item.data(), qsizetype(item.size()))),
                                            QStringLiteral("invalid_mock_directive"), QStringLiteral("model"));
            }
            if (auto err = setField(d, item.substr(0, eq), item.substr(eq + 1), "the model name"))
                return *err;
            rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        }
    }
    if (metadata) {
        for (const auto& [key, value] : *metadata) {
            if (key.rfind("mock_", 0) != 0)
                continue;
            if (auto err = setField(d, std::string_view(key).substr(5), value, "x-portkey-metadata"))
                return *err;
        }
    }
    return d;
}

void MockDirectives::appendHeaders(HeaderList& headers) const
{
    headers.emplace_back(QByteArrayLiteral("x-mock-status"), QByteArray::number(status));
    headers.emplace_back(QByteArrayLiteral("x-mock-latency-ms"), QByteArray::number(latencyMs));
    headers.emplace_back(QByteArrayLiteral("x-mock-gap-ms"), QByteArray::number(gapMs));
    headers.emplace_back(QByteArrayLiteral("x-mock-break-after"), QByteArray::number(breakAfter));
}

MockDirectives MockDirectives::fromHeaders(const HeaderList& headers)
{
    MockDirectives d;
    d.status = headerInt(headers, "x-mock-status", 200);
    d.latencyMs = headerInt(headers, "x-mock-latency-ms", 0);
    d.gapMs = headerInt(headers, "x-mock-gap-ms", 0);
    d.breakAfter = headerInt(headers, "x-mock-break-after", -1);
    return d;
}

} // namespace gatehouse
