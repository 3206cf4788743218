#include "observability/record_batcher.h"

namespace gatehouse {

RecordBatcher::RecordBatcher(int flushIntervalMs, QObject* parent)
    : QObject(parent)
    , timer_(this)
{
    timer_.setSingleShot(true);
    timer_.setInterval(flushIntervalMs);
    connect(&timer_, &QTimer::timeout, this, &RecordBatcher::flush);
}

void RecordBatcher::add(RequestRecord&& record)
{
    pending_.push_back(std::move(record));
    ++total_;
    if (!timer_.isActive())
        timer_.start();   // armed only when the batch turns non-empty
}

void RecordBatcher::flush()
{
    timer_.stop();
    if (pending_.empty())
        return;
    auto batch = std::make_shared<const std::vector<RequestRecord>>(std::move(pending_));
    pending_ = {};
    Q_EMIT batchReady(batch);
}

} // namespace gatehouse
