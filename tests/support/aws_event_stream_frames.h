#pragma once
// Encodes AWS event-stream frames (string headers only), the way Bedrock's ConverseStream sends them,
// for the mock upstream and the decoder's tests.

#include <QByteArray>

#include <utility>
#include <vector>

namespace gatehouse::test {

QByteArray eventStreamFrame(const std::vector<std::pair<QByteArray, QByteArray>>& stringHeaders, const QByteArray& payload);
// ":message-type" event, ":event-type" <type>, ":content-type" application/json.
QByteArray bedrockEvent(const QByteArray& eventType, const QByteArray& jsonPayload);

} // namespace gatehouse::test
