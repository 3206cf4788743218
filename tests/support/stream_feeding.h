#pragma once
// Drives a StreamMapper the way the network does: the provider's bytes cut into pieces of any size
// (whole, one byte at a time, or random sizes from a seed), then finish(). Also splits the OpenAI
// SSE it produces back into events, so tests can compare chunk sequences.

#include "providers/provider.h"

#include <QByteArray>
#include <QList>
#include <nlohmann/json.hpp>

namespace gatehouse::test {

// pieceSize 0 means "all at once".
QByteArray feedInPieces(StreamMapper& mapper, const QByteArray& bytes, qsizetype pieceSize);
// Random piece sizes between 1 and maxPiece, reproducible from the seed.
QByteArray feedRandomly(StreamMapper& mapper, const QByteArray& bytes, quint32 seed, qsizetype maxPiece = 64);

// The payloads of "data: ..." events, in order. Fails (returns what it could plus "<malformed>")
// when the bytes are not a sequence of "data: <payload>\n\n" events.
QList<QByteArray> ssePayloads(const QByteArray& sse);

// JSON chunks of an OpenAI stream with "created" set to 0 (payloads that are not JSON, such as
// [DONE], become JSON strings), so runs at different times compare equal.
nlohmann::json normalizedChunks(const QByteArray& sse);

} // namespace gatehouse::test
