#include "logs_command.h"

#include "command_line.h"
#include "observability/log_filter_syntax.h"
#include "observability/log_query.h"
#include "observability/request_row.h"
#include "request_log_setup.h"

#include <QCommandLineParser>
#include <QFile>
#include <QSaveFile>
#include <QTextStream>

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

// RFC 4180: quote every field that needs it, double the quotes inside.
QByteArray csvField(const QString& value)
{
    QByteArray v = value.toUtf8();
    if (v.contains(',') || v.contains('"') || v.contains('\n') || v.contains('\r')) {
        v.replace("\"", "\"\"");
        v = '"' + v + '"';
    }
    return v;
}

QString num(double v) { return v < 0 ? QString() : QString::number(v, 'f', 3); }
QString num(qint64 v) { return v < 0 ? QString() : QString::number(v); }

const QStringList& csvColumns()
{
    static const QStringList c = {
        QStringLiteral("received_at"), QStringLiteral("request_id"), QStringLiteral("trace_id"), QStringLiteral("span_id"),
        QStringLiteral("parent_span_id"), QStringLiteral("span_name"), QStringLiteral("method"), QStringLiteral("path"),
        QStringLiteral("provider"), QStringLiteral("model"), QStringLiteral("model_served"), QStringLiteral("config_id"),
        QStringLiteral("target_path"), QStringLiteral("attempts"), QStringLiteral("retries"), QStringLiteral("fallback_used"),
        QStringLiteral("status"), QStringLiteral("stream"), QStringLiteral("finish_reason"), QStringLiteral("tool_calls"),
        QStringLiteral("error_type"), QStringLiteral("error_message"), QStringLiteral("total_ms"), QStringLiteral("upstream_ms"),
        QStringLiteral("first_byte_ms"), QStringLiteral("first_token_ms"), QStringLiteral("gateway_overhead_ms"),
        QStringLiteral("prompt_tokens"), QStringLiteral("completion_tokens"), QStringLiteral("total_tokens"),
        QStringLiteral("cached_tokens"), QStringLiteral("temperature"), QStringLiteral("max_tokens"),
        QStringLiteral("client_address"), QStringLiteral("user_agent"), QStringLiteral("metadata"),
        QStringLiteral("request_bytes"), QStringLiteral("response_bytes"),
    };
    return c;
}

QByteArray csvRow(const RequestRecord& r)
{
    const QStringList values = {
        r.receivedAt.toUTC().toString(Qt::ISODateWithMs), r.requestId, r.traceId, r.spanId, r.parentSpanId, r.spanName,
        r.method, r.path, r.provider, r.model, r.modelServed, r.configId, r.targetPath, QString::number(r.attempts),
        QString::number(r.retries), r.fallbackUsed ? QStringLiteral("true") : QStringLiteral("false"), QString::number(r.status),
        r.stream ? QStringLiteral("true") : QStringLiteral("false"), r.finishReason, num(qint64(r.toolCalls)), r.errorType,
        r.errorMessage, num(r.totalMs), num(r.upstreamMs), num(r.firstByteMs), num(r.firstTokenMs), num(r.gatewayOverheadMs()),
        num(r.promptTokens), num(r.completionTokens), num(r.totalTokens), num(r.cachedTokens), num(r.temperature),
        num(r.maxTokens), r.clientAddress, r.userAgent, request_row::metadataJson(r.metadata),
        QString::number(r.requestBytes), QString::number(r.responseBytes),
    };
    QByteArray line;
    for (qsizetype i = 0; i < values.size(); ++i) {
        if (i)
            line += ',';
        line += csvField(values[i]);
    }
    return line + "\r\n";
}

QByteArray jsonLine(const RequestRecord& r, bool bodies)
{
    nlohmann::json j = r;
    if (bodies) {
        // As text: the bodies are JSON or SSE in practice; invalid UTF-8 is replaced, never thrown on.
        j["request_body"] = r.requestBody.toStdString();
        j["response_body"] = r.responseBody.toStdString();
    }
    return QByteArray::fromStdString(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) + '\n';
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
        if (fmt == u"csv")
            sink->write(csvColumns().join(QLatin1Char(',')).toUtf8() + "\r\n");
        std::optional<LogCursor> cursor;
        qint64 written = 0;
        do {
            const int pageSize = maxRows > 0 ? int(std::min<qint64>(1000, maxRows - written)) : 1000;
            const LogPage page = reader.query(parsed.filter, pageSize, cursor, p.isSet(bodies) ? LogBodies::Include : LogBodies::Omit);
            for (const RequestRecord& r : page.rows)
                sink->write(fmt == u"csv" ? csvRow(r) : jsonLine(r, p.isSet(bodies)));
            written += qint64(page.rows.size());
            cursor = page.next;
        } while (cursor && (maxRows < 0 || written < maxRows));
    }
    if (!reader.lastError().isEmpty())
        return fail(reader.lastError(), 1);
    if (file && !file->commit())
        return fail(QStringLiteral("cannot write %1: %2").arg(p.value(output), file->errorString()), 1);
    return 0;
}

} // namespace gatehouse
