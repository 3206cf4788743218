#include "observability/record_queue.h"

#include <QMutexLocker>

#include <algorithm>

namespace gatehouse {

RecordQueue::RecordQueue(qint64 maxRecords, qint64 maxBytes)
    : max_(std::max<qint64>(1, maxRecords))
    , maxBytes_(std::max<qint64>(1, maxBytes))
{
}

RecordQueue::PushResult RecordQueue::push(const RecordBatch& batch)
{
    PushResult result;
    if (!batch || batch->empty())
        return result;
    const qint64 size = qint64(batch->size());
    QMutexLocker lock(&mutex_);
    // The longest prefix of the batch within both bounds.
    const qint64 byCount = std::min(size, max_ - outstanding_);
    qint64 bytes = 0;
    qint64 accepted = 0;
    for (; accepted < byCount; ++accepted) {
        const qint64 b = recordBytes((*batch)[std::size_t(accepted)]);
        if (bytes_ + bytes + b > maxBytes_)
            break;
        bytes += b;
    }
    result.accepted = accepted;
    result.rejected = size - result.accepted;
    bytes_ += bytes;
    if (result.accepted > 0) {
        slices_.push_back({batch, 0, std::size_t(result.accepted)});
        outstanding_ += result.accepted;
        result.wakeWriter = !writerAwake_;
        writerAwake_ = true;
    }
    if (result.rejected > 0) {
        rejected_ += result.rejected;
        result.episodeStarted = !backlogEpisode_;
        backlogEpisode_ = true;
    }
    result.rejectedTotal = rejected_;
    return result;
}

qint64 RecordQueue::reject(qint64 count)
{
    QMutexLocker lock(&mutex_);
    rejected_ += count;
    return rejected_;
}

std::vector<RecordQueue::Slice> RecordQueue::take(qint64 maxRecords)
{
    std::vector<Slice> out;
    QMutexLocker lock(&mutex_);
    qint64 room = maxRecords;
    while (room > 0 && !slices_.empty()) {
        Slice& front = slices_.front();
        const std::size_t n = std::min<std::size_t>(std::size_t(room), front.end - front.begin);
        out.push_back({front.batch, front.begin, front.begin + n});
        for (std::size_t i = front.begin; i < front.begin + n; ++i)
            bytes_ -= recordBytes((*front.batch)[i]);   // the writer holds them now (one transaction's worth)
        front.begin += n;
        room -= qint64(n);
        if (front.begin == front.end)
            slices_.pop_front();
    }
    if (out.empty())
        writerAwake_ = false;
    return out;
}

bool RecordQueue::finished(qint64 written, qint64 failed)
{
    QMutexLocker lock(&mutex_);
    outstanding_ -= written + failed;
    written_ += written;
    failed_ += failed;
    // Hysteresis: a backlog hovering at the bound is one episode, not one warning per batch.
    if (backlogEpisode_ && outstanding_ <= max_ / 2 && bytes_ <= maxBytes_ / 2) {
        backlogEpisode_ = false;
        return true;
    }
    return false;
}

qint64 RecordQueue::queuedBytes() const
{
    QMutexLocker lock(&mutex_);
    return bytes_;
}

qint64 RecordQueue::outstanding() const
{
    QMutexLocker lock(&mutex_);
    return outstanding_;
}

qint64 RecordQueue::written() const
{
    QMutexLocker lock(&mutex_);
    return written_;
}

qint64 RecordQueue::rejected() const
{
    QMutexLocker lock(&mutex_);
    return rejected_;
}

qint64 RecordQueue::failed() const
{
    QMutexLocker lock(&mutex_);
    return failed_;
}

} // namespace gatehouse
