// ConfigStore on a real temporary folder: versions and history on disk, rollback, rename, delete,
// the default, invalid configs refused with their paths, atomic files, hand edits and a restart.

#include "routing/config_store.h"
#include "routing/config_use_history.h"
#include "observability/log_store.h"
#include "../observability/log_test_records.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace gatehouse;

namespace {

ConfigValidator validator()
{
    ConfigValidator v;
    v.isKnownProvider = [](const std::string& id) { return id == "mock" || id == "openai"; };
    v.providerIds = {"mock", "openai"};
    return v;
}

QByteArray fallback(const char* first, const char* second)
{
    return QByteArray("{\"strategy\": {\"mode\": \"fallback\"},\n \"targets\": [\n  {\"provider\": \"") + first
         + "\"},\n  {\"provider\": \"" + second + "\"}\n ]\n}\n";
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeAll(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

} // namespace

class TestConfigStore : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void createSaveAndVersions();
    void invalidRefusedWithEveryPath();
    void historyAndRollback();
    void renameKeepsIdDuplicateCopies();
    void refusesDuplicateAndInvalidNames();
    void deleteRemovesHistory();
    void defaultConfig();
    void restartReloadsEverything();
    void handEditBecomesVersionInvalidKeepsServing();
    void badFilesReportedNotFatal();
    void signalsOnlyOnRealChange();
    void lastUseReadBackFromLog();

private:
    std::unique_ptr<ConfigStore> openStore()
    {
        auto s = std::make_unique<ConfigStore>(dir_->path(), validator(), [this] { return now_++; });
        QString error;
        if (!s->open(&error))
            qWarning("%s", qPrintable(error));
        return s;
    }
    QString file(const QString& name) const { return QDir(dir_->path()).filePath(name); }

    std::unique_ptr<QTemporaryDir> dir_;
    qint64 now_ = 1'700'000'000'000;
};

void TestConfigStore::init()
{
    dir_ = std::make_unique<QTemporaryDir>();
    QVERIFY(dir_->isValid());
}

void TestConfigStore::createSaveAndVersions()
{
    auto store = openStore();
    QSignalSpy published(store.get(), &ConfigStore::configSetChanged);
    const StoreResult created = store->create(QStringLiteral("Prod Fallback"), fallback("openai", "mock"));
    QVERIFY2(created.ok, qPrintable(created.error));
    QCOMPARE(created.id, std::string("pc-prod-fallback"));
    QCOMPARE(created.version, 1);
    // The current version is a plain file the old loader reads as it is.
    QCOMPARE(readAll(file(QStringLiteral("pc-prod-fallback.json"))), fallback("openai", "mock"));
    QCOMPARE(published.count(), 1);
    auto set = published.last().at(0).value<std::shared_ptr<const ConfigSet>>();
    QVERIFY(set && set->find("pc-prod-fallback"));
    QCOMPARE(set->find("pc-prod-fallback")->config->version, 1);

    const StoreResult saved = store->save("pc-prod-fallback", fallback("mock", "openai"));
    QVERIFY(saved.ok);
    QCOMPARE(saved.version, 2);
    QCOMPARE(published.count(), 2);
    set = published.last().at(0).value<std::shared_ptr<const ConfigSet>>();
    QCOMPARE(set->find("pc-prod-fallback")->config->version, 2);
    QCOMPARE(*set->find("pc-prod-fallback")->config->root.targets[0].provider, std::string("mock"));
    QCOMPARE(readAll(file(QStringLiteral("pc-prod-fallback.json"))), fallback("mock", "openai"));

    // Saving the same text again is not a new version.
    QCOMPARE(store->save("pc-prod-fallback", fallback("mock", "openai")).version, 2);
    QCOMPARE(published.count(), 2);
    const auto info = store->info("pc-prod-fallback");
    QVERIFY(info);
    QCOMPARE(info->name, QStringLiteral("Prod Fallback"));
    QCOMPARE(info->version, 2);
    QVERIFY(info->savedAtMs >= 1'700'000'000'000);
    // QSaveFile leaves no temporary files behind.
    QCOMPARE(QDir(dir_->path()).entryList(QDir::Files | QDir::Hidden), QStringList{QStringLiteral("pc-prod-fallback.json")});
}

void TestConfigStore::invalidRefusedWithEveryPath()
{
    auto store = openStore();
    QVERIFY(store->create(QStringLiteral("lb"), fallback("openai", "mock")).ok);
    const QByteArray bad = R"({"strategy": {"mode": "loadbalance"}, "targets": [{"provider": "opena", "weight": -1}, {"provider": "mock", "wieght": 2}]})";
    const StoreResult r = store->save("pc-lb", bad);
    QVERIFY(!r.ok);
    std::vector<std::string> paths;
    for (const ConfigIssue& i : r.issues)
        paths.push_back(i.path);
    QVERIFY(std::count(paths.begin(), paths.end(), "targets[0].provider") == 1);
    QVERIFY(std::count(paths.begin(), paths.end(), "targets[0].weight") == 1);
    QVERIFY(std::count(paths.begin(), paths.end(), "targets[1].wieght") == 1);
    QVERIFY(r.error.contains(QLatin1String("did you mean 'openai'")));
    // Nothing changed: file, version, history.
    QCOMPARE(readAll(file(QStringLiteral("pc-lb.json"))), fallback("openai", "mock"));
    QCOMPARE(store->info("pc-lb")->version, 1);
    QCOMPARE(store->history("pc-lb").size(), std::size_t(1));

    const StoreResult syntax = store->save("pc-lb", "{\n  \"strategy\": {\"mode\": \"single\"},\n  \"targets\": [\n}");
    QVERIFY(!syntax.ok);
    QCOMPARE(syntax.issues.size(), std::size_t(1));
    QVERIFY2(syntax.error.contains(QLatin1String("line 4, column 1")), qPrintable(syntax.error));
    QVERIFY(!store->create(QStringLiteral("broken"), "[1, 2]").ok);
    QVERIFY(!QFile::exists(file(QStringLiteral("pc-broken.json"))));
}

void TestConfigStore::historyAndRollback()
{
    auto store = openStore();
    QVERIFY(store->create(QStringLiteral("h"), fallback("openai", "mock")).ok);
    QVERIFY(store->save("pc-h", fallback("mock", "openai")).ok);
    QVERIFY(store->save("pc-h", "{\"provider\": \"mock\"}\n").ok);
    auto history = store->history("pc-h");
    QCOMPARE(history.size(), std::size_t(3));
    QCOMPARE(history[0].version, 1);
    QCOMPARE(history[2].version, 3);
    QVERIFY(history[0].savedAtMs < history[2].savedAtMs);
    QCOMPARE(*store->version("pc-h", 1), fallback("openai", "mock"));
    QVERIFY(!store->version("pc-h", 4));

    QSignalSpy published(store.get(), &ConfigStore::configSetChanged);
    const StoreResult r = store->rollback("pc-h", 1);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.version, 4);
    QCOMPARE(*store->text("pc-h"), fallback("openai", "mock"));
    QCOMPARE(store->history("pc-h").back().note, QStringLiteral("rolled back to version 1"));
    QCOMPARE(published.count(), 1);
    QCOMPARE(published.last().at(0).value<std::shared_ptr<const ConfigSet>>()->find("pc-h")->config->version, 4);
    QVERIFY(!store->rollback("pc-h", 4).ok);   // already the current text
    QVERIFY(!store->rollback("pc-h", 9).ok);
}

void TestConfigStore::renameKeepsIdDuplicateCopies()
{
    auto store = openStore();
    QVERIFY(store->create(QStringLiteral("Alpha"), fallback("openai", "mock")).ok);
    QVERIFY(store->rename("pc-alpha", QStringLiteral("Alpha (prod)")).ok);
    QCOMPARE(store->info("pc-alpha")->name, QStringLiteral("Alpha (prod)"));
    QVERIFY(QFile::exists(file(QStringLiteral("pc-alpha.json"))));
    const StoreResult copy = store->duplicate("pc-alpha", QStringLiteral("Beta"));
    QVERIFY(copy.ok);
    QCOMPARE(copy.id, std::string("pc-beta"));
    QCOMPARE(copy.version, 1);
    QCOMPARE(*store->text("pc-beta"), fallback("openai", "mock"));
    QCOMPARE(store->list().size(), std::size_t(2));
    QCOMPARE(store->list()[0].name, QStringLiteral("Alpha (prod)"));
}

void TestConfigStore::refusesDuplicateAndInvalidNames()
{
    auto store = openStore();
    QVERIFY(store->create(QStringLiteral("Main"), "{}").ok);
    QVERIFY(!store->create(QStringLiteral("main"), "{}").ok);       // same name
    QVERIFY(!store->create(QStringLiteral("MAIN!"), "{}").ok);      // same id pc-main
    QVERIFY(!store->create(QStringLiteral("   "), "{}").ok);
    QVERIFY(!store->create(QStringLiteral("***"), "{}").ok);        // no letters: no id
    QVERIFY(!store->create(QStringLiteral("a\nb"), "{}").ok);
    QVERIFY(!store->create(QString(101, QLatin1Char('x')), "{}").ok);
    QVERIFY(store->create(QStringLiteral("Other"), "{}").ok);
    QVERIFY(!store->rename("pc-other", QStringLiteral("Main")).ok);
    QCOMPARE(store->list().size(), std::size_t(2));
}

void TestConfigStore::deleteRemovesHistory()
{
    auto store = openStore();
    QVERIFY(store->create(QStringLiteral("gone"), "{}").ok);
    QVERIFY(store->save("pc-gone", "{\"provider\": \"mock\"}").ok);
    QVERIFY(store->setDefault("pc-gone").ok);
    QSignalSpy published(store.get(), &ConfigStore::configSetChanged);
    QVERIFY(store->remove("pc-gone").ok);
    QVERIFY(!QFile::exists(file(QStringLiteral("pc-gone.json"))));
    QVERIFY(!QDir(file(QStringLiteral(".history/pc-gone"))).exists());
    QCOMPARE(published.count(), 1);
    const auto set = published.last().at(0).value<std::shared_ptr<const ConfigSet>>();
    QVERIFY(!set->find("pc-gone"));
    QCOMPARE(set->defaultId, std::string());
    // A new config with that name starts again at version 1.
    QCOMPARE(store->create(QStringLiteral("gone"), "{}").version, 1);
    QCOMPARE(store->history("pc-gone").size(), std::size_t(1));
}

void TestConfigStore::defaultConfig()
{
    auto store = openStore();
    QVERIFY(store->create(QStringLiteral("a"), "{}").ok);
    QVERIFY(store->create(QStringLiteral("b"), "{}").ok);
    QVERIFY(!store->setDefault("pc-nope").ok);
    QVERIFY(store->setDefault("pc-b").ok);
    QCOMPARE(store->configSet()->defaultId, std::string("pc-b"));
    QVERIFY(store->info("pc-b")->isDefault);
    QVERIFY(!store->info("pc-a")->isDefault);
    store->overrideDefault("pc-a");   // --default-config: this run only
    QCOMPARE(store->configSet()->defaultId, std::string("pc-a"));
    auto again = openStore();
    QCOMPARE(again->configSet()->defaultId, std::string("pc-b"));
}

void TestConfigStore::restartReloadsEverything()
{
    {
        auto store = openStore();
        QVERIFY(store->create(QStringLiteral("Keep Me"), fallback("openai", "mock")).ok);
        QVERIFY(store->save("pc-keep-me", fallback("mock", "openai")).ok);
        QVERIFY(store->rename("pc-keep-me", QStringLiteral("Kept")).ok);
        QVERIFY(store->setDefault("pc-keep-me").ok);
    }
    auto store = openStore();
    const auto info = store->info("pc-keep-me");
    QVERIFY(info);
    QCOMPARE(info->name, QStringLiteral("Kept"));
    QCOMPARE(info->version, 2);
    QVERIFY(info->isDefault);
    QCOMPARE(store->history("pc-keep-me").size(), std::size_t(2));
    QCOMPARE(*store->version("pc-keep-me", 1), fallback("openai", "mock"));
    QCOMPARE(store->configSet()->find("pc-keep-me")->config->version, 2);
    QVERIFY(store->problems().isEmpty());
    // The folder still loads with the plain loader (--configs on an older build, or a FILE).
    const ConfigSetLoad plain = loadConfigSet(dir_->path(), "pc-keep-me", validator().isKnownProvider);
    QVERIFY(plain.set);
    QCOMPARE(plain.set->ids(), QStringList{QStringLiteral("pc-keep-me")});
}

void TestConfigStore::handEditBecomesVersionInvalidKeepsServing()
{
    auto store = openStore();
    QVERIFY(store->create(QStringLiteral("hand"), fallback("openai", "mock")).ok);
    QSignalSpy published(store.get(), &ConfigStore::configSetChanged);
    QSignalSpy problems(store.get(), &ConfigStore::problemsFound);

    writeAll(file(QStringLiteral("pc-hand.json")), "{\"provider\": \"mock\"}\n");
    store->refresh();
    QCOMPARE(store->info("pc-hand")->version, 2);
    QCOMPARE(store->history("pc-hand").back().note, QStringLiteral("edited outside Gatehouse"));
    QCOMPARE(published.count(), 1);

    writeAll(file(QStringLiteral("pc-hand.json")), "{\"provider\": \"mokc\"}\n");
    store->refresh();
    QCOMPARE(published.count(), 1);   // the last valid version stays in force
    QCOMPARE(problems.count(), 1);
    QVERIFY(problems.last().at(0).toStringList().join(QString()).contains(QLatin1String("provider")));
    QCOMPARE(store->configSet()->find("pc-hand")->config->version, 2);
    QVERIFY(!store->info("pc-hand")->problem.isEmpty());
    QCOMPARE(*store->text("pc-hand"), QByteArray("{\"provider\": \"mokc\"}\n"));   // the editor shows what is on disk
    // Saving a fixed text clears the problem.
    QVERIFY(store->save("pc-hand", "{\"provider\": \"openai\"}\n").ok);
    QVERIFY(store->info("pc-hand")->problem.isEmpty());
    QCOMPARE(store->info("pc-hand")->version, 3);
    QVERIFY(store->problems().isEmpty());
}

void TestConfigStore::badFilesReportedNotFatal()
{
    writeAll(file(QStringLiteral("good.json")), "{\"provider\": \"mock\"}");
    writeAll(file(QStringLiteral("broken.json")), "{not json");
    writeAll(file(QStringLiteral("Good.json")), "{}");   // same id as good.json
    auto store = openStore();
    QVERIFY(store->configSet()->find("pc-good"));
    QVERIFY(!store->configSet()->find("pc-broken"));
    QCOMPARE(store->info("pc-good")->version, 1);
    QCOMPARE(store->history("pc-good").front().note, QStringLiteral("found in the folder"));
    QVERIFY(store->info("pc-broken"));   // listed, so the editor can fix it
    QCOMPARE(store->info("pc-broken")->version, 0);
    const QString problems = store->problems().join(QLatin1Char('\n'));
    QVERIFY2(problems.contains(QLatin1String("broken.json: config: is not valid JSON")), qPrintable(problems));
    QVERIFY(problems.contains(QLatin1String("used by another file")));
    QVERIFY(store->save("pc-broken", "{}").ok);
    QCOMPARE(store->info("pc-broken")->version, 1);
    QVERIFY(store->configSet()->find("pc-broken"));
}

void TestConfigStore::signalsOnlyOnRealChange()
{
    auto store = openStore();
    QVERIFY(store->create(QStringLiteral("quiet"), "{}").ok);
    QSignalSpy published(store.get(), &ConfigStore::configSetChanged);
    QSignalSpy changed(store.get(), &ConfigStore::changed);
    // What the file watch does after our own write: reread, find the same text.
    store->refresh();
    store->refresh();
    QCOMPARE(published.count(), 0);
    QCOMPARE(changed.count(), 0);
    // The watch itself, end to end: a hand edit arrives without anyone calling refresh().
    store->setWatching(true);
    writeAll(file(QStringLiteral("pc-quiet.json")), "{\"provider\": \"mock\"}");
    QTRY_COMPARE_WITH_TIMEOUT(published.count(), 1, 5000);
    QCOMPARE(store->info("pc-quiet")->version, 2);
}

// "Last used" outlives a restart: read back from the request log, newest use per config, and
// configs nobody named stay "never".
void TestConfigStore::lastUseReadBackFromLog()
{
    auto store = openStore();
    QVERIFY(store->create(QStringLiteral("used"), fallback("openai", "mock")).ok);
    QVERIFY(store->create(QStringLiteral("unused"), fallback("mock", "openai")).ok);
    const QString logPath = file(QStringLiteral("requests.sqlite3"));
    QVERIFY(restoreConfigUseFromLog(*store, logPath));   // no log yet: fine, nothing used
    QCOMPARE(store->info("pc-used")->lastUsedMs, qint64(0));
    {
        LogStore log;
        QString error;
        QVERIFY2(log.open(logPath, &error), qPrintable(error));
        std::vector<RequestRecord> records;
        for (int i = 0; i < 30; ++i) {
            RequestRecord r = logtest::makeRecord(i, 1'700'000'000'000 + i * 1000);
            r.configId = i % 3 == 0 ? QStringLiteral("pc-used") : i % 3 == 1 ? QStringLiteral("pc-deleted-long-ago") : QString();
            records.push_back(std::move(r));
        }
        log.append(logtest::batchOf(std::move(records)));
        log.flushAndWait();
    }
    auto reopened = openStore();   // a new run: nothing noted yet
    QCOMPARE(reopened->info("pc-used")->lastUsedMs, qint64(0));
    QSignalSpy noted(reopened.get(), &ConfigStore::usageNoted);
    QString error;
    QVERIFY2(restoreConfigUseFromLog(*reopened, logPath, &error), qPrintable(error));
    QCOMPARE(reopened->info("pc-used")->lastUsedMs, qint64(1'700'000'000'000 + 27 * 1000));
    QCOMPARE(reopened->info("pc-unused")->lastUsedMs, qint64(0));
    QCOMPARE(noted.count(), 1);
}

QTEST_GUILESS_MAIN(TestConfigStore)
#include "tst_config_store.moc"
