#include "pipeline/id_generator.h"

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

QByteArray IdGenerator::requestId()
{
    const std::uint64_t a = random_();
    const std::uint64_t b = random_();
    return "req_" + QByteArray::number(qulonglong(a), 16).rightJustified(16, '0')
         + QByteArray::number(qulonglong(b >> 32), 16).rightJustified(8, '0');
}

QByteArray IdGenerator::traceId()
{
    std::uint64_t hi = random_();
    std::uint64_t lo = random_();
    hi = (hi & 0xffffffffffff0fffull) | 0x0000000000004000ull;   // version 4
    lo = (lo & 0x3fffffffffffffffull) | 0x8000000000000000ull;   // variant 10
    const QByteArray h = QByteArray::number(qulonglong(hi), 16).rightJustified(16, '0');
    const QByteArray l = QByteArray::number(qulonglong(lo), 16).rightJustified(16, '0');
    return h.left(8) + '-' + h.mid(8, 4) + '-' + h.mid(12, 4) + '-' + l.left(4) + '-' + l.mid(4);
}

} // namespace gatehouse
