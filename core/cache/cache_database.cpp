#include "cache/cache_database.h"

#include "observability/sqlite_connection.h"

#include <QDir>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>

#include <algorithm>
#include <cstring>

namespace gatehouse {

namespace {

QByteArray floatsToBlob(const std::vector<float>& v)
{
    return QByteArray(reinterpret_cast<const char*>(v.data()), qsizetype(v.size() * sizeof(float)));
}

std::vector<float> blobToFloats(const QByteArray& b)
{
    std::vector<float> v(std::size_t(b.size()) / sizeof(float));
    if (!v.empty())
        std::memcpy(v.data(), b.constData(), v.size() * sizeof(float));
    return v;
}

} // namespace

bool prepareCacheDatabase(SqliteConnection& db, QString* error)
{
    const QString mode = db.scalar(QStringLiteral("PRAGMA journal_mode = WAL"), error).toString();
    if (mode.compare(QStringLiteral("wal"), Qt::CaseInsensitive) != 0) {
        if (error && error->isEmpty())
            *error = QStringLiteral("cannot switch the cache file to WAL (journal_mode is '%1')").arg(mode);
        return false;
    }
    if (!db.exec(QStringLiteral("PRAGMA synchronous = NORMAL"), error))
        return false;
    const int version = db.scalar(QStringLiteral("PRAGMA user_version")).toInt();
    if (version > kCacheSchemaVersion) {
        if (error)
            *error = QStringLiteral("the cache file was written by a newer Gatehouse (schema %1, this build knows %2)")
                         .arg(version).arg(kCacheSchemaVersion);
        return false;
    }
    if (version == kCacheSchemaVersion)
        return true;
    // Keys are hashes of the request; the request itself (prompt, API key) is never stored. The body
    // is the answer the client got.
    return db.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS cache_entries ("
                                  " key BLOB PRIMARY KEY,"
                                  " namespace TEXT NOT NULL,"
                                  " semantic_scope BLOB,"
                                  " embedder INTEGER NOT NULL,"
                                  " embedding BLOB,"
                                  " stream INTEGER NOT NULL,"
                                  " status INTEGER NOT NULL,"
                                  " content_type TEXT NOT NULL,"
                                  " body BLOB NOT NULL,"
                                  " model TEXT NOT NULL,"
                                  " created_ms INTEGER NOT NULL,"
                                  " expires_ms INTEGER NOT NULL,"
                                  " last_used_ms INTEGER NOT NULL)"),
                   error)
        && db.exec(QStringLiteral("CREATE INDEX IF NOT EXISTS cache_entries_namespace ON cache_entries(namespace)"), error)
        && db.exec(QStringLiteral("CREATE INDEX IF NOT EXISTS cache_entries_last_used ON cache_entries(last_used_ms)"), error)
        && db.exec(QStringLiteral("PRAGMA user_version = %1").arg(kCacheSchemaVersion), error);
}

std::vector<std::shared_ptr<CachedAnswer>> loadCacheEntries(SqliteConnection& db, qint64 nowMs, qint64 maxEntries,
                                                            QString* error)
{
    std::vector<std::shared_ptr<CachedAnswer>> out;
    QSqlQuery del(db.db());
    del.prepare(QStringLiteral("DELETE FROM cache_entries WHERE expires_ms <= ?"));
    del.addBindValue(nowMs);
    if (!del.exec() && error)
        *error = del.lastError().text();
    QSqlQuery q(db.db());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT key, namespace, semantic_scope, embedder, embedding, stream, status, content_type,"
                             " body, model, created_ms, expires_ms, last_used_ms FROM cache_entries"
                             " ORDER BY last_used_ms DESC LIMIT ?"));
    q.addBindValue(maxEntries);
    if (!q.exec()) {
        if (error)
            *error = q.lastError().text();
        return out;
    }
    while (q.next()) {
        auto a = std::make_shared<CachedAnswer>();
        a->key = q.value(0).toByteArray();
        a->cacheNamespace = q.value(1).toString();
        a->semanticScope = q.value(2).toByteArray();
        a->embedderVersion = q.value(3).toInt();
        a->embedding = blobToFloats(q.value(4).toByteArray());
        a->stream = q.value(5).toInt() != 0;
        a->status = q.value(6).toInt();
        a->contentType = q.value(7).toString().toUtf8();
        a->body = q.value(8).toByteArray();
        a->model = q.value(9).toString();
        a->createdMs = q.value(10).toLongLong();
        a->expiresMs = q.value(11).toLongLong();
        a->lastUsedMs = q.value(12).toLongLong();
        out.push_back(std::move(a));
    }
    std::reverse(out.begin(), out.end());   // least recently used first
    return out;
}

qint64 clearCacheEntries(SqliteConnection& db, const std::optional<QString>& cacheNamespace, QString* error)
{
    QSqlQuery q(db.db());
    if (cacheNamespace) {
        q.prepare(QStringLiteral("DELETE FROM cache_entries WHERE namespace = ?"));
        q.addBindValue(*cacheNamespace);
    } else {
        q.prepare(QStringLiteral("DELETE FROM cache_entries"));
    }
    if (!q.exec()) {
        if (error)
            *error = q.lastError().text();
        return -1;
    }
    return q.numRowsAffected();
}

qint64 clearCacheFile(const QString& path, const std::optional<QString>& cacheNamespace, QString* error)
{
    if (!QFileInfo::exists(path))
        return 0;   // nothing cached yet
    SqliteConnection db;
    if (!db.open(path, SqliteConnection::Mode::ReadWrite, error) || !prepareCacheDatabase(db, error))
        return -1;
    return clearCacheEntries(db, cacheNamespace, error);
}

std::optional<QList<CacheNamespaceStats>> cacheFileNamespaces(const QString& path, QString* error)
{
    QList<CacheNamespaceStats> out;
    if (!QFileInfo::exists(path))
        return out;
    SqliteConnection db;
    if (!db.open(path, SqliteConnection::Mode::ReadWrite, error) || !prepareCacheDatabase(db, error))
        return std::nullopt;
    QSqlQuery q(db.db());
    // The same measure as CachedAnswer::costBytes(), near enough: what the rows hold.
    if (!q.exec(QStringLiteral("SELECT namespace, COUNT(*), SUM(LENGTH(body) + IFNULL(LENGTH(embedding), 0) + LENGTH(key)"
                               " + IFNULL(LENGTH(semantic_scope), 0) + LENGTH(content_type) + 2 * (LENGTH(namespace) + LENGTH(model)) + 160)"
                               " FROM cache_entries GROUP BY namespace ORDER BY namespace"))) {
        if (error)
            *error = q.lastError().text();
        return std::nullopt;
    }
    while (q.next())
        out.append(CacheNamespaceStats{q.value(0).toString(), q.value(1).toLongLong(), q.value(2).toLongLong()});
    return out;
}

QString defaultCachePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/cache.sqlite3");
}

QString cacheInsertSql()
{
    return QStringLiteral("INSERT OR REPLACE INTO cache_entries(key, namespace, semantic_scope, embedder, embedding, stream,"
                          " status, content_type, body, model, created_ms, expires_ms, last_used_ms)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
}

void bindCacheEntry(QSqlQuery& q, const CachedAnswer& a)
{
    q.addBindValue(a.key);
    q.addBindValue(a.cacheNamespace.isNull() ? QStringLiteral("") : a.cacheNamespace);
    q.addBindValue(a.semanticScope.isEmpty() ? QVariant() : QVariant(a.semanticScope));
    q.addBindValue(a.embedderVersion);
    q.addBindValue(a.embedding.empty() ? QVariant() : QVariant(floatsToBlob(a.embedding)));
    q.addBindValue(int(a.stream));
    q.addBindValue(a.status);
    q.addBindValue(QString::fromUtf8(a.contentType));
    q.addBindValue(a.body.isNull() ? QByteArray("") : a.body);
    q.addBindValue(a.model.isNull() ? QStringLiteral("") : a.model);
    q.addBindValue(a.createdMs);
    q.addBindValue(a.expiresMs);
    q.addBindValue(a.lastUsedMs);
}

} // namespace gatehouse
