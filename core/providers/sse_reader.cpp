#include "providers/sse_reader.h"

namespace gatehouse {

std::vector<SseReader::Event> SseReader::feed(QByteArrayView bytes)
{
    std::vector<Event> out;
    qsizetype start = 0;
    if (skipLf_ && !bytes.isEmpty()) {
        skipLf_ = false;
        if (bytes[0] == '\n')
            start = 1;
    }
    for (qsizetype i = start; i < bytes.size(); ++i) {
        const char c = bytes[i];
        if (c != '\n' && c != '\r')
            continue;
        const QByteArrayView piece = bytes.sliced(start, i - start);
        if (oversized_) {
            oversized_ = false;   // the overlong line ends here; it is dropped
        } else if (partial_.isEmpty()) {
            line(piece, out);
        } else {
            partial_.append(piece);
            line(partial_, out);
        }
        partial_.clear();
        if (c == '\r') {
            if (i + 1 < bytes.size()) {
                if (bytes[i + 1] == '\n')
                    ++i;
            } else {
                skipLf_ = true;
            }
        }
        start = i + 1;
    }
    if (start < bytes.size() && !oversized_) {
        partial_.append(bytes.sliced(start));
        if (partial_.size() > kMaxLineBytes) {
            partial_.clear();
            partial_.squeeze();
            oversized_ = true;
        }
    }
    return out;
}

std::vector<SseReader::Event> SseReader::finish()
{
    std::vector<Event> out;
    if (!partial_.isEmpty() && !oversized_)
        line(partial_, out);
    partial_.clear();
    oversized_ = false;
    skipLf_ = false;
    dispatch(out);
    return out;
}

void SseReader::line(QByteArrayView l, std::vector<Event>& out)
{
    if (l.isEmpty())
        return dispatch(out);
    if (l[0] == ':')
        return;   // comment (keep-alive)
    const qsizetype colon = l.indexOf(':');
    const QByteArrayView field = colon < 0 ? l : l.first(colon);
    QByteArrayView value = colon < 0 ? QByteArrayView() : l.sliced(colon + 1);
    if (value.startsWith(' '))
        value = value.sliced(1);
    if (field == "data") {
        if (hasData_)
            pending_.data.append('\n');
        pending_.data.append(value);
        hasData_ = true;
    } else if (field == "event") {
        pending_.type = value.toByteArray();
    }
    // "id" and "retry" mean nothing to a relay.
}

void SseReader::dispatch(std::vector<Event>& out)
{
    if (hasData_)
        out.push_back(std::move(pending_));
    pending_ = Event();
    hasData_ = false;
}

} // namespace gatehouse
