// The Configs page over a real ConfigStore in a temporary folder: create a config from the page,
// type JSON (an invalid edit is refused with its errors listed by path), save, look at the history
// (two versions, a coloured diff), roll back; the unsaved-changes question; the simulate dialog.
// The list model runs under QAbstractItemModelTester.

#include "models/config_list_model.h"
#include "pages/configs_page.h"
#include "views/config_history_dialog.h"
#include "views/route_simulation_dialog.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextEdit>

using namespace gatehouse;

namespace {

QString screenshotDir()
{
    const QString env = qEnvironmentVariable("GATEHOUSE_SCREENSHOT_DIR");
    return env.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::TempLocation) : env;
}

ConfigValidator validator()
{
    ConfigValidator v;
    v.isKnownProvider = [](const std::string& id) { return id == "mock" || id == "openai" || id == "anthropic"; };
    v.providerIds = {"anthropic", "mock", "openai"};
    return v;
}

const char* const kLoadbalance =
    "{\n  \"strategy\": {\"mode\": \"loadbalance\"},\n  \"targets\": [\n"
    "    {\"provider\": \"openai\", \"weight\": 0.7, \"override_params\": {\"model\": \"gpt-4o\"}},\n"
    "    {\"provider\": \"anthropic\", \"weight\": 0.3}\n  ]\n}\n";

const char* const kBadProvider =
    "{\n  \"strategy\": {\"mode\": \"loadbalance\"},\n  \"targets\": [\n"
    "    {\"provider\": \"opena\", \"weight\": 0.7},\n    {\"provider\": \"anthropic\", \"weight\": -1}\n  ]\n}\n";

// Types into the editor as a user would (key events), so textChanged and the debounce run for real.
void typeText(QPlainTextEdit* edit, const QString& text)
{
    edit->setFocus();
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Delete);
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        QTest::keyClicks(edit, lines[i]);
        if (i + 1 < lines.size())
            QTest::keyClick(edit, Qt::Key_Return);
    }
}

} // namespace

class TestConfigsPage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void createEditSaveHistoryRollback();
    void unsavedChangesQuestion();
    void renameDuplicateDeleteDefault();
    void simulateDialogShowsWhereRequestsWent();
    void screenshots();

private:
    QPlainTextEdit* jsonEditor(ConfigsPage& page) { return qobject_cast<QPlainTextEdit*>(page.editorTabs()->widget(0)); }
    void quietPrompts(ConfigsPage& page)
    {
        ConfigsPage::Prompts p;
        p.askText = [this](const QString&, const QString&, const QString&) { return nextName_; };
        p.confirm = [this](const QString&, const QString&) { return confirmAnswer_; };
        p.askUnsaved = [this](const QString&) {
            ++unsavedAsked_;
            return unsavedAnswer_;
        };
        page.setPrompts(p);
    }

    std::unique_ptr<QTemporaryDir> dir_;
    std::unique_ptr<ConfigStore> store_;
    std::optional<QString> nextName_;
    bool confirmAnswer_ = true;
    ConfigsPage::Prompts::Unsaved unsavedAnswer_ = ConfigsPage::Prompts::Unsaved::Cancel;
    int unsavedAsked_ = 0;
};

void TestConfigsPage::init()
{
    dir_ = std::make_unique<QTemporaryDir>();
    store_ = std::make_unique<ConfigStore>(dir_->path(), validator());
    QString error;
    QVERIFY(store_->open(&error));
    unsavedAsked_ = 0;
    confirmAnswer_ = true;
}

void TestConfigsPage::createEditSaveHistoryRollback()
{
    ConfigsPage page(store_.get());
    quietPrompts(page);
    QAbstractItemModelTester tester(page.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    page.resize(1200, 700);
    page.show();
    QCOMPARE(page.model()->rowCount(), 0);
    QCOMPARE(page.editorTabs()->tabText(0), QStringLiteral("JSON"));

    nextName_ = QStringLiteral("Prod LB");
    page.newConfig();
    QCOMPARE(page.model()->rowCount(), 1);
    QCOMPARE(page.currentId(), std::string("pc-prod-lb"));
    QCOMPARE(page.model()->index(0, ConfigListModel::Version).data().toString(), QStringLiteral("v1"));
    QCOMPARE(page.list()->currentIndex().row(), 0);
    QVERIFY(!page.saveButton()->isEnabled());   // unchanged

    // An invalid edit: the errors appear with their paths, Save stays off, nothing is stored.
    typeText(jsonEditor(page), QString::fromLatin1(kBadProvider));
    QTRY_VERIFY(page.issueList()->count() >= 2);
    const QString shown = [&] {
        QStringList lines;
        for (int i = 0; i < page.issueList()->count(); ++i)
            lines << page.issueList()->item(i)->text();
        return lines.join(QLatin1Char('\n'));
    }();
    QVERIFY2(shown.contains(QLatin1String("targets[0].provider: unknown provider 'opena'")), qPrintable(shown));
    QVERIFY2(shown.contains(QLatin1String("targets[1].weight")), qPrintable(shown));
    QVERIFY(!page.saveButton()->isEnabled());
    QVERIFY(!page.saveConfig());
    QCOMPARE(store_->info("pc-prod-lb")->version, 1);
    // Clicking an error puts the cursor on the key it names.
    QTest::mouseClick(page.issueList()->viewport(), Qt::LeftButton, {},
                      page.issueList()->visualItemRect(page.issueList()->item(0)).center());
    const QString line = jsonEditor(page)->textCursor().block().text();
    QVERIFY2(line.contains(QLatin1String("opena")), qPrintable(line));

    // A valid edit saves as version 2 and the gateway's set has it.
    typeText(jsonEditor(page), QString::fromLatin1(kLoadbalance));
    QTRY_VERIFY(page.saveButton()->isEnabled());
    QCOMPARE(page.issueList()->count(), 0);
    QTest::mouseClick(page.saveButton(), Qt::LeftButton);
    QCOMPARE(store_->info("pc-prod-lb")->version, 2);
    QCOMPARE(store_->configSet()->find("pc-prod-lb")->config->root.targets.size(), std::size_t(2));
    QVERIFY(!page.saveButton()->isEnabled());
    QCOMPARE(page.model()->index(0, ConfigListModel::Version).data().toString(), QStringLiteral("v2"));

    // History: two versions, the diff shows what the save changed, roll back to version 1.
    ConfigHistoryDialog history(store_.get(), page.currentId(), &page);
    QCOMPARE(history.versions()->count(), 2);
    QCOMPARE(history.selectedVersion(), 1);
    const QString diff = history.diffView()->toPlainText();
    QVERIFY2(diff.contains(QLatin1String("+     {\"provider\": \"anthropic\", \"weight\": 0.3}")), qPrintable(diff));
    QVERIFY(diff.contains(QLatin1String("-     {\"provider\": \"mock\"}")));
    QVERIFY(history.diffView()->toHtml().contains(QLatin1String("#fde2e2")));   // removed lines are coloured
    QVERIFY(history.rollBackToSelected());
    QCOMPARE(history.versions()->count(), 3);
    QCOMPARE(store_->info("pc-prod-lb")->version, 3);
    QCOMPARE(*store_->text("pc-prod-lb"), *store_->version("pc-prod-lb", 1));
    // The page follows the rollback (it had no unsaved edit).
    QCOMPARE(page.editorText(), *store_->version("pc-prod-lb", 1));
    QCOMPARE(page.model()->index(0, ConfigListModel::Version).data().toString(), QStringLiteral("v3"));
}

void TestConfigsPage::unsavedChangesQuestion()
{
    QVERIFY(store_->create(QStringLiteral("a"), "{}\n").ok);
    QVERIFY(store_->create(QStringLiteral("b"), "{}\n").ok);
    ConfigsPage page(store_.get());
    quietPrompts(page);
    QAbstractItemModelTester tester(page.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(page.currentId(), std::string("pc-a"));
    page.setEditorText("{\"provider\": \"mock\"}\n");
    QVERIFY(page.isDirty());

    unsavedAnswer_ = ConfigsPage::Prompts::Unsaved::Cancel;
    page.list()->selectRow(1);
    QCOMPARE(unsavedAsked_, 1);
    QCOMPARE(page.currentId(), std::string("pc-a"));   // stayed, edit kept
    QCOMPARE(page.list()->currentIndex().row(), 0);
    QVERIFY(page.isDirty());

    unsavedAnswer_ = ConfigsPage::Prompts::Unsaved::Save;
    page.list()->selectRow(1);
    QCOMPARE(page.currentId(), std::string("pc-b"));
    QCOMPARE(store_->info("pc-a")->version, 2);

    page.setEditorText("{\"provider\": \"openai\"}\n");
    unsavedAnswer_ = ConfigsPage::Prompts::Unsaved::Discard;
    QVERIFY(page.confirmLeave());
    QCOMPARE(store_->info("pc-b")->version, 1);
    // Closing the window asks too.
    QWidget window;
    page.guardClose(&window);
    window.show();
    unsavedAnswer_ = ConfigsPage::Prompts::Unsaved::Cancel;
    QVERIFY(!window.close());
    QVERIFY(window.isVisible());
}

void TestConfigsPage::renameDuplicateDeleteDefault()
{
    QVERIFY(store_->create(QStringLiteral("Main"), QByteArray(kLoadbalance)).ok);
    ConfigsPage page(store_.get());
    quietPrompts(page);
    QAbstractItemModelTester tester(page.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    nextName_ = QStringLiteral("Main (eu)");
    page.renameConfig();
    QCOMPARE(page.model()->index(0, ConfigListModel::Name).data().toString(), QStringLiteral("Main (eu)"));
    QCOMPARE(page.model()->index(0, ConfigListModel::Id).data().toString(), QStringLiteral("pc-main"));
    nextName_ = QStringLiteral("Backup");
    page.duplicateConfig();
    QCOMPARE(page.model()->rowCount(), 2);
    QCOMPARE(page.currentId(), std::string("pc-backup"));
    page.setAsDefault();
    QCOMPARE(store_->configSet()->defaultId, std::string("pc-backup"));
    QCOMPARE(page.model()->index(page.model()->rowOf("pc-backup"), ConfigListModel::Default).data().toString(), QStringLiteral("default"));
    confirmAnswer_ = false;
    page.deleteConfig();
    QCOMPARE(page.model()->rowCount(), 2);
    confirmAnswer_ = true;
    page.deleteConfig();
    QCOMPARE(page.model()->rowCount(), 1);
    QCOMPARE(page.currentId(), std::string("pc-main"));
    QVERIFY(!store_->info("pc-backup"));
}

void TestConfigsPage::simulateDialogShowsWhereRequestsWent()
{
    const ConfigParseResult r = validateConfigText(
        "{\"strategy\": {\"mode\": \"fallback\"}, \"targets\": [{\"provider\": \"openai\"}, {\"provider\": \"mock\"}]}", validator());
    QVERIFY(r.config);
    RouteSimulationDialog dialog(r.config);
    QCOMPARE(dialog.scenarioTable()->rowCount(), 2);
    dialog.setRequests(100);
    dialog.setFailure("config.targets[0]", 503);
    dialog.run();
    QCOMPARE(dialog.lastResult().leaves.at("config.targets[1]").answered, 100);
    QCOMPARE(dialog.resultTable()->item(1, 1)->text(), QStringLiteral("100"));
    QCOMPARE(dialog.resultTable()->item(0, 5)->text(), QStringLiteral("100"));   // failed calls to target 0
}

void TestConfigsPage::screenshots()
{
    QVERIFY(store_->create(QStringLiteral("Prod fallback"),
                           "{\n  \"strategy\": {\"mode\": \"fallback\"},\n  \"retry\": {\"attempts\": 2},\n  \"targets\": [\n"
                           "    {\"provider\": \"openai\", \"override_params\": {\"model\": \"gpt-4o\"}},\n"
                           "    {\"provider\": \"anthropic\", \"override_params\": {\"model\": \"claude-3-5-sonnet\"}}\n  ]\n}\n").ok);
    QVERIFY(store_->create(QStringLiteral("Cheap split"), QByteArray(kLoadbalance)).ok);
    QVERIFY(store_->save("pc-cheap-split", QByteArray(kLoadbalance).replace("0.7", "0.8").replace("0.3", "0.2")).ok);
    QVERIFY(store_->setDefault("pc-prod-fallback").ok);
    store_->noteUsed("pc-prod-fallback", 1'764'100'000'000);
    ConfigsPage page(store_.get());
    quietPrompts(page);
    page.resize(1300, 760);
    page.show();
    QVERIFY(page.selectConfig("pc-cheap-split"));
    page.setEditorText(QByteArray(kBadProvider));
    page.validateNow();
    QVERIFY(page.grab().save(QDir(screenshotDir()).filePath(QStringLiteral("configs_page.png"))));

    ConfigHistoryDialog history(store_.get(), "pc-cheap-split");
    history.show();
    QVERIFY(history.grab().save(QDir(screenshotDir()).filePath(QStringLiteral("configs_history.png"))));

    RouteSimulationDialog sim(store_->configSet()->find("pc-prod-fallback")->config);
    sim.setRequests(1000);
    sim.setFailure("config.targets[0]", 503);
    sim.run();
    sim.show();
    QVERIFY(sim.grab().save(QDir(screenshotDir()).filePath(QStringLiteral("configs_simulate.png"))));
}

QTEST_MAIN(TestConfigsPage)
#include "tst_configs_page.moc"
