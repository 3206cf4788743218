#pragma once
// AWS event-stream framing (application/vnd.amazon.eventstream), as Bedrock's ConverseStream sends it:
//   [total length u32][headers length u32][prelude CRC32 u32][headers][payload][message CRC32 u32]
// big-endian, CRC32 (IEEE) over the first 8 bytes and over everything before the last 4. Headers are
// [name length u8][name][type u8][value]; string values (type 7, u16 length) are kept, the other
// types are skipped over. Bytes may arrive in any pieces; a frame is decoded once it is whole.
// A bad CRC or impossible length is a decoding error: the stream cannot be resynchronised, so the
// decoder stops there.

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <map>
#include <string>
#include <vector>

namespace gatehouse::aws {

quint32 crc32(QByteArrayView data, quint32 crc = 0);

struct EventMessage {
    std::map<std::string, std::string> headers;   // ":event-type", ":message-type", ":content-type", ...
    QByteArray payload;
    std::string header(const char* name) const
    {
        const auto it = headers.find(name);
        return it == headers.end() ? std::string() : it->second;
    }
};

class EventStreamDecoder {
public:
    // Frames larger than this are refused (Bedrock's events are small; this bounds memory).
    static constexpr quint32 kMaxFrameBytes = 16 * 1024 * 1024;

    // The messages these bytes completed. On a framing error, error() is set and nothing more is decoded.
    std::vector<EventMessage> feed(QByteArrayView bytes);
    bool failed() const { return !error_.isEmpty(); }
    const QString& error() const { return error_; }
    bool hasPartialFrame() const { return !buffer_.isEmpty(); }

private:
    bool decodeOne(std::vector<EventMessage>& out);
    QByteArray buffer_;
    QString error_;
};

} // namespace gatehouse::aws
