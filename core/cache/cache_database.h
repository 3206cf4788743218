#pragma once
// The cache's SQLite file: schema, reading it back, and clearing it (the command line's
// `gatehouse cache clear`). Used only off the gateway thread: by the cache writer's thread, or by a
// command-line run with no gateway.

#include "cache/cache_namespace_stats.h"
#include "cache/cached_answer.h"

#include <QString>

class QSqlQuery;

#include <memory>
#include <optional>
#include <vector>

namespace gatehouse {

class SqliteConnection;

inline constexpr int kCacheSchemaVersion = 1;

// WAL, synchronous NORMAL, schema created or checked. A file from a newer Gatehouse is refused.
bool prepareCacheDatabase(SqliteConnection& db, QString* error);

// Deletes expired rows, then returns at most maxEntries of the rest, least recently used first.
std::vector<std::shared_ptr<CachedAnswer>> loadCacheEntries(SqliteConnection& db, qint64 nowMs, qint64 maxEntries,
                                                            QString* error);

// Deletes every entry, or those of one namespace; returns how many (or -1 on error).
qint64 clearCacheEntries(SqliteConnection& db, const std::optional<QString>& cacheNamespace, QString* error);

// INSERT OR REPLACE of one entry, and its binding in that statement's order.
QString cacheInsertSql();
void bindCacheEntry(QSqlQuery& q, const CachedAnswer& a);

// Opens the file, clears, closes: for the command line.
qint64 clearCacheFile(const QString& path, const std::optional<QString>& cacheNamespace, QString* error);

// Entries and bytes per namespace in the file (for the window when no gateway runs); nullopt on error.
// A missing file is an empty list.
std::optional<QList<CacheNamespaceStats>> cacheFileNamespaces(const QString& path, QString* error);

// The cache file under the application's data directory.
QString defaultCachePath();

} // namespace gatehouse
