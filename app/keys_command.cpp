#include "keys_command.h"

#include "command_line.h"
#include "vault_setup.h"

#include "keys/key_vault.h"
#include "keys/secret_store.h"
#include "providers/provider_registry.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QEventLoop>

#include <cstdio>
#include <iostream>
#include <string>
#include <termios.h>
#include <unistd.h>

namespace gatehouse {

namespace {

const char* const kUsage =
    "Usage: gatehouse keys COMMAND [options]\n"
    "\n"
    "Commands:\n"
    "  list                          the virtual keys (never their secrets)\n"
    "  add --slug S --provider P     a new key; the secret is read from standard input\n"
    "      [--name N] [--custom-host URL] [--azure-resource R] [--azure-deployment D]\n"
    "      [--azure-api-version V] [--aws-region R] [--vertex-project P] [--vertex-region R]\n"
    "      [--notes T] [--rpm N] [--tpm N] [--daily-budget USD] [--monthly-budget USD]\n"
    "      [--secret-from-env]       (secret only from GATEHOUSE_VK_<SLUG> at run time)\n"
    "  rotate --slug S               replace the secret (read from standard input)\n"
    "  limits --slug S [--rpm N] [--tpm N] [--daily-budget USD] [--monthly-budget USD]\n"
    "                                requests / tokens per minute, spend per UTC day / month (0: no limit)\n"
    "  disable --slug S | enable --slug S\n"
    "  delete --slug S               the key and its secret\n"
    "\n"
    "Common options:\n"
    "  --secrets-file PATH           keep secrets in this JSON file (mode 0600) instead of the OS keychain\n"
    "  --data-dir DIR                the gateway's --data-dir, where the keys' details are kept\n";

void err(const QString& line)
{
    std::fprintf(stderr, "gatehouse keys: %s\n", qPrintable(line));
}

// The secret from standard input: a hidden prompt on a terminal, else everything piped in (one
// trailing newline removed).
QString readSecret(const QString& slug)
{
    std::string secret;
    if (::isatty(STDIN_FILENO)) {
        std::fprintf(stderr, "Secret for '%s' (input hidden): ", qPrintable(slug));
        termios old {};
        ::tcgetattr(STDIN_FILENO, &old);
        termios quiet = old;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
        std::getline(std::cin, secret);
        ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
        std::fprintf(stderr, "\n");
    } else {
        secret.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
        while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r'))
            secret.pop_back();
    }
    return QString::fromStdString(secret);
}

// Runs one asynchronous vault operation to its end.
QString wait(const std::function<void(KeyVault::Done)>& op)
{
    QEventLoop loop;
    QString error;
    bool finished = false;
    op([&](const QString& e) {
        error = e;
        finished = true;
        loop.quit();
    });
    if (!finished)
        loop.exec();
    return error;
}

QString formatMs(qint64 ms)
{
    return ms ? QDateTime::fromMSecsSinceEpoch(ms).toString(Qt::ISODate) : QStringLiteral("never");
}

} // namespace

int runKeysCommand(const QStringList& arguments)
{
    if (arguments.isEmpty() || arguments.first() == QLatin1String("--help") || arguments.first() == QLatin1String("-h")) {
        std::fputs(kUsage, arguments.isEmpty() ? stderr : stdout);
        return arguments.isEmpty() ? 2 : 0;
    }
    const QString command = arguments.first();
    QCommandLineParser p;
    struct Field {
        const char* option;
        QString VirtualKey::*member;
    };
    const Field fields[] = {
        {"name", &VirtualKey::displayName},         {"custom-host", &VirtualKey::customHost},
        {"azure-resource", &VirtualKey::azureResource}, {"azure-deployment", &VirtualKey::azureDeployment},
        {"azure-api-version", &VirtualKey::azureApiVersion}, {"aws-region", &VirtualKey::awsRegion},
        {"vertex-project", &VirtualKey::vertexProject}, {"vertex-region", &VirtualKey::vertexRegion},
        {"notes", &VirtualKey::notes},
    };
    p.addOption({QStringLiteral("slug"), QStringLiteral("key slug"), QStringLiteral("slug")});
    p.addOption({QStringLiteral("provider"), QStringLiteral("provider id"), QStringLiteral("id")});
    for (const Field& f : fields)
        p.addOption({QString::fromLatin1(f.option), QString(), QStringLiteral("value")});
    p.addOption({QStringLiteral("secret-from-env"), QString()});
    p.addOption({QStringLiteral("rpm"), QString(), QStringLiteral("n")});
    p.addOption({QStringLiteral("tpm"), QString(), QStringLiteral("n")});
    p.addOption({QStringLiteral("daily-budget"), QString(), QStringLiteral("usd")});
    p.addOption({QStringLiteral("monthly-budget"), QString(), QStringLiteral("usd")});
    p.addOption({QStringLiteral("secrets-file"), QString(), QStringLiteral("path")});
    p.addOption({QStringLiteral("data-dir"), QString(), QStringLiteral("dir")});   // as the gateway's --data-dir
    p.addOption({QStringLiteral("secret"), QString(), QStringLiteral("value")});   // only to refuse it clearly
    if (!p.parse(QStringList{QStringLiteral("gatehouse")} + arguments.mid(1))) {
        err(p.errorText());
        return 2;
    }
    if (p.isSet(QStringLiteral("secret"))) {
        err(QStringLiteral("secrets are never taken from the command line (other users can read it); pipe the secret to standard input instead."));
        return 2;
    }
    if (!p.positionalArguments().isEmpty()) {
        err(QStringLiteral("unexpected argument '%1'").arg(p.positionalArguments().first()));
        return 2;
    }

    // --rpm / --tpm: whole numbers >= 0; *ok false (with a message printed) when one is bad.
    auto readLimits = [&](KeyLimits& limits, bool* ok) {
        *ok = true;
        for (const char* name : {"rpm", "tpm"}) {
            if (!p.isSet(QString::fromLatin1(name)))
                continue;
            bool valid = false;
            const qlonglong v = p.value(QString::fromLatin1(name)).toLongLong(&valid);
            if (!valid || v < 0 || v > 1'000'000'000) {
                err(QStringLiteral("--%1 must be a whole number from 0 (no limit) to 1000000000").arg(QString::fromLatin1(name)));
                *ok = false;
                return;
            }
            if (name[0] == 'r')
                limits.requestsPerMinute = int(v);
            else
                limits.tokensPerMinute = v;
        }
        for (const char* name : {"daily-budget", "monthly-budget"}) {
            if (!p.isSet(QString::fromLatin1(name)))
                continue;
            bool valid = false;
            const double v = p.value(QString::fromLatin1(name)).toDouble(&valid);
            if (!valid || !(v >= 0) || v > 1e9) {
                err(QStringLiteral("--%1 must be an amount in USD from 0 (no budget) to 1000000000, e.g. 5 or 12.50").arg(QString::fromLatin1(name)));
                *ok = false;
                return;
            }
            (name[0] == 'd' ? limits.dailyBudgetUsd : limits.monthlyBudgetUsd) = v;
        }
    };

    QString error;
    auto store = makeSecretStore(p.value(QStringLiteral("secrets-file")), &error);
    if (!store) {
        err(error);
        return 1;
    }
    KeyVault vault(QDir(dataDirectory(p.value(QStringLiteral("data-dir")))).filePath(QStringLiteral("virtual-keys.json")),
                   std::move(store), ProviderRegistry::builtIn());
    if (!vault.openMetadata(&error)) {
        err(error);
        return 1;
    }
    const QString slug = p.value(QStringLiteral("slug"));
    auto needSlug = [&] {
        if (slug.isEmpty())
            err(QStringLiteral("'%1' needs --slug").arg(command));
        return !slug.isEmpty();
    };
    auto report = [&](const QString& e, const QString& ok) {
        if (!e.isEmpty()) {
            err(e);
            return 1;
        }
        std::fprintf(stdout, "%s\n", qPrintable(ok));
        return 0;
    };

    if (command == QLatin1String("list")) {
        const auto& keys = vault.metadata().keys();
        if (keys.empty())
            std::fprintf(stdout, "No virtual keys. Add one with: gatehouse keys add --slug NAME --provider ID\n");
        for (const VirtualKey& k : keys) {
            QString limits;
            if (k.limits.requestsPerMinute > 0)
                limits += QStringLiteral(", %1 req/min").arg(k.limits.requestsPerMinute);
            if (k.limits.tokensPerMinute > 0)
                limits += QStringLiteral(", %1 tok/min").arg(k.limits.tokensPerMinute);
            if (k.limits.dailyBudgetUsd > 0)
                limits += QStringLiteral(", budget $%1/day").arg(k.limits.dailyBudgetUsd);
            if (k.limits.monthlyBudgetUsd > 0)
                limits += QStringLiteral(", budget $%1/month").arg(k.limits.monthlyBudgetUsd);
            std::fprintf(stdout, "%-24s %-14s %-9s created %s, last used %s%s%s%s\n", qPrintable(k.slug), qPrintable(k.provider),
                         k.disabled ? "disabled" : "enabled", qPrintable(formatMs(k.createdMs)), qPrintable(formatMs(k.lastUsedMs)),
                         k.displayName.isEmpty() ? "" : qPrintable(QStringLiteral(", \"%1\"").arg(k.displayName)),
                         k.secretFromEnvironment ? qPrintable(QStringLiteral(", secret from %1").arg(secretEnvironmentVariable(k.slug))) : "",
                         qPrintable(limits));
        }
        return 0;
    }
    if (command == QLatin1String("add")) {
        if (!needSlug())
            return 2;
        VirtualKey k;
        k.slug = slug;
        k.provider = p.value(QStringLiteral("provider"));
        for (const Field& f : fields)
            k.*(f.member) = p.value(QString::fromLatin1(f.option));
        k.secretFromEnvironment = p.isSet(QStringLiteral("secret-from-env"));
        bool limitsOk = false;
        readLimits(k.limits, &limitsOk);
        if (!limitsOk)
            return 2;
        if (const QString problem = vault.validate(k); !problem.isEmpty()) {   // before asking for a secret
            err(problem);
            return 2;
        }
        const QString secret = k.secretFromEnvironment ? QString() : readSecret(slug);
        if (!k.secretFromEnvironment && secret.isEmpty()) {
            err(QStringLiteral("no secret on standard input (pipe it in, e.g. from a password manager)."));
            return 2;
        }
        return report(wait([&](KeyVault::Done d) { vault.addKey(k, secret, d); }),
                      QStringLiteral("Added virtual key '%1' (%2); its secret is in %3.")
                          .arg(slug, k.provider, k.secretFromEnvironment ? secretEnvironmentVariable(slug) : vault.secretStore().description()));
    }
    if (command == QLatin1String("rotate")) {
        if (!needSlug())
            return 2;
        if (!vault.metadata().find(slug))
            return report(QStringLiteral("There is no virtual key '%1'.").arg(slug), {});
        const QString secret = readSecret(slug);
        if (secret.isEmpty()) {
            err(QStringLiteral("no secret on standard input."));
            return 2;
        }
        return report(wait([&](KeyVault::Done d) { vault.rotate(slug, secret, d); }),
                      QStringLiteral("Rotated the secret of '%1'; running gateways use it for new requests.").arg(slug));
    }
    if (command == QLatin1String("limits")) {
        if (!needSlug())
            return 2;
        const VirtualKey* existing = vault.metadata().find(slug);
        if (!existing)
            return report(QStringLiteral("There is no virtual key '%1'.").arg(slug), {});
        VirtualKey k = *existing;
        bool limitsOk = false;
        readLimits(k.limits, &limitsOk);
        if (!limitsOk)
            return 2;
        return report(wait([&](KeyVault::Done d) { vault.updateKey(k, d); }),
                      QStringLiteral("Limits of '%1': %2 requests/min, %3 tokens/min, budget $%4/day and $%5/month (UTC) (0: none).")
                          .arg(slug).arg(k.limits.requestsPerMinute).arg(k.limits.tokensPerMinute)
                          .arg(k.limits.dailyBudgetUsd, 0, 'f', 2).arg(k.limits.monthlyBudgetUsd, 0, 'f', 2));
    }
    if (command == QLatin1String("disable") || command == QLatin1String("enable")) {
        if (!needSlug())
            return 2;
        const bool disable = command == QLatin1String("disable");
        return report(wait([&](KeyVault::Done d) { vault.setDisabled(slug, disable, d); }),
                      QStringLiteral("Virtual key '%1' is %2.").arg(slug, disable ? QStringLiteral("disabled") : QStringLiteral("enabled")));
    }
    if (command == QLatin1String("delete")) {
        if (!needSlug())
            return 2;
        return report(wait([&](KeyVault::Done d) { vault.removeKey(slug, d); }),
                      QStringLiteral("Deleted virtual key '%1' and its secret.").arg(slug));
    }
    err(QStringLiteral("unknown command '%1'").arg(command));
    std::fputs(kUsage, stderr);
    return 2;
}

} // namespace gatehouse
