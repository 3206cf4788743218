#include "logs_command.h"

#include "command_line.h"
#include "observability/log_export.h"
#include "observability/log_filter_syntax.h"
#include "observability/log_query.h"
#include "request_log_setup.h"

#include <QCommandLineParser>
#include <QFile>
#include <QSaveFile>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>

namespace gatehouse {

namespace {

int fail(const QString& message, int code = 2)
{
    std::fprintf(stderr, "gatehouse logs: %s\n", qPrintable(message));
    return code;
}

} // namespace

int runLogsCommand(const QStringList& arguments)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Read the request log. Commands: export, traces."));
    p.addHelpOption();
    const QCommandLineOption filter(QStringLiteral("filter"), QStringLiteral("Which requests, in the Logs page's syntax (provider:openai status:5xx since:1h meta.env:prod words)."), QStringLiteral("text"));
    const QCommandLineOption format(QStringLiteral("format"), QStringLiteral("jsonl (default) or csv."), QStringLiteral("format"), QStringLiteral("jsonl"));
    const QCommandLineOption output(QStringLiteral("output"), QStringLiteral("Write here instead of standard output (replaced whole, never half-written)."), QStringLiteral("file"));
    const QCommandLineOption bodies(QStringLiteral("bodies"), QStringLiteral("jsonl: include the recorded request and response bodies."));
    const QCommandLineOption limit(QStringLiteral("limit"), QStringLiteral("At most this many rows (newest first)."), QStringLiteral("n"));
    const QCommandLineOption dataDir(QStringLiteral("data-dir"), QStringLiteral("Where the log is, if not in the user's data folder."), QStringLiteral("dir"));
    p.addOptions({filter, format, output, bodies, limit, dataDir});
    p.addPositionalArgument(QStringLiteral("command"), QStringLiteral("export | traces"));
    if (!p.parse(QStringList{QStringLiteral("gatehouse logs")} + arguments))
        return fail(p.errorText());
    if (p.isSet(QStringLiteral("help"))) {
        std::fprintf(stdout, "%s", qPrintable(p.helpText()));
        return 0;
    }
    const QStringList positional = p.positionalArguments();
    if (positional.size() != 1 || (positional[0] != u"export" && positional[0] != u"traces"))
        return fail(QStringLiteral("say what to do: 'gatehouse logs export' or 'gatehouse logs traces' (see --help)"));
    const QString fmt = p.value(format).toLower();
    if (fmt != u"jsonl" && fmt != u"csv")
        return fail(QStringLiteral("--format must be jsonl or csv (got '%1')").arg(p.value(format)));
    qint64 maxRows = -1;
    if (p.isSet(limit)) {
        bool ok = false;
        maxRows = p.value(limit).toLongLong(&ok);
        if (!ok || maxRows < 1)
            return fail(QStringLiteral("--limit must be a positive number (got '%1')").arg(p.value(limit)));
    }
    const LogFilterParse parsed = parseLogFilter(p.value(filter), QDateTime::currentDateTimeUtc());
    if (!parsed.ok())
        return fail(QStringLiteral("--filter: %1").arg(parsed.error));

    AppOptions options;
    options.dataDir = p.value(dataDir);
    const QString path = requestLogPath(options);
    if (!QFile::exists(path))
        return fail(QStringLiteral("no request log at %1 (start the gateway first, or pass --data-dir)").arg(path), 1);
    LogReader reader;
    QString error;
    if (!reader.open(path, &error))
        return fail(error, 1);

    // One writer for stdout or the file; a file is committed only when everything is written.
    std::unique_ptr<QSaveFile> file;
    QFile out;
    QIODevice* sink = nullptr;
    if (p.isSet(output)) {
        file = std::make_unique<QSaveFile>(p.value(output));
        if (!file->open(QIODevice::WriteOnly))
            return fail(QStringLiteral("cannot write %1: %2").arg(p.value(output), file->errorString()), 1);
        sink = file.get();
    } else {
        if (!out.open(stdout, QIODevice::WriteOnly))
            return fail(QStringLiteral("cannot write to standard output"), 1);
        sink = &out;
    }

    if (positional[0] == u"traces") {
        const auto traces = reader.traces(parsed.filter, maxRows > 0 ? int(std::min<qint64>(maxRows, 1000000)) : 1000000);
        for (const TraceSummary& t : traces) {
            const nlohmann::json j = {{"trace_id", t.traceId.toStdString()},
                                      {"started_at", QDateTime::fromMSecsSinceEpoch(t.startedAtMs, Qt::UTC).toString(Qt::ISODateWithMs).toStdString()},
                                      {"duration_ms", t.durationMs}, {"requests", t.requests}, {"errors", t.errors},
                                      {"total_tokens", t.totalTokens}};
            sink->write(QByteArray::fromStdString(j.dump()) + '\n');
        }
    } else {
        LogExportOptions exportOptions;
        exportOptions.format = fmt == u"csv" ? LogExportFormat::Csv : LogExportFormat::JsonLines;
        exportOptions.bodies = p.isSet(bodies);
        exportOptions.maxRows = maxRows;
        if (exportLog(reader, parsed.filter, exportOptions, *sink, &error) < 0)
            return fail(error, 1);
    }
    if (!reader.lastError().isEmpty())
        return fail(reader.lastError(), 1);
    if (file && !file->commit())
        return fail(QStringLiteral("cannot write %1: %2").arg(p.value(output), file->errorString()), 1);
    return 0;
}

} // namespace gatehouse
