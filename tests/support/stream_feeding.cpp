#include "stream_feeding.h"

#include <QRandomGenerator>

namespace gatehouse::test {

using json = nlohmann::json;

QByteArray feedInPieces(StreamMapper& mapper, const QByteArray& bytes, qsizetype pieceSize)
{
    QByteArray out;
    if (pieceSize <= 0)
        pieceSize = std::max<qsizetype>(1, bytes.size());
    for (qsizetype i = 0; i < bytes.size(); i += pieceSize)
        out += mapper.map(QByteArrayView(bytes).sliced(i, std::min(pieceSize, bytes.size() - i)));
    return out + mapper.finish();
}

QByteArray feedRandomly(StreamMapper& mapper, const QByteArray& bytes, quint32 seed, qsizetype maxPiece)
{
    QRandomGenerator rng(seed);
    QByteArray out;
    for (qsizetype i = 0; i < bytes.size();) {
        const qsizetype n = std::min<qsizetype>(bytes.size() - i, 1 + rng.bounded(int(maxPiece)));
        out += mapper.map(QByteArrayView(bytes).sliced(i, n));
        i += n;
    }
    return out + mapper.finish();
}

QList<QByteArray> ssePayloads(const QByteArray& sse)
{
    QList<QByteArray> out;
    qsizetype pos = 0;
    while (pos < sse.size()) {
        const qsizetype end = sse.indexOf("\n\n", pos);
        const QByteArray event = sse.mid(pos, end < 0 ? -1 : end - pos);
        if (end < 0 || !event.startsWith("data: ") || event.contains('\n')) {
            out << "<malformed>" + sse.mid(pos);
            return out;
        }
        out << event.mid(6);
        pos = end + 2;
    }
    return out;
}

json normalizedChunks(const QByteArray& sse)
{
    json out = json::array();
    for (const QByteArray& payload : ssePayloads(sse)) {
        json j = json::parse(payload.toStdString(), nullptr, false);
        if (j.is_discarded()) {
            out.push_back(payload.toStdString());
            continue;
        }
        if (j.is_object() && j.contains("created"))
            j["created"] = 0;
        out.push_back(std::move(j));
    }
    return out;
}

} // namespace gatehouse::test
