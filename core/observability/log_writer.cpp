#include "observability/log_writer.h"

#include "observability/log_schema.h"
#include "observability/request_row.h"

#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>
#include <cmath>
#include <limits>

namespace gatehouse {

namespace {
// Rows per retention DELETE: each is its own transaction so queued records get written in between.
constexpr qint64 kDeleteChunk = 2000;
} // namespace

LogWriter::LogWriter(RecordQueue* queue, QObject* parent)
    : QObject(parent)
    , queue_(queue)
{
}

LogWriter::~LogWriter()
{
    close();
}

bool LogWriter::open(const QString& path, QString* error)
{
    close();
    if (!db_.open(path, SqliteConnection::Mode::ReadWrite, error))
        return false;
    if (!prepareLogDatabase(db_, error)) {
        close();
        return false;
    }
    const auto prepared = [this](const QString& sql) {
        auto q = std::make_unique<QSqlQuery>(db_.db());
        return q->prepare(sql) ? std::move(q) : nullptr;
    };
    // Set-based statements over the id range one transaction inserted (ids only grow: AUTOINCREMENT,
    // and this is the only writer). One statement per transaction, not one per row, is what keeps
    // FTS5 fast: it writes a segment per statement savepoint.
    insert_ = prepared(request_row::insertSql());
    if (hasFullTextIndex(db_))
        indexText_ = prepared(QStringLiteral("INSERT INTO requests_fts(rowid, request_body, response_body)"
                                             " SELECT id, request_body, coalesce(response_text, response_body) FROM requests WHERE id BETWEEN ? AND ?"));
    indexMetadata_ = prepared(QStringLiteral("INSERT INTO request_metadata(request_rowid, key, value)"
                                             " SELECT r.id, j.key, j.value FROM requests r, json_each(r.metadata) j"
                                             " WHERE r.id BETWEEN ? AND ?"));
    if (!indexMetadata_)
        insertMetadata_ = prepared(request_row::insertMetadataSql());
    if (!insert_ || (hasFullTextIndex(db_) && !indexText_) || (!indexMetadata_ && !insertMetadata_)) {
        if (error)
            *error = QStringLiteral("cannot prepare the request log's statements: %1").arg(db_.db().lastError().text());
        close();
        return false;
    }
    return true;
}

void LogWriter::close()
{
    insert_.reset();
    indexText_.reset();
    indexMetadata_.reset();
    insertMetadata_.reset();
    db_.close();
}

void LogWriter::drain(bool force)
{
    if ((paused_ && !force) || !db_.isOpen())
        return;
    qint64 committed = 0;
    for (;;) {
        const std::vector<RecordQueue::Slice> chunk = queue_->take(kRowsPerTransaction);
        if (chunk.empty()) {
            if (committed > 0)
                Q_EMIT rowsWritten(committed);
            return;
        }
        qint64 rows = 0;
        for (const RecordQueue::Slice& s : chunk)
            rows += qint64(s.end - s.begin);
        QString error;
        const bool ok = writeChunk(chunk, &error);
        if (ok)
            committed += rows;
        if (queue_->finished(ok ? rows : 0, ok ? 0 : rows))
            qInfo("log store: backlog drained, %lld records rejected so far", queue_->rejected());
        if (!ok && !failing_) {
            // Counted in failed(); warned once per failure streak so a full disk does not flood the log.
            qWarning("log store: writing failed, records are being lost: %s", qPrintable(error));
            Q_EMIT writeFailed(error);
        } else if (ok && failing_) {
            qInfo("log store: writing works again (%lld records failed)", queue_->failed());
        }
        failing_ = !ok;
    }
}

bool LogWriter::writeChunk(const std::vector<RecordQueue::Slice>& chunk, QString* error)
{
    QSqlDatabase& db = db_.db();
    if (!db.transaction()) {
        *error = db.lastError().text();
        return false;
    }
    const auto fail = [&](const QSqlQuery& q) {
        *error = q.lastError().text();
        db.rollback();
        return false;
    };
    QVariant firstId;
    QVariant lastId;
    for (const RecordQueue::Slice& s : chunk) {
        for (std::size_t i = s.begin; i < s.end; ++i) {
            const RequestRecord& r = (*s.batch)[i];
            request_row::bind(*insert_, r, storeBodies_ ? request_row::BodyStorage::Store : request_row::BodyStorage::Omit);
            if (!insert_->exec())
                return fail(*insert_);
            lastId = insert_->lastInsertId();
            if (!firstId.isValid())
                firstId = lastId;
            if (!insertMetadata_)
                continue;
            for (const auto& [key, value] : r.metadata) {
                insertMetadata_->bindValue(0, lastId);
                insertMetadata_->bindValue(1, QString::fromStdString(key));
                insertMetadata_->bindValue(2, QString::fromStdString(value));
                if (!insertMetadata_->exec())
                    return fail(*insertMetadata_);
            }
        }
    }
    for (QSqlQuery* index : {indexText_.get(), indexMetadata_.get()}) {
        if (!index)
            continue;
        index->bindValue(0, firstId);
        index->bindValue(1, lastId);
        if (!index->exec())
            return fail(*index);
    }
    if (!db.commit()) {
        *error = db.lastError().text();
        db.rollback();
        return false;
    }
    return true;
}

bool LogWriter::releaseFreePages(qint64 maxPages, QString* error)
{
    // QSQLITE steps a statement without result columns once, and incremental_vacuum frees one page
    // per step: so one page per exec, all in one transaction (one commit, not one per page).
    const qint64 pages = std::min(maxPages, pragmaNumber("freelist_count"));
    QSqlDatabase& db = db_.db();
    if (pages <= 0 || !db.transaction())
        return pages <= 0;
    QSqlQuery vacuum(db);
    vacuum.prepare(QStringLiteral("PRAGMA incremental_vacuum(1)"));
    for (qint64 i = 0; i < pages; ++i) {
        if (!vacuum.exec()) {
            *error = vacuum.lastError().text();
            vacuum.finish();
            db.rollback();
            return false;
        }
    }
    vacuum.finish();
    if (!db.commit()) {
        *error = db.lastError().text();
        db.rollback();
        return false;
    }
    // The file itself shrinks when the WAL is checkpointed; PASSIVE never waits for readers.
    db_.exec(QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)"));
    return true;
}

qint64 LogWriter::pragmaNumber(const char* name)
{
    return db_.scalar(QStringLiteral("PRAGMA %1").arg(QLatin1String(name))).toLongLong();
}

qint64 LogWriter::deleteOldest(qint64 beforeMs, qint64 limit, QString* error)
{
    QSqlDatabase& db = db_.db();
    if (!db.transaction()) {
        *error = db.lastError().text();
        return -1;
    }
    QSqlQuery q(db);
    q.prepare(QStringLiteral("DELETE FROM requests WHERE id IN (SELECT id FROM requests WHERE received_ms < ?"
                             " ORDER BY received_ms, id LIMIT ?)"));
    q.bindValue(0, beforeMs);
    q.bindValue(1, limit);
    if (!q.exec()) {
        *error = q.lastError().text();
        q.finish();
        db.rollback();
        return -1;
    }
    const qint64 deleted = q.numRowsAffected();
    q.finish();
    if (!db.commit()) {
        *error = db.lastError().text();
        db.rollback();
        return -1;
    }
    return deleted;
}

RetentionResult LogWriter::applyRetention(qint64 cutoffMs, qint64 maxBytes)
{
    RetentionResult result;
    if (!db_.isOpen()) {
        result.error = QStringLiteral("the request log is not open");
        return result;
    }
    const qint64 pageSize = pragmaNumber("page_size");
    const auto fileBytes = [&] { return pragmaNumber("page_count") * pageSize; };
    // Free pages are reused by later inserts, so they do not count as data.
    const auto dataBytes = [&] { return (pragmaNumber("page_count") - pragmaNumber("freelist_count")) * pageSize; };
    result.fileBytesBefore = fileBytes();

    // Deletes in chunks, writing what queued up in between: a large purge must not stall the log.
    const auto purge = [&](qint64 beforeMs, qint64 rows) -> qint64 {
        qint64 total = 0;
        while (rows > 0) {
            const qint64 n = deleteOldest(beforeMs, std::min(rows, kDeleteChunk), &result.error);
            if (n <= 0)
                break;
            total += n;
            rows -= n;
            drain();
        }
        return total;
    };

    if (cutoffMs > 0)
        result.deletedByAge = purge(cutoffMs, std::numeric_limits<qint64>::max());

    // The size estimate assumes bytes proportional to rows; FTS5 reclaims deleted entries only as its
    // segments merge, so a pass may fall short, and a few passes converge (the next periodic call
    // continues). Aiming 10% under the limit keeps every pass from deleting a sliver.
    if (maxBytes > 0 && result.error.isEmpty()) {
        for (int pass = 0; pass < 4; ++pass) {
            const qint64 data = dataBytes();
            if (data <= maxBytes)
                break;
            const qint64 rows = db_.scalar(QStringLiteral("SELECT count(*) FROM requests")).toLongLong();
            if (rows == 0)
                break;
            const double target = double(maxBytes) * 0.9;
            const qint64 excess = std::max<qint64>(1, qint64(std::ceil(double(rows) * (double(data) - target) / double(data))));
            const qint64 n = purge(std::numeric_limits<qint64>::max(), excess);
            result.deletedBySize += n;
            if (n == 0 || !result.error.isEmpty())
                break;
        }
        // Freed pages stay in the file for the next inserts (no churn), except those beyond the
        // limit: they go back to the file system, so the file ends at most at maxBytes.
        const qint64 over = fileBytes() - maxBytes;
        if (over > 0)
            releaseFreePages((over + pageSize - 1) / pageSize, &result.error);
    }
    result.fileBytesAfter = fileBytes();
    result.dataBytesAfter = dataBytes();
    if (!result.error.isEmpty())
        qWarning("log store: retention failed: %s", qPrintable(result.error));
    return result;
}

} // namespace gatehouse
