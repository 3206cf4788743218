#pragma once
// The request log's database schema and its migrations. PRAGMA user_version holds the schema version;
// each migration step runs in one transaction together with its version bump, so an interrupted
// upgrade leaves the previous version intact and is simply run again on the next open.

#include <QString>

namespace gatehouse {

class SqliteConnection;

inline constexpr int kLogSchemaVersion = 6;
inline constexpr int kLogPageSize = 16384;   // ~2 KB rows: half the file, twice the insert rate of 4 KiB

// Writer side: file settings that only take effect on a new, empty file (page size, incremental
// auto-vacuum), then WAL and synchronous=NORMAL, then migrateLogSchema. Refuses a newer schema.
bool prepareLogDatabase(SqliteConnection& db, QString* error);

// Brings user_version up to kLogSchemaVersion, one step at a time.
bool migrateLogSchema(SqliteConnection& db, QString* error);

int logSchemaVersion(SqliteConnection& db);

// False when the SQLite in use lacks FTS5: the schema is then created without requests_fts and text
// search falls back to LIKE over the bodies.
bool hasFullTextIndex(SqliteConnection& db);

} // namespace gatehouse
