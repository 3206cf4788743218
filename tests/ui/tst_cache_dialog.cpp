// The Cache dialog against the real gateway (mock provider, cache file in a temp dir): namespaces
// with their entries, Clear per namespace and Clear all reaching both the gateway's memory (the next
// request misses) and the file, and the file read when the gateway is stopped. The dashboard's cache
// tile opens it. Screenshot: GATEHOUSE_SCREENSHOT_DIR (else the temp dir).

#include "cache/cache_database.h"
#include "dialogs/cache_dialog.h"
#include "integration_support.h"
#include "models/cache_namespace_model.h"
#include "pages/dashboard_page.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace gatehouse;
using namespace gatehouse::itest;

namespace {

const QByteArray kSimple = R"({"cache":{"mode":"simple"}})";

QString screenshotDir()
{
    const QString env = qEnvironmentVariable("GATEHOUSE_SCREENSHOT_DIR");
    return env.isEmpty() ? QDir::tempPath() : env;
}

} // namespace

class TestCacheDialog : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir_;
    GatewayHarness gw_;

    QByteArray ask(const QString& question, const QByteArray& cacheNamespace)
    {
        RawHeaders extra{{"x-portkey-config", kSimple}};
        if (!cacheNamespace.isNull())
            extra.append({"x-portkey-cache-namespace", cacheNamespace});
        const auto r = roundTrip(gw_.port(), httpRequest("POST", "/v1/chat/completions", mockHeaders(extra), chatBody(question)));
        return r ? r->header("x-portkey-cache-status") : QByteArray("no answer");
    }
    static bool waitListed(CacheDialog& d, QSignalSpy& spy)
    {
        return QTest::qWaitFor([&] { return !spy.isEmpty() && !d.isBusy(); }, 5000);
    }
    static qint64 entriesOf(const CacheNamespaceModel& m, const QString& name)
    {
        const int row = m.rowOf(name);
        return row < 0 ? -1 : m.namespaces()[row].entries;
    }
    QString cachePath() const { return dir_.filePath(QStringLiteral("cache.sqlite3")); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        GatewaySettings s = testSettings();
        s.cachePath = cachePath();
        QVERIFY(gw_.start(s));
    }

    void listsClearsPerNamespaceAndClearsAll()
    {
        QCOMPARE(ask(QStringLiteral("one"), "alpha"), QByteArray("MISS"));
        QCOMPARE(ask(QStringLiteral("two"), "alpha"), QByteArray("MISS"));
        QCOMPARE(ask(QStringLiteral("one"), "beta"), QByteArray("MISS"));
        QCOMPARE(ask(QStringLiteral("one"), QByteArray()), QByteArray("MISS"));

        CacheDialog dialog(&gw_.service());
        QAbstractItemModelTester tester(dialog.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy listed(&dialog, &CacheDialog::listed);
        QVERIFY(waitListed(dialog, listed));
        const CacheNamespaceModel& m = *dialog.model();
        QCOMPARE(m.rowCount(), 3);
        QCOMPARE(m.index(0, CacheNamespaceModel::NameColumn).data().toString(), QStringLiteral("(default)"));
        QCOMPARE(entriesOf(m, QString()), 1);
        QCOMPARE(entriesOf(m, QStringLiteral("alpha")), 2);
        QCOMPARE(entriesOf(m, QStringLiteral("beta")), 1);
        QVERIFY(m.namespaces()[m.rowOf(QStringLiteral("alpha"))].bytes > m.namespaces()[m.rowOf(QStringLiteral("beta"))].bytes);
        QVERIFY(!dialog.clearSelectedButton()->isEnabled());   // nothing selected yet
        QVERIFY(dialog.clearAllButton()->isEnabled());

        dialog.table()->selectRow(m.rowOf(QStringLiteral("alpha")));
        QVERIFY(dialog.clearSelectedButton()->isEnabled());
        dialog.resize(620, 400);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QVERIFY(dialog.grab().save(screenshotDir() + QStringLiteral("/cache_dialog.png")));

        listed.clear();
        QTest::mouseClick(dialog.clearSelectedButton(), Qt::LeftButton);
        QVERIFY(waitListed(dialog, listed));
        QCOMPARE(m.rowCount(), 2);
        QCOMPARE(m.rowOf(QStringLiteral("alpha")), -1);
        QVERIFY2(dialog.statusLabel()->text().contains(QStringLiteral("2 answers removed")), qPrintable(dialog.statusLabel()->text()));
        // Gone from the running gateway's memory, kept elsewhere.
        QCOMPARE(ask(QStringLiteral("one"), "alpha"), QByteArray("MISS"));
        QCOMPARE(ask(QStringLiteral("one"), "beta"), QByteArray("HIT"));
        // ... and from the file (written on the store's own thread).
        QVERIFY(QTest::qWaitFor([&] {
            const auto file = cacheFileNamespaces(cachePath(), nullptr);
            return file && file->size() == 3 && file->at(1).name == QStringLiteral("alpha") && file->at(1).entries == 1;
        }, 5000));

        listed.clear();
        QTest::mouseClick(dialog.refreshButton(), Qt::LeftButton);
        QVERIFY(waitListed(dialog, listed));
        QCOMPARE(entriesOf(m, QStringLiteral("alpha")), 1);

        listed.clear();
        QTest::mouseClick(dialog.clearAllButton(), Qt::LeftButton);
        QVERIFY(waitListed(dialog, listed));
        QCOMPARE(m.rowCount(), 0);
        QVERIFY(!dialog.clearAllButton()->isEnabled());
        QVERIFY(dialog.statusLabel()->text().contains(QStringLiteral("every namespace")));
        QCOMPARE(ask(QStringLiteral("one"), "beta"), QByteArray("MISS"));
        QVERIFY(QTest::qWaitFor([&] {
            const auto file = cacheFileNamespaces(cachePath(), nullptr);
            return file && file->size() == 1 && file->at(0).name == QStringLiteral("beta");
        }, 5000));
    }

    void withTheGatewayStoppedTheFileIsListedAndCleared()
    {
        QCOMPARE(ask(QStringLiteral("kept"), "gamma"), QByteArray("MISS"));
        gw_.service().stopAndWait();   // the store writes what is queued before it ends
        CacheDialog dialog(&gw_.service());
        QAbstractItemModelTester tester(dialog.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy listed(&dialog, &CacheDialog::listed);
        QVERIFY(waitListed(dialog, listed));
        QVERIFY(entriesOf(*dialog.model(), QStringLiteral("gamma")) == 1);
        QVERIFY(dialog.statusLabel()->text().contains(QStringLiteral("stopped")));
        listed.clear();
        dialog.clearAllNamespaces();
        QVERIFY(waitListed(dialog, listed));
        QCOMPARE(dialog.model()->rowCount(), 0);
        const auto file = cacheFileNamespaces(cachePath(), nullptr);
        QVERIFY(file && file->isEmpty());
    }

    void theDashboardCacheTileAsksForTheDialog()
    {
        DashboardPage page{QString()};
        QSignalSpy asked(&page, &DashboardPage::manageCacheRequested);
        QVERIFY(page.manageCacheButton());
        page.manageCacheButton()->click();
        QCOMPARE(asked.size(), 1);
    }
};

QTEST_MAIN(TestCacheDialog)
#include "tst_cache_dialog.moc"
