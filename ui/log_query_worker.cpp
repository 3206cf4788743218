#include "log_query_worker.h"

#include <QMetaObject>
#include <QSaveFile>

namespace gatehouse {

// The part on the worker thread: owns the reader, opened lazily on first use (after the store made the file).
class LogQueryWorker::Reader : public QObject {
public:
    Reader(LogQueryWorker* owner, QString path) : owner_(owner), path_(std::move(path)) {}

    bool ready()
    {
        if (reader_.isOpen())
            return true;
        QString error;
        if (reader_.open(path_, &error))
            return true;
        report(error);
        return false;
    }
    void report(const QString& message)
    {
        if (message == lastError_)
            return;
        lastError_ = message;
        Q_EMIT owner_->failed(message);
    }
    void checked()
    {
        if (!reader_.lastError().isEmpty())
            report(reader_.lastError());
    }

    LogReader reader_;

private:
    LogQueryWorker* owner_;
    QString path_;
    QString lastError_;
};

LogQueryWorker::LogQueryWorker(const QString& path, QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<LogFilter>();
    qRegisterMetaType<LogPage>();
    qRegisterMetaType<std::optional<RequestRecord>>();
    qRegisterMetaType<std::vector<TraceSummary>>();
    qRegisterMetaType<std::vector<RequestRecord>>();
    thread_.setObjectName(QStringLiteral("gatehouse-log-reader"));
    reader_ = new Reader(this, path);
    reader_->moveToThread(&thread_);
    thread_.start();
}

LogQueryWorker::~LogQueryWorker()
{
    thread_.quit();
    thread_.wait();
    delete reader_;   // its thread has ended: nothing else can touch it
}

// Signals are emitted from the worker thread; receivers in the GUI thread get them queued.
void LogQueryWorker::page(quint64 ticket, const LogFilter& filter, std::optional<LogCursor> after, int limit)
{
    QMetaObject::invokeMethod(reader_, [this, ticket, filter, after, limit] {
        if (!reader_->ready())
            return;
        LogPage p = reader_->reader_.query(filter, limit, after, LogBodies::Omit);
        reader_->checked();
        Q_EMIT pageReady(ticket, p);
    });
}

void LogQueryWorker::newer(quint64 ticket, const LogFilter& filter, qint64 afterRowId, int limit)
{
    QMetaObject::invokeMethod(reader_, [this, ticket, filter, afterRowId, limit] {
        if (!reader_->ready())
            return;
        LogPage p = reader_->reader_.newer(filter, afterRowId, limit);
        reader_->checked();
        Q_EMIT newerReady(ticket, p);
    });
}

void LogQueryWorker::record(quint64 ticket, qint64 rowId)
{
    QMetaObject::invokeMethod(reader_, [this, ticket, rowId] {
        if (!reader_->ready())
            return;
        Q_EMIT recordReady(ticket, reader_->reader_.record(rowId));
    });
}

void LogQueryWorker::traces(quint64 ticket, const LogFilter& filter, int limit)
{
    QMetaObject::invokeMethod(reader_, [this, ticket, filter, limit] {
        if (!reader_->ready())
            return;
        auto t = reader_->reader_.traces(filter, limit);
        reader_->checked();
        Q_EMIT tracesReady(ticket, t);
    });
}

void LogQueryWorker::trace(quint64 ticket, const QString& traceId)
{
    QMetaObject::invokeMethod(reader_, [this, ticket, traceId] {
        if (!reader_->ready())
            return;
        auto records = reader_->reader_.traceRecords(traceId);
        reader_->checked();
        Q_EMIT traceReady(ticket, records);
    });
}

void LogQueryWorker::exportTo(quint64 ticket, const LogFilter& filter, const QString& path, LogExportOptions options)
{
    QMetaObject::invokeMethod(reader_, [this, ticket, filter, path, options] {
        if (!reader_->ready()) {
            Q_EMIT exported(ticket, -1, QStringLiteral("the request log cannot be read"));
            return;
        }
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly)) {
            Q_EMIT exported(ticket, -1, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
            return;
        }
        QString error;
        const qint64 rows = exportLog(reader_->reader_, filter, options, file, &error);
        if (rows < 0 || !file.commit()) {
            Q_EMIT exported(ticket, -1, error.isEmpty() ? QStringLiteral("cannot write %1: %2").arg(path, file.errorString()) : error);
            return;
        }
        Q_EMIT exported(ticket, rows, QString());
    });
}

} // namespace gatehouse
