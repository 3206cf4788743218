#include "observability/log_store.h"

#include "observability/log_writer.h"
#include "observability/record_queue.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QThread>

namespace gatehouse {

LogStore::LogStore(qint64 maxQueuedRecords, QObject* parent)
    : QObject(parent)
    , queue_(std::make_unique<RecordQueue>(maxQueuedRecords))
{
    qRegisterMetaType<gatehouse::RetentionResult>();
}

LogStore::~LogStore()
{
    close();
}

bool LogStore::open(const QString& path, QString* error)
{
    close();
    const QString dir = QFileInfo(path).absolutePath();
    if (!QDir().mkpath(dir)) {
        if (error)
            *error = QStringLiteral("cannot create the folder %1").arg(dir);
        return false;
    }
    thread_ = std::make_unique<QThread>();
    thread_->setObjectName(QStringLiteral("gatehouse-log-store"));
    auto* writer = new LogWriter(queue_.get());
    writer->setStoreBodies(storeBodies_);
    writer->moveToThread(thread_.get());
    connect(writer, &LogWriter::writeFailed, this, &LogStore::writeFailed);   // queued: other thread
    connect(writer, &LogWriter::rowsWritten, this, &LogStore::recordsWritten);
    thread_->start();

    bool ok = false;
    QString openError;
    // The connection must be created on the thread that will use it.
    QMetaObject::invokeMethod(writer, [&] { ok = writer->open(path, &openError); }, Qt::BlockingQueuedConnection);
    if (!ok) {
        thread_->quit();
        thread_->wait();
        delete writer;   // its thread has ended: safe here
        thread_.reset();
        if (error)
            *error = QStringLiteral("cannot open the request log %1: %2").arg(path, openError);
        return false;
    }
    writer_ = writer;
    path_ = path;
    warnedClosed_ = false;
    if (queue_->outstanding() > 0)
        wakeWriter();
    return true;
}

void LogStore::close()
{
    if (!writer_)
        return;
    flushAndWait();
    LogWriter* writer = writer_;
    writer_ = nullptr;   // from here on append() refuses
    QMetaObject::invokeMethod(writer, [writer] { writer->close(); }, Qt::BlockingQueuedConnection);
    thread_->quit();
    thread_->wait();
    delete writer;
    thread_.reset();
}

void LogStore::append(const RecordBatch& batch)
{
    if (!batch || batch->empty())
        return;
    if (!writer_) {
        queue_->reject(qint64(batch->size()));
        if (!warnedClosed_)
            qWarning("log store: records arrived while the request log is not open; they are not stored");
        warnedClosed_ = true;
        return;
    }
    const RecordQueue::PushResult r = queue_->push(batch);
    if (r.wakeWriter)
        wakeWriter();
    if (r.rejected == 0)
        return;
    if (r.episodeStarted)
        qWarning("log store: the write queue is full (%lld records); new records are refused and counted "
                 "until the writer catches up", queue_->maxRecords());
    Q_EMIT backlogFull(r.rejectedTotal);
}

void LogStore::wakeWriter()
{
    LogWriter* writer = writer_;
    QMetaObject::invokeMethod(writer, [writer] { writer->drain(); }, Qt::QueuedConnection);
}

void LogStore::flushAndWait()
{
    LogWriter* writer = writer_;
    if (!writer)
        return;
    QMetaObject::invokeMethod(writer, [writer] { writer->drain(true); }, Qt::BlockingQueuedConnection);
}

void LogStore::applyRetention(int maxAgeDays, qint64 maxBytes)
{
    LogWriter* writer = writer_;
    if (!writer)
        return;
    const qint64 cutoffMs = maxAgeDays > 0
        ? QDateTime::currentMSecsSinceEpoch() - qint64(maxAgeDays) * 24 * 60 * 60 * 1000
        : 0;
    QMetaObject::invokeMethod(writer, [this, writer, cutoffMs, maxBytes] {
        const RetentionResult result = writer->applyRetention(cutoffMs, std::max<qint64>(0, maxBytes));
        // Back to the store's thread; dropped if the store is gone by then.
        QMetaObject::invokeMethod(this, [this, result] { Q_EMIT retentionApplied(result); }, Qt::QueuedConnection);
    }, Qt::QueuedConnection);
}

qint64 LogStore::written() const { return queue_->written(); }
qint64 LogStore::queued() const { return queue_->outstanding(); }
qint64 LogStore::rejected() const { return queue_->rejected(); }
qint64 LogStore::failed() const { return queue_->failed(); }
qint64 LogStore::maxQueued() const { return queue_->maxRecords(); }

void LogStore::setStoreBodies(bool store)
{
    storeBodies_ = store;
    if (writer_)
        writer_->setStoreBodies(store);
}

void LogStore::setWriterPaused(bool paused)
{
    LogWriter* writer = writer_;
    if (!writer)
        return;
    writer->setPaused(paused);
    if (!paused)
        wakeWriter();
}

} // namespace gatehouse
