#include "configs_command.h"

#include "command_line.h"
#include "config_loading.h"
#include "request_log_setup.h"

#include "routing/config_store.h"
#include "routing/config_use_history.h"
#include "routing/line_diff.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>

#include <cstdio>

namespace gatehouse {

namespace {

const char* const kUsage =
    "Usage: gatehouse configs COMMAND [options]\n"
    "\n"
    "Commands:\n"
    "  list                      the saved configs: id, version, name, saved, last used, default\n"
    "  show ID [--version N]     a config's JSON (the current version unless --version)\n"
    "  history ID                its saved versions\n"
    "  diff ID A [B]             line diff from version A to version B (default: the current one)\n"
    "  rollback ID N             save version N again as the newest version\n"
    "  validate FILE             check a config file; every error with its JSON path\n"
    "\n"
    "Options:\n"
    "  --configs DIR             the configs folder (as the gateway's --configs)\n"
    "  --data-dir DIR            the gateway's --data-dir (configs in DIR/configs)\n";

void err(const QString& line)
{
    std::fprintf(stderr, "gatehouse configs: %s\n", qPrintable(line));
}

QString formatMs(qint64 ms)
{
    return ms ? QDateTime::fromMSecsSinceEpoch(ms).toString(Qt::ISODate) : QStringLiteral("-");
}

void printIssues(const QString& where, const std::vector<ConfigIssue>& issues)
{
    for (const ConfigIssue& i : issues)
        std::fprintf(stderr, "%s: %s\n", qPrintable(where), formatConfigIssue(i).c_str());
}

} // namespace

int runConfigsCommand(const QStringList& arguments)
{
    if (arguments.isEmpty() || arguments.first() == QLatin1String("--help") || arguments.first() == QLatin1String("-h")) {
        std::fputs(kUsage, arguments.isEmpty() ? stderr : stdout);
        return arguments.isEmpty() ? 2 : 0;
    }
    const QString command = arguments.first();
    QCommandLineParser p;
    p.addOption({QStringLiteral("configs"), QString(), QStringLiteral("dir")});
    p.addOption({QStringLiteral("data-dir"), QString(), QStringLiteral("dir")});
    p.addOption({QStringLiteral("version"), QString(), QStringLiteral("n")});
    if (!p.parse(QStringList{QStringLiteral("gatehouse")} + arguments.mid(1))) {
        err(p.errorText());
        return 2;
    }
    const QStringList args = p.positionalArguments();
    const ConfigValidator validator = builtInConfigValidator();

    if (command == QLatin1String("validate")) {
        if (args.size() != 1) {
            err(QStringLiteral("'validate' needs one FILE"));
            return 2;
        }
        QFile f(args[0]);
        if (!f.open(QIODevice::ReadOnly)) {
            err(QStringLiteral("%1: %2").arg(args[0], f.errorString()));
            return 1;
        }
        const ConfigParseResult r = validateConfigText(QByteArrayView(f.read(1024 * 1024 + 1)), validator);
        if (!r.config) {
            printIssues(args[0], r.errors);
            return 1;
        }
        for (const ConfigIssue& w : r.config->warnings)
            std::fprintf(stderr, "%s: warning: %s\n", qPrintable(args[0]), formatConfigIssue(w).c_str());
        std::fprintf(stdout, "%s: valid\n", qPrintable(args[0]));
        return 0;
    }

    const QString dir = p.isSet(QStringLiteral("configs")) ? p.value(QStringLiteral("configs"))
                                                           : configStoreDirectory(dataDirectory(p.value(QStringLiteral("data-dir"))));
    if (QFileInfo(dir).isFile()) {
        err(QStringLiteral("%1 is a single config file, not a configs folder; it is read-only here.").arg(dir));
        return 2;
    }
    ConfigStore store(dir, validator);
    QString error;
    if (!store.open(&error)) {
        err(error);
        return 1;
    }
    auto needId = [&](int extra) -> std::optional<std::string> {
        if (args.size() < 1 + extra) {
            err(QStringLiteral("'%1' needs %2").arg(command, extra ? QStringLiteral("an ID and a version") : QStringLiteral("an ID")));
            return std::nullopt;
        }
        const std::string id = args[0].startsWith(QLatin1String("pc-")) ? args[0].toStdString() : "pc-" + args[0].toStdString();
        if (!store.info(id)) {
            err(QStringLiteral("there is no config %1 in %2").arg(QString::fromStdString(id), dir));
            return std::nullopt;
        }
        return id;
    };
    auto versionArg = [&](const QString& text, int* n) {
        bool ok = false;
        *n = text.toInt(&ok);
        if (!ok || *n < 1)
            err(QStringLiteral("'%1' is not a version number").arg(text));
        return ok && *n >= 1;
    };

    if (command == QLatin1String("list")) {
        // "last used" comes from the request log, when there is one to read.
        AppOptions logOptions;
        logOptions.dataDir = p.value(QStringLiteral("data-dir"));
        restoreConfigUseFromLog(store, requestLogPath(logOptions));
        const auto configs = store.list();
        if (configs.empty())
            std::fprintf(stdout, "No saved configs in %s.\n", qPrintable(dir));
        for (const StoredConfigInfo& c : configs) {
            std::fprintf(stdout, "%-28s v%-4d %-28s saved %s, last used %s%s%s\n", c.id.c_str(), c.version, qPrintable(c.name),
                         qPrintable(formatMs(c.savedAtMs)), c.lastUsedMs ? qPrintable(formatMs(c.lastUsedMs)) : "never",
                         c.isDefault ? "  (default)" : "",
                         c.problem.isEmpty() ? "" : qPrintable(QStringLiteral("  INVALID: ") + c.problem));
        }
        for (const QString& problem : store.problems())
            err(problem);
        return 0;
    }
    if (command == QLatin1String("show")) {
        const auto id = needId(0);
        if (!id)
            return 2;
        std::optional<QByteArray> text = store.text(*id);
        if (p.isSet(QStringLiteral("version"))) {
            int n = 0;
            if (!versionArg(p.value(QStringLiteral("version")), &n))
                return 2;
            text = store.version(*id, n);
            if (!text) {
                err(QStringLiteral("%1 has no version %2").arg(QString::fromStdString(*id)).arg(n));
                return 1;
            }
        }
        std::fwrite(text->constData(), 1, std::size_t(text->size()), stdout);
        return 0;
    }
    if (command == QLatin1String("history")) {
        const auto id = needId(0);
        if (!id)
            return 2;
        for (const StoredVersion& v : store.history(*id))
            std::fprintf(stdout, "v%-4d %s  %s\n", v.version, qPrintable(formatMs(v.savedAtMs)), qPrintable(v.note));
        return 0;
    }
    if (command == QLatin1String("diff")) {
        const auto id = needId(1);
        if (!id)
            return 2;
        int a = 0, b = store.info(*id)->version;
        if (!versionArg(args[1], &a) || (args.size() > 2 && !versionArg(args[2], &b)))
            return 2;
        const auto oldText = store.version(*id, a), newText = store.version(*id, b);
        if (!oldText || !newText) {
            err(QStringLiteral("%1 has no version %2").arg(QString::fromStdString(*id)).arg(oldText ? b : a));
            return 1;
        }
        std::fprintf(stdout, "--- %s v%d\n+++ %s v%d\n%s", id->c_str(), a, id->c_str(), b,
                     qPrintable(formatUnified(lineDiff(QString::fromUtf8(*oldText), QString::fromUtf8(*newText)))));
        return 0;
    }
    if (command == QLatin1String("rollback")) {
        const auto id = needId(1);
        int n = 0;
        if (!id || !versionArg(args[1], &n))
            return 2;
        const StoreResult r = store.rollback(*id, n);
        if (!r.ok) {
            err(r.error);
            printIssues(QString::fromStdString(*id), r.issues);
            return 1;
        }
        std::fprintf(stdout, "%s is now version %d (the text of version %d); a running gateway picks it up.\n", id->c_str(), r.version, n);
        return 0;
    }
    err(QStringLiteral("unknown command '%1'").arg(command));
    std::fputs(kUsage, stderr);
    return 2;
}

} // namespace gatehouse
