#pragma once
// The request log written out for other tools: JSON lines (one record per line, the fields of
// to_json(RequestRecord), bodies optional) or CSV (RFC 4180, a fixed column set). Shared by
// `gatehouse logs export` and the Logs page's Export button, so both write the same files.

#include "observability/log_filter.h"

#include <QString>

class QIODevice;

namespace gatehouse {

class LogReader;

enum class LogExportFormat { JsonLines, Csv };

struct LogExportOptions {
    LogExportFormat format = LogExportFormat::JsonLines;
    bool bodies = false;     // JSON lines only: the recorded request and response bodies as text
    qint64 maxRows = -1;     // newest first; -1: all
};

// Writes every row matching filter to out. Returns the number of rows written, or -1 with *error set.
qint64 exportLog(LogReader& reader, const LogFilter& filter, const LogExportOptions& options, QIODevice& out, QString* error);

} // namespace gatehouse
