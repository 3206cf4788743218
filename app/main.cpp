// Gatehouse: one main for the desktop console and the headless gateway (--headless).
// Headless mode never creates a QApplication, so it runs with no display and no GUI libraries loaded.

#include "app_settings.h"
#include "cache_command.h"
#include "command_line.h"
#include "configs_command.h"
#include "gui_runner.h"
#include "headless_runner.h"
#include "keys_command.h"
#include "logs_command.h"

#include <QApplication>
#include <QCoreApplication>

#include <cstdio>
#include <cstring>
#include <memory>

using namespace gatehouse;

namespace {

bool hasDisplay()
{
    return !qEnvironmentVariableIsEmpty("DISPLAY") || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
        || !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM");
}

} // namespace

int main(int argc, char** argv)
{
    // Subcommands (gatehouse keys ..., gatehouse logs ...): command-line tools, never a window.
    if (argc > 1) {
        using Command = int (*)(const QStringList&);
        const Command command = !std::strcmp(argv[1], "keys") ? &runKeysCommand : !std::strcmp(argv[1], "logs") ? &runLogsCommand
                              : !std::strcmp(argv[1], "configs") ? &runConfigsCommand : nullptr;
        if (command) {
            QCoreApplication app(argc, argv);
            QCoreApplication::setOrganizationName(QStringLiteral("Gatehouse"));
            QCoreApplication::setApplicationName(QStringLiteral("gatehouse"));
            return command(QCoreApplication::arguments().mid(2));
        }
    }
    if (isCacheCommand(argc, argv))
        return runCacheCommand(argc, argv);
    const bool headless = wantsHeadless(argc, argv);
    if (!headless && !hasDisplay()) {
        bool helpOnly = false;
        for (int i = 1; i < argc; ++i)
            helpOnly |= !std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h") || !std::strcmp(argv[i], "--version") || !std::strcmp(argv[i], "-v");
        if (!helpOnly) {
            std::fprintf(stderr, "gatehouse: no display found. Run 'gatehouse --headless' to serve the gateway without a window.\n");
            return 2;
        }
    }
    std::unique_ptr<QCoreApplication> app = (headless || !hasDisplay())
        ? std::make_unique<QCoreApplication>(argc, argv)
        : std::make_unique<QApplication>(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Gatehouse"));
    QCoreApplication::setApplicationName(QStringLiteral("gatehouse"));
    QCoreApplication::setApplicationVersion(QStringLiteral(GATEHOUSE_VERSION));

    QStringList warnings;
    const GatewaySettings defaults = loadGatewaySettings(&warnings);
    const CommandLineResult cl = parseCommandLine(QCoreApplication::arguments(), defaults);
    if (!cl.options) {
        std::FILE* out = cl.exitCode == 0 ? stdout : stderr;
        std::fprintf(out, "%s\n", qPrintable(cl.message));
        return cl.exitCode;
    }
    for (const QString& w : warnings)
        std::fprintf(stderr, "gatehouse: %s\n", qPrintable(w));

    if (headless)
        return runHeadless(*app, *cl.options);
    return runGui(static_cast<QApplication&>(*app), *cl.options);
}
