#pragma once
// Helpers shared by the fuzz targets. A target reads its first byte as a "shape" (how the rest is cut
// into network pieces, which variant of the API to call), so the fuzzer explores both what arrives
// and how it arrives. A broken property calls abort(): libFuzzer keeps the input, the replay test fails.

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <vector>

namespace gatehouse::fuzz {

struct Input {
    std::uint8_t shape = 0;
    QByteArrayView rest;
};

inline Input split(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return {};
    return {data[0], QByteArrayView(reinterpret_cast<const char*>(data + 1), qsizetype(size - 1))};
}

// The bytes cut into pieces of 1..64 bytes (the size taken from the shape), or whole for shape 0.
inline std::vector<QByteArrayView> pieces(QByteArrayView bytes, std::uint8_t shape)
{
    std::vector<QByteArrayView> out;
    const qsizetype step = shape == 0 ? qMax<qsizetype>(1, bytes.size()) : 1 + (shape % 64);
    for (qsizetype at = 0; at < bytes.size(); at += step)
        out.push_back(bytes.sliced(at, qMin(step, bytes.size() - at)));
    return out;
}

inline void require(bool ok, const char* what)
{
    if (!ok) {
        std::fprintf(stderr, "fuzz property broken: %s\n", what);
        std::abort();
    }
}

// What the gateway sends a streaming client: every "data:" line is JSON or [DONE].
inline void requireOpenAiSse(const QByteArray& sse)
{
    for (const QByteArray& line : sse.split('\n')) {
        if (!line.startsWith("data: "))
            continue;
        const QByteArray payload = line.mid(6);
        if (payload == "[DONE]")
            continue;
        require(nlohmann::json::accept(payload.constData(), payload.constData() + payload.size()),
                "a data: line of the OpenAI stream is not JSON");
    }
}

// A provider's answer (any status, any bytes) through `map(status, body)`, which rewrites the body
// in place to OpenAI's shape: a JSON answer must stay JSON.
template <typename Map>
void requireAnswerStaysJson(const Input& in, Map map)
{
    static const int statuses[] = {200, 400, 401, 403, 404, 429, 500, 503, 529, 201};
    const int status = statuses[in.shape % std::size(statuses)];
    QByteArray body = in.rest.toByteArray();
    const bool wasJson = nlohmann::json::accept(body.constData(), body.constData() + body.size());
    map(status, body);
    if (wasJson)
        require(nlohmann::json::accept(body.constData(), body.constData() + body.size()), "a JSON answer became non-JSON");
}

} // namespace gatehouse::fuzz
