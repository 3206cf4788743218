#pragma once
// Rewrites the prelude and message CRCs of every whole AWS event-stream frame the bytes describe, so
// fuzzed frames get past the checksums into header and payload decoding.

#include "providers/aws_event_stream.h"

#include <QByteArray>

namespace gatehouse::fuzz {

inline quint32 be32(const QByteArray& b, qsizetype at)
{
    return quint32(quint8(b[at])) << 24 | quint32(quint8(b[at + 1])) << 16 | quint32(quint8(b[at + 2])) << 8 | quint32(quint8(b[at + 3]));
}

inline void putBe32(QByteArray& b, qsizetype at, quint32 v)
{
    b[at] = char(v >> 24);
    b[at + 1] = char(v >> 16);
    b[at + 2] = char(v >> 8);
    b[at + 3] = char(v);
}

inline void repairEventStreamCrcs(QByteArray& b)
{
    qsizetype at = 0;
    while (b.size() - at >= 16) {
        const quint32 total = be32(b, at);
        if (total < 16 || total > quint32(b.size() - at))
            return;
        putBe32(b, at + 8, aws::crc32(QByteArrayView(b).sliced(at, 8)));
        putBe32(b, at + total - 4, aws::crc32(QByteArrayView(b).sliced(at, total - 4)));
        at += total;
    }
}

} // namespace gatehouse::fuzz
