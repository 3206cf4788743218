#include "pipeline/id_generator.h"

#include <cstring>
#include <random>

namespace gatehouse {

IdGenerator::IdGenerator()
{
    std::random_device rd;
    auto engine = std::make_shared<std::mt19937_64>((std::uint64_t(rd()) << 32) ^ rd());
    random_ = [engine] { return (*engine)(); };
}

IdGenerator::IdGenerator(Random random)
    : random_(std::move(random))
{
}

namespace {

// Writes the low `digits` hex digits of v, most significant first.
char* putHex(char* out, std::uint64_t v, int digits)
{
    static constexpr char kHex[] = "0123456789abcdef";
    for (int i = digits - 1; i >= 0; --i) {
        out[i] = kHex[v & 0xf];
        v >>= 4;
    }
    return out + digits;
}

} // namespace

QByteArray IdGenerator::requestId()
{
    QByteArray out(4 + 24, Qt::Uninitialized);
    char* p = out.data();
    std::memcpy(p, "req_", 4);
    p = putHex(p + 4, random_(), 16);
    putHex(p, random_() >> 32, 8);
    return out;
}

QByteArray IdGenerator::traceId()
{
    std::uint64_t hi = random_();
    std::uint64_t lo = random_();
    hi = (hi & 0xffffffffffff0fffull) | 0x0000000000004000ull;   // version 4
    lo = (lo & 0x3fffffffffffffffull) | 0x8000000000000000ull;   // variant 10
    QByteArray out(36, Qt::Uninitialized);
    char* p = out.data();
    p = putHex(p, hi >> 32, 8); *p++ = '-';
    p = putHex(p, hi >> 16, 4); *p++ = '-';
    p = putHex(p, hi, 4); *p++ = '-';
    p = putHex(p, lo >> 48, 4); *p++ = '-';
    putHex(p, lo, 12);
    return out;
}

} // namespace gatehouse
