#include "aws_event_stream_frames.h"

#include "providers/aws_event_stream.h"

namespace gatehouse::test {

namespace {

void be32(QByteArray& out, quint32 v)
{
    out.append(char(v >> 24)).append(char(v >> 16)).append(char(v >> 8)).append(char(v));
}

} // namespace

QByteArray eventStreamFrame(const std::vector<std::pair<QByteArray, QByteArray>>& stringHeaders, const QByteArray& payload)
{
    QByteArray headers;
    for (const auto& [name, value] : stringHeaders) {
        headers.append(char(name.size())).append(name).append(char(7));
        headers.append(char(value.size() >> 8)).append(char(value.size() & 0xFF)).append(value);
    }
    QByteArray frame;
    be32(frame, quint32(16 + headers.size() + payload.size()));
    be32(frame, quint32(headers.size()));
    be32(frame, aws::crc32(frame));
    frame += headers + payload;
    be32(frame, aws::crc32(frame));
    return frame;
}

QByteArray bedrockEvent(const QByteArray& eventType, const QByteArray& jsonPayload)
{
    return eventStreamFrame({{":event-type", eventType}, {":content-type", "application/json"}, {":message-type", "event"}}, jsonPayload);
}

} // namespace gatehouse::test
