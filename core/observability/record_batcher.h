#pragma once
// Collects finished request records on a gateway thread and hands them on in batches: one queued
// signal per burst (at most one per flush interval), never one cross-thread signal per request.

#include "observability/request_record.h"

#include <QObject>
#include <QTimer>
#include <vector>

namespace gatehouse {

class RecordBatcher : public QObject {
    Q_OBJECT
public:
    explicit RecordBatcher(int flushIntervalMs, QObject* parent = nullptr);

    void add(RequestRecord&& record);
    void flush();                       // hand over what is pending now (shutdown)
    qint64 totalRecords() const { return total_; }

Q_SIGNALS:
    void batchReady(const gatehouse::RecordBatch& batch);

private:
    std::vector<RequestRecord> pending_;
    QTimer timer_;
    qint64 total_ = 0;
};

} // namespace gatehouse
