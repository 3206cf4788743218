#pragma once
// The persistent request log: a facade on the caller's thread whose writer runs on its own QThread
// with its own SQLite connection (WAL, 16 KiB pages, batched transactions).
//
// append() only enqueues, so the gateway/GUI thread never waits for the disk. The queue is bounded:
// at the bound the records that do not fit are refused, counted in rejected(), announced with
// backlogFull() and a warning once per backlog episode — visible, never silent
// (docs/observability.md). Read the log with LogReader on a connection of your own.

#include "observability/log_retention.h"
#include "observability/request_record.h"

#include <QObject>
#include <QString>

#include <memory>

class QThread;

namespace gatehouse {

class LogWriter;
class RecordQueue;

class LogStore : public QObject {
    Q_OBJECT
public:
    static constexpr qint64 kDefaultMaxQueued = 100000;

    explicit LogStore(qint64 maxQueuedRecords = kDefaultMaxQueued, QObject* parent = nullptr);
    ~LogStore() override;   // close(): writes everything accepted first

    // Creates the file (and its folder) when missing, applies the PRAGMAs, migrates the schema and
    // starts the writer thread. Waits for the writer to open the file (startup, a few ms).
    bool open(const QString& path, QString* error = nullptr);
    // flushAndWait(), then closes the connection and ends the writer thread.
    void close();
    bool isOpen() const { return writer_ != nullptr; }
    QString path() const { return path_; }

    // Enqueues the batch; never blocks. Safe to connect to GatewayService::recordsReady.
    void append(const gatehouse::RecordBatch& batch);
    // Blocks until every record accepted so far is written (or failed). For shutdown and tests.
    void flushAndWait();
    // Queues one retention pass on the writer thread; retentionApplied() reports it.
    // maxAgeDays <= 0 or maxBytes <= 0 disables that limit.
    void applyRetention(int maxAgeDays, qint64 maxBytes);

    qint64 written() const;    // committed to the file
    qint64 queued() const;     // accepted, not yet written
    qint64 rejected() const;   // refused at the bound (or while the store was not open)
    qint64 failed() const;     // accepted but lost to a write error (writeFailed() tells why)
    qint64 maxQueued() const;

    // Whether request and response bodies are written (on by default). Takes effect for the records
    // written from now on; may be called before open().
    void setStoreBodies(bool store);
    bool storeBodies() const { return storeBodies_; }

    // Test hook: a paused writer takes nothing from the queue, like a stalled disk. flushAndWait()
    // still writes everything.
    void setWriterPaused(bool paused);

Q_SIGNALS:
    void backlogFull(qint64 rejectedSoFar);   // emitted by each append() that refused records
    void writeFailed(const QString& message);
    // After the writer committed rows (at most once per drain): readers such as the dashboard may
    // look again. Counts only; no record data crosses.
    void recordsWritten(qint64 rows);
    void retentionApplied(const gatehouse::RetentionResult& result);

private:
    void wakeWriter();

    std::unique_ptr<RecordQueue> queue_;
    std::unique_ptr<QThread> thread_;
    LogWriter* writer_ = nullptr;   // lives on thread_ while open
    QString path_;
    bool warnedClosed_ = false;
    bool storeBodies_ = true;
};

} // namespace gatehouse
