#include "cache_command.h"

#include "cache/cache_database.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <cstdio>
#include <cstring>
#include <optional>

namespace gatehouse {

bool isCacheCommand(int argc, char** argv)
{
    return argc > 1 && std::strcmp(argv[1], "cache") == 0;
}

int runCacheCommand(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Gatehouse"));
    QCoreApplication::setApplicationName(QStringLiteral("gatehouse"));

    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Manage the response cache. Run it while no Gatehouse is running: a running "
                                               "gateway keeps the answers it holds in memory until it restarts."));
    p.addHelpOption();
    p.addPositionalArgument(QStringLiteral("cache"), QStringLiteral("this command"));
    p.addPositionalArgument(QStringLiteral("clear"), QStringLiteral("remove cached answers"));
    const QCommandLineOption ns(QStringLiteral("namespace"), QStringLiteral("Only this namespace (x-portkey-cache-namespace; \"\" is the default one)."), QStringLiteral("name"));
    const QCommandLineOption file(QStringLiteral("cache-file"), QStringLiteral("The cache file (default %1).").arg(defaultCachePath()), QStringLiteral("file"));
    p.addOptions({ns, file});
    if (!p.parse(QCoreApplication::arguments())) {
        std::fprintf(stderr, "gatehouse cache: %s\nTry 'gatehouse cache --help'.\n", qPrintable(p.errorText()));
        return 2;
    }
    if (p.isSet(QStringLiteral("help"))) {
        std::fprintf(stdout, "%s", qPrintable(p.helpText()));
        return 0;
    }
    const QStringList args = p.positionalArguments();
    if (args.size() != 2 || args[1] != QLatin1String("clear")) {
        std::fprintf(stderr, "gatehouse cache: unknown action%s%s; the action is 'clear'.\n",
                     args.size() > 1 ? " " : "", args.size() > 1 ? qPrintable(args[1]) : "");
        return 2;
    }
    const QString path = p.isSet(file) ? p.value(file) : defaultCachePath();
    const std::optional<QString> only = p.isSet(ns) ? std::optional<QString>(p.value(ns)) : std::nullopt;
    QString error;
    const qint64 removed = clearCacheFile(path, only, &error);
    if (removed < 0) {
        std::fprintf(stderr, "gatehouse cache: cannot clear %s: %s\n", qPrintable(path), qPrintable(error));
        return 1;
    }
    std::fprintf(stdout, "Removed %lld cached answer%s%s.\n", static_cast<long long>(removed), removed == 1 ? "" : "s",
                 only ? qPrintable(QStringLiteral(" from namespace '%1'").arg(*only)) : "");
    return 0;
}

} // namespace gatehouse
