#include "observability/log_schema.h"

#include "observability/sqlite_connection.h"

#include <QStringList>

#include <functional>
#include <vector>

namespace gatehouse {

namespace {

using Step = std::function<bool(SqliteConnection&, QString*)>;

bool execAll(SqliteConnection& db, const QStringList& statements, QString* error)
{
    for (const QString& sql : statements) {
        if (!db.exec(sql, error))
            return false;
    }
    return true;
}

// Version 1: requests (one column per RequestRecord field), queryable metadata, full-text index.
bool createVersion1(SqliteConnection& db, QString* error)
{
    const QStringList tables = {
        // AUTOINCREMENT: row ids are never reused after retention, so an id the UI holds stays unique.
        // Optional numbers (no upstream call, usage not reported) are NULL rather than -1 so SQL
        // aggregates skip them.
        QStringLiteral("CREATE TABLE requests ("
                       " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                       " request_id TEXT NOT NULL,"
                       " trace_id TEXT NOT NULL,"
                       " span_id TEXT NOT NULL,"
                       " parent_span_id TEXT NOT NULL,"
                       " span_name TEXT NOT NULL,"
                       " traceparent TEXT NOT NULL,"
                       " received_ms INTEGER NOT NULL,"          // ms since the epoch, UTC
                       " total_ms REAL NOT NULL,"
                       " upstream_ms REAL,"
                       " first_byte_ms REAL,"
                       " upstream_start_ms REAL,"
                       " first_token_ms REAL,"
                       " method TEXT NOT NULL,"
                       " path TEXT NOT NULL,"
                       " provider TEXT NOT NULL,"
                       " model TEXT NOT NULL,"
                       " upstream_url TEXT NOT NULL,"
                       " attempts INTEGER NOT NULL,"
                       " retries INTEGER NOT NULL,"
                       " fallback_used INTEGER NOT NULL,"
                       " target_path TEXT NOT NULL,"
                       " config_id TEXT NOT NULL,"
                       " attempt_log TEXT NOT NULL,"           // JSON array of AttemptRecord
                       " status INTEGER NOT NULL,"
                       " stream INTEGER NOT NULL,"
                       " error_type TEXT NOT NULL,"
                       " error_message TEXT NOT NULL,"
                       " temperature REAL,"
                       " top_p REAL,"
                       " max_tokens INTEGER,"
                       " tools_count INTEGER,"
                       " messages_count INTEGER,"
                       " model_served TEXT NOT NULL,"
                       " finish_reason TEXT NOT NULL,"
                       " tool_calls INTEGER,"
                       " cached_tokens INTEGER,"
                       " prompt_tokens INTEGER,"
                       " completion_tokens INTEGER,"
                       " total_tokens INTEGER,"
                       " client_address TEXT NOT NULL,"
                       " user_agent TEXT NOT NULL,"
                       " metadata TEXT NOT NULL,"                // JSON object, as sent in x-portkey-metadata
                       " request_bytes INTEGER NOT NULL,"
                       " response_bytes INTEGER NOT NULL,"
                       " request_body BLOB,"
                       " response_body BLOB,"
                       " request_body_truncated INTEGER NOT NULL,"
                       " response_body_truncated INTEGER NOT NULL)"),
        // The rowid is implicitly the last column of every index, so these serve the keyset order
        // (received_ms DESC, id DESC) directly, also under an equality filter: no sort per page.
        QStringLiteral("CREATE INDEX requests_received ON requests(received_ms)"),
        QStringLiteral("CREATE INDEX requests_status ON requests(status, received_ms)"),
        QStringLiteral("CREATE INDEX requests_provider ON requests(provider, received_ms)"),
        QStringLiteral("CREATE INDEX requests_model ON requests(model, received_ms)"),
        QStringLiteral("CREATE INDEX requests_trace ON requests(trace_id, received_ms)"),
        QStringLiteral("CREATE INDEX requests_config ON requests(config_id, received_ms)"),
        // Keys are unique per request (a JSON object), hence the primary key; the (key, value) index
        // carries the request id too, so a tag filter never touches the table itself.
        QStringLiteral("CREATE TABLE request_metadata ("
                       " request_rowid INTEGER NOT NULL,"
                       " key TEXT NOT NULL,"
                       " value TEXT NOT NULL,"
                       " PRIMARY KEY (request_rowid, key)) WITHOUT ROWID"),
        QStringLiteral("CREATE INDEX request_metadata_key_value ON request_metadata(key, value)"),
        QStringLiteral("CREATE TRIGGER requests_metadata_delete AFTER DELETE ON requests BEGIN"
                       " DELETE FROM request_metadata WHERE request_rowid = old.id; END"),
    };
    if (!execAll(db, tables, error))
        return false;

    // External-content FTS5: the text is stored once (in requests), only the index is extra. The
    // writer indexes each transaction's new rows with one INSERT ... SELECT (log_writer.cpp): a
    // per-row trigger made every row its own FTS segment (FTS5 flushes at each statement savepoint)
    // and wrote 5x slower. Deletes go through a trigger, which feeds the index the same bytes, as
    // external content requires; retention deletes with one statement per chunk.
    QString ftsError;
    if (!db.exec(QStringLiteral("CREATE VIRTUAL TABLE requests_fts USING fts5("
                                "request_body, response_body, content='requests', content_rowid='id')"),
                 &ftsError)) {
        if (!ftsError.contains(QStringLiteral("no such module"), Qt::CaseInsensitive)) {
            if (error)
                *error = ftsError;
            return false;
        }
        qWarning("log store: this SQLite has no FTS5; text search falls back to LIKE (slower, substring match)");
        return true;
    }
    return db.exec(QStringLiteral("CREATE TRIGGER requests_fts_delete AFTER DELETE ON requests BEGIN"
                                  " INSERT INTO requests_fts(requests_fts, rowid, request_body, response_body)"
                                  " VALUES ('delete', old.id, old.request_body, old.response_body); END"),
                   error);
}

// Version 2: the request's cost from the model catalog (NULL when its price is unknown).
bool addCost(SqliteConnection& db, QString* error)
{
    return execAll(db, {QStringLiteral("ALTER TABLE requests ADD COLUMN cost_usd REAL"),
                        QStringLiteral("ALTER TABLE requests ADD COLUMN price_known INTEGER NOT NULL DEFAULT 0")}, error);
}


// Version 3: the response cache's verdict per request.
bool addCacheColumns(SqliteConnection& db, QString* error)
{
    return execAll(db, {QStringLiteral("ALTER TABLE requests ADD COLUMN cache_status TEXT NOT NULL DEFAULT ''"),
                        QStringLiteral("ALTER TABLE requests ADD COLUMN cache_key TEXT NOT NULL DEFAULT ''"),
                        QStringLiteral("ALTER TABLE requests ADD COLUMN cache_similarity REAL")},
                   error);
}

// Version 4: the virtual key (slug) a request used, indexed like the other filter columns.
bool addVirtualKey(SqliteConnection& db, QString* error)
{
    return execAll(db, {QStringLiteral("ALTER TABLE requests ADD COLUMN virtual_key TEXT NOT NULL DEFAULT ''"),
                        QStringLiteral("CREATE INDEX requests_virtual_key ON requests(virtual_key, received_ms)")},
                   error);
}

// Version 5: the saved config's version a request routed by, and what a cache hit saved (the
// catalog price of the answer's usage), so the Dashboard can sum it without re-pricing old rows.
bool addConfigVersionAndSavedCost(SqliteConnection& db, QString* error)
{
    return execAll(db, {QStringLiteral("ALTER TABLE requests ADD COLUMN config_version INTEGER NOT NULL DEFAULT 0"),
                        QStringLiteral("ALTER TABLE requests ADD COLUMN cache_saved_usd REAL")},
                   error);
}

// Version 6: a streamed answer's text, put together from its chunks, is what the full-text index
// holds for it. The raw SSE split words across chunks (so they could not be found) and was mostly
// JSON keys repeated per chunk (so indexing it cost the writer most of its time under stream load).
// Rows from before keep their index entries: the delete trigger feeds coalesce(response_text,
// response_body), which for them is the body they were indexed with, as external content requires.
bool addStreamAnswerText(SqliteConnection& db, QString* error)
{
    if (!db.exec(QStringLiteral("ALTER TABLE requests ADD COLUMN response_text TEXT"), error))
        return false;
    if (!hasFullTextIndex(db))
        return true;
    return execAll(db, {QStringLiteral("DROP TRIGGER IF EXISTS requests_fts_delete"),
                        QStringLiteral("CREATE TRIGGER requests_fts_delete AFTER DELETE ON requests BEGIN"
                                       " INSERT INTO requests_fts(requests_fts, rowid, request_body, response_body)"
                                       " VALUES ('delete', old.id, old.request_body, coalesce(old.response_text, old.response_body)); END")},
                   error);
}

// Index i migrates from version i to i + 1. A later field is a new step.
const std::vector<Step>& steps()
{
    static const std::vector<Step> all = {createVersion1, addCost, addCacheColumns, addVirtualKey, addConfigVersionAndSavedCost,
                                          addStreamAnswerText};
    return all;
}

} // namespace

int logSchemaVersion(SqliteConnection& db)
{
    return db.scalar(QStringLiteral("PRAGMA user_version")).toInt();
}

bool hasFullTextIndex(SqliteConnection& db)
{
    return db.scalar(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = 'requests_fts'")).toInt() > 0;
}

bool migrateLogSchema(SqliteConnection& db, QString* error)
{
    static_assert(kLogSchemaVersion >= 1);
    Q_ASSERT(int(steps().size()) == kLogSchemaVersion);
    int version = logSchemaVersion(db);
    if (version > kLogSchemaVersion) {
        if (error)
            *error = QStringLiteral("the request log was written by a newer Gatehouse (schema %1, this build knows %2)")
                         .arg(version).arg(kLogSchemaVersion);
        return false;
    }
    for (; version < kLogSchemaVersion; ++version) {
        if (!db.db().transaction()) {
            if (error)
                *error = QStringLiteral("cannot begin the schema migration");
            return false;
        }
        const bool ok = steps()[std::size_t(version)](db, error)
            && db.exec(QStringLiteral("PRAGMA user_version = %1").arg(version + 1), error);
        if (!ok || !db.db().commit()) {
            db.db().rollback();
            if (error)
                *error = QStringLiteral("schema migration %1 -> %2 failed: %3").arg(version).arg(version + 1)
                             .arg(error ? *error : QString());
            return false;
        }
    }
    return true;
}

bool prepareLogDatabase(SqliteConnection& db, QString* error)
{
    // page_size and auto_vacuum are fixed by the first table; on an existing file they are no-ops.
    const bool fresh = db.scalar(QStringLiteral("PRAGMA page_count")).toLongLong() == 0;
    if (fresh
        && !execAll(db, {QStringLiteral("PRAGMA page_size = %1").arg(kLogPageSize),
                         QStringLiteral("PRAGMA auto_vacuum = INCREMENTAL")}, error))
        return false;
    const QString mode = db.scalar(QStringLiteral("PRAGMA journal_mode = WAL"), error).toString();
    if (mode.compare(QStringLiteral("wal"), Qt::CaseInsensitive) != 0) {
        if (error && error->isEmpty())
            *error = QStringLiteral("cannot switch the request log to WAL (journal_mode is '%1')").arg(mode);
        return false;
    }
    // NORMAL in WAL: a power cut may lose the last commits, never corrupt the file.
    // journal_size_limit: truncate the WAL back to 64 MiB after checkpoints instead of keeping its peak.
    return execAll(db, {QStringLiteral("PRAGMA synchronous = NORMAL"),
                        QStringLiteral("PRAGMA journal_size_limit = 67108864")}, error)
        && migrateLogSchema(db, error);
}

} // namespace gatehouse
