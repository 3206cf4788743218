#pragma once
// The bounded hand-off of request records from the gateway side to the log store's writer thread,
// and the counts the store reports. Thread-safe.
//
// Bounded twice: in records, and in the bytes the queued records hold (their bodies), so a backlog of
// large streamed answers cannot take the memory a count alone would allow (100k x 144 KiB).
// At a bound, push() takes what fits and refuses the rest, counting it: the producer is the
// gateway/GUI thread, which must never wait for the disk. Batches are shared, never copied; a batch
// that only partly fits is queued as a slice of its first records.

#include "observability/request_record.h"

#include <QMutex>

#include <cstddef>
#include <deque>
#include <vector>

namespace gatehouse {

class RecordQueue {
public:
    static constexpr qint64 kDefaultMaxBytes = qint64(256) << 20;

    explicit RecordQueue(qint64 maxRecords, qint64 maxBytes = kDefaultMaxBytes);

    // What a queued record is counted as: its captured bodies plus a fixed share for the rest.
    static qint64 recordBytes(const RequestRecord& r)
    {
        return r.requestBody.size() + r.responseBody.size() + r.responseTail.size() + 1024;
    }

    struct PushResult {
        qint64 accepted = 0;
        qint64 rejected = 0;          // refused by this push
        qint64 rejectedTotal = 0;     // refused since the queue was made
        bool episodeStarted = false;  // the first refusal since the backlog last drained
        bool wakeWriter = false;      // the writer is idle: post it a drain
    };
    PushResult push(const RecordBatch& batch);
    // Counts records refused for another reason (store not open) without touching the backlog state.
    qint64 reject(qint64 count);

    struct Slice {
        RecordBatch batch;
        std::size_t begin = 0;
        std::size_t end = 0;
    };
    // Up to maxRecords records for one transaction, oldest first. Empty means the queue is empty and
    // the writer counts as idle: the next push asks for a wake-up.
    std::vector<Slice> take(qint64 maxRecords);
    // The writer reports how the records of one take() ended. Returns true when this ends a backlog
    // episode (outstanding records fell to half the bound).
    bool finished(qint64 written, qint64 failed);

    qint64 maxRecords() const { return max_; }
    qint64 outstanding() const;   // accepted, not yet written or failed
    qint64 queuedBytes() const;   // of the records not yet taken by the writer
    qint64 written() const;
    qint64 rejected() const;
    qint64 failed() const;

private:
    const qint64 max_;
    const qint64 maxBytes_;
    qint64 bytes_ = 0;
    mutable QMutex mutex_;
    std::deque<Slice> slices_;
    qint64 outstanding_ = 0;
    qint64 written_ = 0;
    qint64 rejected_ = 0;
    qint64 failed_ = 0;
    bool writerAwake_ = false;
    bool backlogEpisode_ = false;
};

} // namespace gatehouse
