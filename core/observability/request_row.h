#pragma once
// How a RequestRecord maps to a row of `requests` and to its `request_metadata` rows. One column list
// serves the writer's INSERT and the reader's SELECT, so the two cannot drift apart.

#include "observability/request_record.h"

#include <QString>

class QSqlQuery;

namespace gatehouse {

namespace request_row {

// INSERT INTO requests(...) VALUES (?, ...), bound by bind().
QString insertSql();
enum class BodyStorage { Store, Omit };   // Omit: the user switched body storage off
void bind(QSqlQuery& insert, const RequestRecord& record, BodyStorage bodies = BodyStorage::Store);

// INSERT INTO request_metadata(request_rowid, key, value) VALUES (?, ?, ?).
QString insertMetadataSql();

// "r.id, r.request_id, ..." for a query over `requests r`; without bodies they read back empty
// (a table view needs the rows, not up to 128 KiB of bodies each).
QString selectColumns(bool withBodies);
// Reads a row selected with selectColumns(): the row id is column 0, the record follows.
qint64 readRowId(const QSqlQuery& query);
RequestRecord read(const QSqlQuery& query);

// The attempt_log column's JSON text and back.
QString attemptLogJson(const std::vector<AttemptRecord>& attempts);
std::vector<AttemptRecord> attemptLogFromJson(const QString& json);

// The metadata column's JSON text and back (invalid UTF-8 is replaced, never thrown on).
QString metadataJson(const std::map<std::string, std::string>& metadata);
std::map<std::string, std::string> metadataFromJson(const QString& json);

} // namespace request_row

} // namespace gatehouse
