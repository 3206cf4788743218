#include "pipeline/sse_event_framer.h"

#include <algorithm>

namespace gatehouse {

qsizetype SseEventFramer::completeLength(QByteArrayView b)
{
    const qsizetype lf = b.lastIndexOf(QByteArrayView("\n\n"));
    const qsizetype crlf = b.lastIndexOf(QByteArrayView("\n\r\n"));
    return std::max(lf < 0 ? 0 : lf + 2, crlf < 0 ? 0 : crlf + 3);
}

QByteArrayView SseEventFramer::push(QByteArrayView in)
{
    if (held_.isEmpty()) {
        const qsizetype end = completeLength(in);
        if (end == in.size())
            return in;
        if (end == 0 && in.size() > kMaxHeldBytes)
            return in;
        held_ = in.sliced(end).toByteArray();
        return in.first(end);
    }
    held_.append(in);
    qsizetype end = completeLength(held_);
    if (end == 0) {
        if (held_.size() <= kMaxHeldBytes)
            return {};
        end = held_.size();
    }
    out_ = held_.first(end);
    held_.remove(0, end);
    return out_;
}

QByteArray SseEventFramer::takeRest()
{
    QByteArray rest = std::move(held_);
    held_.clear();
    return rest;
}

void SseEventFramer::reset()
{
    held_.clear();
    out_.clear();
}

} // namespace gatehouse
