#pragma once
// Reads the request log for the window without ever blocking it: a LogReader on a thread of its own,
// asked through queued calls, answering with signals. Every request carries a ticket chosen by the
// caller, so an answer to a query the user has since replaced can be recognised and dropped.

#include "observability/log_export.h"
#include "observability/log_query.h"

#include <QObject>
#include <QThread>

#include <optional>

namespace gatehouse {

class LogQueryWorker : public QObject {
    Q_OBJECT
public:
    // Starts the thread; the reader opens `path` there (the store must have created the file).
    explicit LogQueryWorker(const QString& path, QObject* parent = nullptr);
    ~LogQueryWorker() override;   // stops the thread; answers still queued are dropped

    // Each is carried out on the worker thread; the answer arrives as the matching signal.
    void page(quint64 ticket, const gatehouse::LogFilter& filter, std::optional<gatehouse::LogCursor> after, int limit);
    void newer(quint64 ticket, const gatehouse::LogFilter& filter, qint64 afterRowId, int limit);
    void record(quint64 ticket, qint64 rowId);
    void traces(quint64 ticket, const gatehouse::LogFilter& filter, int limit);
    void trace(quint64 ticket, const QString& traceId);
    // Writes the rows matching filter to path (replaced whole when done, never half-written).
    void exportTo(quint64 ticket, const gatehouse::LogFilter& filter, const QString& path, gatehouse::LogExportOptions options);

Q_SIGNALS:
    void pageReady(quint64 ticket, const gatehouse::LogPage& page);
    void newerReady(quint64 ticket, const gatehouse::LogPage& page);   // newest first, all rows after afterRowId (up to limit)
    void recordReady(quint64 ticket, const std::optional<gatehouse::RequestRecord>& record);
    void tracesReady(quint64 ticket, const std::vector<gatehouse::TraceSummary>& traces);
    void traceReady(quint64 ticket, const std::vector<gatehouse::RequestRecord>& records);
    void exported(quint64 ticket, qint64 rows, const QString& error);   // error empty on success
    void failed(const QString& message);   // the log cannot be read; once per distinct message

private:
    class Reader;
    QThread thread_;
    Reader* reader_ = nullptr;   // lives on thread_
};

} // namespace gatehouse

Q_DECLARE_METATYPE(gatehouse::LogFilter)
Q_DECLARE_METATYPE(gatehouse::LogPage)
Q_DECLARE_METATYPE(std::optional<gatehouse::RequestRecord>)
Q_DECLARE_METATYPE(std::vector<gatehouse::TraceSummary>)
Q_DECLARE_METATYPE(std::vector<gatehouse::RequestRecord>)
