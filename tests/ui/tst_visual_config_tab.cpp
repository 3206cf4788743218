// The Configs page with its Visual tab, end to end: a 70/30 load balancer built in the tree editor's
// widgets becomes the page's JSON, Save stores it, the running gateway routes by it at once, and the
// request records show the split. JSON typed in the other tab reaches the tree when it is shown;
// text that is not JSON disables the tree with a notice; errors from validation mark the tree's node.

#include "integration_support.h"

#include "config_editor/config_tree_editor.h"
#include "config_editor/loadbalance_weights_panel.h"
#include "config_editor/node_properties_panel.h"
#include "config_editor/visual_config_tab.h"
#include "models/config_tree_model.h"
#include "pages/configs_page.h"
#include "providers/provider_registry.h"
#include "routing/config_store.h"

#include <QAbstractItemModelTester>
#include <QAbstractSpinBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>
#include <QToolButton>
#include <QTreeView>
#include <QUndoStack>

#include <cmath>

using namespace gatehouse;
using namespace gatehouse::itest;
using nlohmann::json;

namespace {

ConfigValidator builtIn()
{
    const auto providers = ProviderRegistry::builtIn();
    ConfigValidator v;
    v.isKnownProvider = [providers](const std::string& id) { return providers->find(QString::fromStdString(id)) != nullptr; };
    return v;
}

template <typename W>
W* field(const ConfigTreeEditor& e, const char* name)
{
    auto* w = e.findChild<W*>(QString::fromLatin1(name));
    if (!w)
        qFatal("no field %s", name);
    return w;
}

void clickAction(const ConfigTreeEditor& e, QAction* action)
{
    for (QToolBar* bar : e.findChildren<QToolBar*>()) {
        if (auto* b = qobject_cast<QToolButton*>(bar->widgetForAction(action))) {
            QTest::mouseClick(b, Qt::LeftButton);
            return;
        }
    }
    qFatal("no button for the action");
}

void choose(QComboBox* combo, const QString& data)
{
    const int i = combo->findData(data);
    if (i < 0)
        qFatal("no combo entry %s", qPrintable(data));
    combo->setCurrentIndex(i);
}

void typeInto(QAbstractSpinBox* spin, const QString& text)
{
    spin->selectAll();
    QTest::keyClicks(spin, text);
    QTest::keyClick(spin, Qt::Key_Return);
}

void clickRow(QTreeView* tree, const QModelIndex& index)
{
    tree->scrollTo(index);
    QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, tree->visualRect(index).center());
}

QPlainTextEdit* jsonTab(ConfigsPage& page)
{
    for (int i = 0; i < page.editorTabs()->count(); ++i)
        if (auto* edit = qobject_cast<QPlainTextEdit*>(page.editorTabs()->widget(i)))
            return edit;
    qFatal("no JSON tab");
    return nullptr;
}

} // namespace

class TestVisualConfigTab : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        dir_ = std::make_unique<QTemporaryDir>();
        store_ = std::make_unique<ConfigStore>(dir_->path(), builtIn());
        QString error;
        QVERIFY2(store_->open(&error), qPrintable(error));
    }

    void loadbalanceBuiltInTheTreeRoutesTheGatewaysRequests()
    {
        ConfigsPage page(store_.get());
        auto* visual = new VisualConfigTab(&page);
        ConfigTreeEditor* editor = visual->editor();
        QAbstractItemModelTester tester(editor->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        page.resize(1400, 860);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QCOMPARE(page.editorTabs()->tabText(0), QStringLiteral("Visual"));
        QVERIFY(page.createConfig(QStringLiteral("Split")));

        // A new config starts as a fallback to one mock target; remove it, as a user would.
        QCOMPARE(editor->model()->rowCount(editor->model()->rootIndex()), 1);
        clickRow(editor->treeView(), editor->model()->index(0, 0, editor->model()->rootIndex()));
        clickAction(*editor, editor->removeAction());
        QCOMPARE(editor->model()->rowCount(editor->model()->rootIndex()), 0);
        // Built as a user would: strategy combo, toolbar, provider combo, model field, weight boxes.
        clickRow(editor->treeView(), editor->model()->rootIndex());
        choose(field<QComboBox>(*editor, "mode"), QStringLiteral("loadbalance"));
        for (const char* model : {"mock-a", "mock-b"}) {
            clickAction(*editor, editor->addTargetAction());
            choose(field<QComboBox>(*editor, "provider"), QStringLiteral("mock"));
            QTest::keyClicks(field<QLineEdit>(*editor, "model"), QString::fromLatin1(model));
        }
        clickRow(editor->treeView(), editor->model()->rootIndex());
        LoadbalanceWeightsPanel* weights = editor->propertiesPanel()->weightsPanel();
        QCOMPARE(weights->targetCount(), 2);
        typeInto(weights->spinBox(0), QStringLiteral("70"));
        typeInto(weights->spinBox(1), QStringLiteral("30"));

        // The page's JSON is the tree's document, and it is valid: Save is on.
        const json expected = json::parse(
            "{\"strategy\": {\"mode\": \"loadbalance\"}, \"targets\": ["
            "{\"provider\": \"mock\", \"override_params\": {\"model\": \"mock-a\"}, \"weight\": 70},"
            "{\"provider\": \"mock\", \"override_params\": {\"model\": \"mock-b\"}, \"weight\": 30}]}");
        QVERIFY2(page.document() == expected, page.editorText().constData());
        QTRY_VERIFY(page.saveButton()->isEnabled());

        GatewayHarness gw;
        gw.service().setConfigs(store_->configSet());
        QObject::connect(store_.get(), &ConfigStore::configSetChanged, &gw.service(), &GatewayService::setConfigs);
        QVERIFY(gw.start());
        QVERIFY(page.saveConfig());
        QCOMPARE(store_->history(page.currentId()).size(), std::size_t(2));

        constexpr int kRequests = 400;
        for (int i = 0; i < kRequests; ++i) {
            const auto r = roundTrip(gw.port(), httpRequest("POST", "/v1/chat/completions",
                                                            RawHeaders{{"content-type", "application/json"}, {"x-portkey-config", "pc-split"}},
                                                            chatBody(QStringLiteral("split %1").arg(i), QStringLiteral("mock-gpt"))));
            QVERIFY(r);
            QCOMPARE(r->status, 200);
        }
        QVERIFY(gw.waitForRecords(kRequests));
        int first = 0;
        for (const RequestRecord& r : gw.records()) {
            QCOMPARE(r.configId, QStringLiteral("pc-split"));
            QCOMPARE(r.configVersion, 2);
            first += r.targetPath == QStringLiteral("config.targets[0]");
        }
        // 70% of 400 = 280; a binomial's standard deviation here is ~9.2: 5 of them either way.
        const double sigma = std::sqrt(kRequests * 0.7 * 0.3);
        QVERIFY2(std::abs(first - 0.7 * kRequests) <= 5 * sigma, qPrintable(QStringLiteral("%1 of %2 to target 0").arg(first).arg(kRequests)));
    }

    void jsonReachesTheTreeAndBadJsonDisablesIt()
    {
        ConfigsPage page(store_.get());
        auto* visual = new VisualConfigTab(&page);
        ConfigTreeEditor* editor = visual->editor();
        page.resize(1200, 800);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QVERIFY(page.createConfig(QStringLiteral("Typed")));

        QPlainTextEdit* json = jsonTab(page);
        page.editorTabs()->setCurrentWidget(json);
        json->setPlainText(QStringLiteral("{\"strategy\": {\"mode\": \"fallback\"}, \"targets\": [{\"provider\": \"mock\"}, {\"provider\": \"openai\", \"weight\": -1}]}"));
        QVERIFY(visual->isStale());   // not pushed into the hidden tree on every keystroke
        page.editorTabs()->setCurrentIndex(0);
        QVERIFY(!visual->isStale());
        QVERIFY(editor->isEnabled());
        QVERIFY(editor->document() == page.document());
        QCOMPARE(editor->model()->rowCount(editor->model()->rootIndex()), 2);
        // Validation's errors mark the node they belong to.
        QTRY_VERIFY(!page.currentIssues().empty());
        const QModelIndex second = editor->model()->index(1, 0, editor->model()->rootIndex());
        QTRY_VERIFY(!second.data(ConfigTreeModel::IssuesRole).toStringList().isEmpty());
        QVERIFY(!page.saveButton()->isEnabled());

        page.editorTabs()->setCurrentWidget(json);
        json->setPlainText(QStringLiteral("{\"strategy\": "));
        page.editorTabs()->setCurrentIndex(0);
        QVERIFY(!editor->isEnabled());
        bool noticeShown = false;
        for (QLabel* l : page.findChildren<QLabel*>())
            noticeShown |= l->isVisible() && l->text().contains(QStringLiteral("not hold valid JSON"));
        QVERIFY(noticeShown);

        // An edit in the tree is written back without resetting the tree (its undo history stays).
        json->setPlainText(QStringLiteral("{\"strategy\": {\"mode\": \"loadbalance\"}, \"targets\": [{\"provider\": \"mock\"}]}"));
        page.editorTabs()->setCurrentIndex(0);
        QVERIFY(editor->isEnabled());
        clickAction(*editor, editor->addTargetAction());
        QCOMPARE(page.document()["targets"].size(), std::size_t(2));
        QVERIFY(editor->undoStack()->canUndo());
        editor->undoStack()->undo();
        QCOMPARE(page.document()["targets"].size(), std::size_t(1));
    }

private:
    std::unique_ptr<QTemporaryDir> dir_;
    std::unique_ptr<ConfigStore> store_;
};

QTEST_MAIN(TestVisualConfigTab)
#include "tst_visual_config_tab.moc"
