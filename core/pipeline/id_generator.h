#pragma once
// Request and trace ids. Random source injected so tests can make ids predictable.

#include <QByteArray>
#include <cstdint>
#include <functional>

namespace gatehouse {

class IdGenerator {
public:
    using Random = std::function<std::uint64_t()>;
    IdGenerator();                          // seeded from the OS
    explicit IdGenerator(Random random);

    QByteArray requestId();                 // "req_" + 24 hex digits
    QByteArray traceId();                   // UUID v4 form, as Portkey's SDK and hosted gateway use

private:
    Random random_;
};

} // namespace gatehouse
