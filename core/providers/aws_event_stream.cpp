#include "providers/aws_event_stream.h"

#include <array>

namespace gatehouse::aws {

namespace {

const std::array<quint32, 256>& crcTable()
{
    static const std::array<quint32, 256> table = [] {
        std::array<quint32, 256> t{};
        for (quint32 i = 0; i < 256; ++i) {
            quint32 c = i;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    return table;
}

quint32 be32(const char* p)
{
    const auto* u = reinterpret_cast<const unsigned char*>(p);
    return (quint32(u[0]) << 24) | (quint32(u[1]) << 16) | (quint32(u[2]) << 8) | quint32(u[3]);
}

quint16 be16(const char* p)
{
    const auto* u = reinterpret_cast<const unsigned char*>(p);
    return quint16((u[0] << 8) | u[1]);
}

// Parses the header block; false when it is malformed.
bool parseHeaders(QByteArrayView h, std::map<std::string, std::string>& out)
{
    qsizetype i = 0;
    while (i < h.size()) {
        const int nameLen = static_cast<unsigned char>(h[i++]);
        if (nameLen == 0 || i + nameLen + 1 > h.size())
            return false;
        const std::string name(h.data() + i, std::size_t(nameLen));
        i += nameLen;
        const int type = static_cast<unsigned char>(h[i++]);
        qsizetype fixed = -1;
        switch (type) {
        case 0: case 1: fixed = 0; break;   // bool true / false
        case 2: fixed = 1; break;           // byte
        case 3: fixed = 2; break;           // short
        case 4: fixed = 4; break;           // int
        case 5: case 8: fixed = 8; break;   // long, timestamp
        case 9: fixed = 16; break;          // uuid
        case 6: case 7: {                   // bytes, string
            if (i + 2 > h.size())
                return false;
            const qsizetype len = be16(h.data() + i);
            i += 2;
            if (i + len > h.size())
                return false;
            if (type == 7)
                out[name] = std::string(h.data() + i, std::size_t(len));
            i += len;
            continue;
        }
        default:
            return false;
        }
        if (i + fixed > h.size())
            return false;
        i += fixed;
    }
    return true;
}

} // namespace

quint32 crc32(QByteArrayView data, quint32 crc)
{
    const auto& t = crcTable();
    crc = ~crc;
    for (char c : data)
        crc = t[(crc ^ static_cast<unsigned char>(c)) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

std::vector<EventMessage> EventStreamDecoder::feed(QByteArrayView bytes)
{
    std::vector<EventMessage> out;
    if (failed())
        return out;
    buffer_.append(bytes);
    while (decodeOne(out)) {
    }
    return out;
}

bool EventStreamDecoder::decodeOne(std::vector<EventMessage>& out)
{
    if (buffer_.size() < 12)
        return false;
    const quint32 total = be32(buffer_.constData());
    const quint32 headersLen = be32(buffer_.constData() + 4);
    if (crc32(QByteArrayView(buffer_).first(8)) != be32(buffer_.constData() + 8)) {
        error_ = QStringLiteral("event-stream prelude CRC mismatch");
        buffer_.clear();
        return false;
    }
    if (total < 16 || total > kMaxFrameBytes || headersLen > total - 16) {
        error_ = QStringLiteral("event-stream frame with impossible lengths (total %1, headers %2)").arg(total).arg(headersLen);
        buffer_.clear();
        return false;
    }
    if (quint32(buffer_.size()) < total)
        return false;   // wait for the rest
    const QByteArrayView frame = QByteArrayView(buffer_).first(total);
    if (crc32(frame.first(total - 4)) != be32(frame.data() + total - 4)) {
        error_ = QStringLiteral("event-stream message CRC mismatch");
        buffer_.clear();
        return false;
    }
    EventMessage m;
    if (!parseHeaders(frame.sliced(12, headersLen), m.headers)) {
        error_ = QStringLiteral("event-stream frame with malformed headers");
        buffer_.clear();
        return false;
    }
    m.payload = frame.sliced(12 + headersLen, total - 16 - headersLen).toByteArray();
    out.push_back(std::move(m));
    buffer_.remove(0, total);
    return true;
}

} // namespace gatehouse::aws
