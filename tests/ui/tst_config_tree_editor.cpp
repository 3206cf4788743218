// ConfigTreeEditor driven through its widgets, as a user would: a 70/30 load balancer built with
// the toolbar, the strategy combo, the provider combo and the weight spin boxes and sliders;
// a fallback reordered by dropping on the tree view; undo/redo by shortcut; the issue marks; and
// selecting nodes never edits the document. Screenshots go to GATEHOUSE_SCREENSHOT_DIR (else the
// temp dir) for people to look at.

#include "config_samples.h"

#include "config_editor/config_tree_editor.h"
#include "config_editor/loadbalance_weights_panel.h"
#include "config_editor/node_properties_panel.h"
#include "models/config_tree_model.h"
#include "routing/routing_config.h"
#include "views/weight_split_chart.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTest>
#include <QToolBar>
#include <QToolButton>
#include <QTreeView>
#include <QUndoStack>

#include <memory>

using namespace gatehouse;
using nlohmann::json;

namespace {

QString screenshotDir()
{
    const QString env = qEnvironmentVariable("GATEHOUSE_SCREENSHOT_DIR");
    return env.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::TempLocation) : env;
}

template <typename W>
W* field(const ConfigTreeEditor& e, const char* name)
{
    auto* w = e.findChild<W*>(QString::fromLatin1(name));
    if (!w)
        qFatal("no field %s", name);
    return w;
}

QToolButton* buttonFor(const ConfigTreeEditor& e, QAction* action)
{
    for (QToolBar* bar : e.findChildren<QToolBar*>()) {
        if (auto* b = qobject_cast<QToolButton*>(bar->widgetForAction(action)))
            return b;
    }
    qFatal("no button");
    return nullptr;
}

void clickRow(QTreeView* tree, const QModelIndex& index)
{
    tree->scrollTo(index);
    QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, tree->visualRect(index).center());
}

void chooseData(QComboBox* combo, const QString& data)
{
    const int i = combo->findData(data);
    QVERIFY2(i >= 0, qPrintable(data));
    combo->setCurrentIndex(i);
}

void typeInto(QAbstractSpinBox* spin, const QString& text)
{
    spin->selectAll();
    QTest::keyClicks(spin, text);
    QTest::keyClick(spin, Qt::Key_Return);
}

// A drop on the tree view at `pos`, as the drag manager delivers it at the end of a drag.
bool dropOnView(QTreeView* tree, const QMimeData* data, QPoint pos)
{
    QDragEnterEvent enter(pos, Qt::MoveAction, data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(tree->viewport(), &enter);
    QDragMoveEvent move(pos, Qt::MoveAction, data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(tree->viewport(), &move);
    if (!move.isAccepted())
        return false;
    QDropEvent drop(QPointF(pos), Qt::MoveAction, data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(tree->viewport(), &drop);
    return drop.isAccepted();
}

std::vector<std::string> providersOf(const json& targets)
{
    std::vector<std::string> out;
    for (const json& t : targets)
        out.push_back(t.value("provider", std::string("?")));
    return out;
}

json fallbackOfThree()
{
    return json::parse(R"({"strategy": {"mode": "fallback"}, "targets": [
        {"provider": "openai"}, {"provider": "anthropic"}, {"provider": "groq"},
        {"strategy": {"mode": "loadbalance"}, "targets": [{"provider": "mock"}, {"provider": "ollama"}]}]})");
}

// Lets posted layout requests run, so a grab shows what a user would see.
QPixmap settledGrab(QWidget& w)
{
    for (int i = 0; i < 3; ++i)
        QCoreApplication::processEvents();
    return w.grab();
}

void showEditor(ConfigTreeEditor& editor)
{
    editor.resize(1320, 860);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
}

} // namespace

class TestConfigTreeEditor : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void buildLoadbalanceThroughWidgets();
    void selectingNodesNeverEdits();
    void dropOnViewReordersFallback();
    void dropIntoOwnDescendantRefused();
    void undoRedoShortcuts();
    void statusCodesValidated();
    void conditionsTable();
    void showIssuesMarksNode();
    void advancedFields();
    void cacheFields();
    void screenshot();
};

void TestConfigTreeEditor::buildLoadbalanceThroughWidgets()
{
    ConfigTreeEditor editor;
    QAbstractItemModelTester tester(editor.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    showEditor(editor);
    QSignalSpy changed(&editor, &ConfigTreeEditor::documentChanged);
    QVERIFY(editor.document() == json::object());
    QVERIFY(!editor.addTargetAction()->isEnabled());   // a top level without a strategy takes no targets

    chooseData(field<QComboBox>(editor, "mode"), QStringLiteral("loadbalance"));
    QVERIFY(editor.document() == json::parse(R"({"strategy": {"mode": "loadbalance"}})"));
    QVERIFY(editor.addTargetAction()->isEnabled());

    QTest::mouseClick(buttonFor(editor, editor.addTargetAction()), Qt::LeftButton);
    chooseData(field<QComboBox>(editor, "provider"), QStringLiteral("openai"));
    QTest::keyClicks(field<QLineEdit>(editor, "model"), QStringLiteral("gpt-4o"));
    QTest::mouseClick(buttonFor(editor, editor.addTargetAction()), Qt::LeftButton);
    chooseData(field<QComboBox>(editor, "provider"), QStringLiteral("anthropic"));

    clickRow(editor.treeView(), editor.model()->rootIndex());
    LoadbalanceWeightsPanel* weights = editor.propertiesPanel()->weightsPanel();
    QVERIFY(weights->isVisibleTo(&editor));
    QCOMPARE(weights->targetCount(), 2);
    QCOMPARE(weights->shareLabel(0)->text(), QStringLiteral("50%"));   // no weights yet: 1 and 1
    typeInto(weights->spinBox(0), QStringLiteral("70"));
    typeInto(weights->spinBox(1), QStringLiteral("30"));

    const json expected = json::parse(R"({"strategy": {"mode": "loadbalance"}, "targets": [
        {"provider": "openai", "override_params": {"model": "gpt-4o"}, "weight": 70},
        {"provider": "anthropic", "weight": 30}]})");
    QVERIFY2(editor.document() == expected, editor.document().dump().c_str());
    QVERIFY(parseRoutingConfig(editor.document()).config);
    QVERIFY(changed.count() > 0);
    QCOMPARE(weights->shareLabel(0)->text(), QStringLiteral("70%"));
    QCOMPARE(weights->shareLabel(1)->text(), QStringLiteral("30%"));
    QCOMPARE(weights->slider(0)->value(), 70);
    const auto drawn = weights->chart()->drawn();
    QCOMPARE(drawn.size(), std::size_t(2));
    QVERIFY(qFuzzyCompare(drawn[0].share, 0.7));
    QVERIFY(drawn[1].label.contains(QStringLiteral("30%")));
    const QModelIndex root = editor.model()->rootIndex();
    QCOMPARE(editor.model()->index(0, ConfigTreeModel::ShareColumn, root).data().toString(), QStringLiteral("70%"));

    // Dragging the second slider to 0: never chosen, live in the labels and the pie, one undo step.
    QUndoStack* stack = editor.undoStack();
    const int steps = stack->count();
    QSlider* slider = weights->slider(1);
    slider->setSliderDown(true);
    for (int v : {25, 15, 5, 0})
        slider->setValue(v);
    QCOMPARE(weights->shareLabel(1)->text(), QStringLiteral("0% · never"));   // while still dragging
    slider->setSliderDown(false);
    QCOMPARE(stack->count(), steps + 1);
    QVERIFY(editor.document()["targets"][1]["weight"] == json(0));
    QCOMPARE(weights->shareLabel(0)->text(), QStringLiteral("100%"));
    QCOMPARE(weights->chart()->drawn()[1].share, 0.0);
    QVERIFY(weights->chart()->drawn()[1].label.contains(QStringLiteral("never")));
    QCOMPARE(editor.model()->index(1, ConfigTreeModel::ShareColumn, root).data().toString(), QStringLiteral("0% · never"));

    stack->undo();
    QVERIFY(editor.document() == expected);
    QCOMPARE(weights->spinBox(1)->value(), 30.0);
    QCOMPARE(weights->slider(1)->value(), 30);
}

void TestConfigTreeEditor::selectingNodesNeverEdits()
{
    ConfigTreeEditor editor;
    showEditor(editor);
    editor.setVirtualKeys({QStringLiteral("openai-prod"), QStringLiteral("anthropic-prod")});
    for (const json& config : {test::complexConfig(), test::fallbackOverLoadbalance()}) {
        editor.setDocument(config);
        QSignalSpy changed(&editor, &ConfigTreeEditor::documentChanged);
        std::vector<QModelIndex> all{editor.model()->rootIndex()};
        for (std::size_t i = 0; i < all.size(); ++i) {
            for (int r = 0; r < editor.model()->rowCount(all[i]); ++r)
                all.push_back(editor.model()->index(r, 0, all[i]));
        }
        for (const QModelIndex& i : all) {
            clickRow(editor.treeView(), i);
            QCOMPARE(editor.propertiesPanel()->node(), i);
        }
        QVERIFY(editor.document() == config);
        QCOMPARE(changed.count(), 0);
        QCOMPARE(editor.undoStack()->count(), 0);
    }
    // What the panel shows for the conditional node of the complex config.
    editor.setDocument(test::complexConfig());
    clickRow(editor.treeView(), editor.model()->indexAt({1}));
    auto* conditions = field<QTableWidget>(editor, "conditions");
    QVERIFY(conditions->isVisibleTo(&editor));
    QCOMPARE(conditions->rowCount(), 2);
    QCOMPARE(qobject_cast<QComboBox*>(conditions->cellWidget(0, 1))->currentText(), QStringLiteral("big"));
    QCOMPARE(field<QComboBox>(editor, "default")->currentData().toString(), QStringLiteral("small"));
    // ... and for a leaf with camelCase requestTimeout
    clickRow(editor.treeView(), editor.model()->indexAt({1, 1}));
    QCOMPARE(field<QSpinBox>(editor, "requestTimeout")->value(), 5000);
    QCOMPARE(field<QComboBox>(editor, "provider")->currentData().toString(), QStringLiteral("groq"));
    QVERIFY(field<QGroupBox>(editor, "cache")->isChecked());
}

void TestConfigTreeEditor::dropOnViewReordersFallback()
{
    ConfigTreeEditor editor;
    QAbstractItemModelTester tester(editor.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    showEditor(editor);
    editor.setDocument(fallbackOfThree());
    ConfigTreeModel* m = editor.model();
    QTreeView* tree = editor.treeView();
    const QModelIndex root = m->rootIndex();

    // groq dropped on the upper edge of openai: first in the fallback order
    std::unique_ptr<QMimeData> data(m->mimeData({m->index(2, 0, root)}));
    const QRect openai = tree->visualRect(m->index(0, 0, root));
    QVERIFY(dropOnView(tree, data.get(), QPoint(openai.center().x(), openai.top() + 1)));
    QCOMPARE(providersOf(editor.document()["targets"]), (std::vector<std::string>{"groq", "openai", "anthropic", "?"}));

    // anthropic dropped onto the load balancer row: it becomes its last target
    data.reset(m->mimeData({m->index(2, 0, root)}));
    const QRect lb = tree->visualRect(m->index(3, 0, root));
    QVERIFY(dropOnView(tree, data.get(), lb.center()));
    const json doc = editor.document();
    QCOMPARE(providersOf(doc["targets"]), (std::vector<std::string>{"groq", "openai", "?"}));
    QCOMPARE(providersOf(doc["targets"][2]["targets"]), (std::vector<std::string>{"mock", "ollama", "anthropic"}));

    editor.undoStack()->undo();
    editor.undoStack()->undo();
    QVERIFY(editor.document() == fallbackOfThree());
}

void TestConfigTreeEditor::dropIntoOwnDescendantRefused()
{
    ConfigTreeEditor editor;
    showEditor(editor);
    editor.setDocument(fallbackOfThree());
    ConfigTreeModel* m = editor.model();
    QTreeView* tree = editor.treeView();
    const QModelIndex lb = m->indexAt({3});
    std::unique_ptr<QMimeData> data(m->mimeData({lb}));
    QVERIFY(!dropOnView(tree, data.get(), tree->visualRect(lb).center()));                    // onto itself
    const QRect child = tree->visualRect(m->index(1, 0, lb));
    QVERIFY(!dropOnView(tree, data.get(), QPoint(child.center().x(), child.top() + 1)));     // between its targets
    QVERIFY(editor.document() == fallbackOfThree());
    QCOMPARE(editor.undoStack()->count(), 0);
}

void TestConfigTreeEditor::undoRedoShortcuts()
{
    ConfigTreeEditor editor;
    showEditor(editor);
    editor.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&editor));
    editor.setDocument(fallbackOfThree());
    QTreeView* tree = editor.treeView();
    clickRow(tree, editor.model()->indexAt({1}));
    QTest::keyClicks(field<QLineEdit>(editor, "name"), QStringLiteral("backup"));
    chooseData(field<QComboBox>(editor, "provider"), QStringLiteral("mock"));
    clickRow(tree, editor.model()->indexAt({0}));
    tree->setFocus();
    QTest::keyClick(tree, Qt::Key_Delete);   // removes openai
    json edited = fallbackOfThree();
    edited["targets"][1]["name"] = "backup";
    edited["targets"][1]["provider"] = "mock";
    edited["targets"].erase(0);
    QVERIFY2(editor.document() == edited, editor.document().dump().c_str());
    QCOMPARE(editor.undoStack()->count(), 3);   // typing "backup" is one step

    tree->setFocus();
    for (int i = 0; i < 3; ++i)
        QTest::keyClick(tree, Qt::Key_Z, Qt::ControlModifier);
    QVERIFY(editor.document() == fallbackOfThree());
    for (int i = 0; i < 3; ++i)
        QTest::keyClick(tree, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY(editor.document() == edited);
    // The properties panel follows undo too.
    QTest::keyClick(tree, Qt::Key_Z, Qt::ControlModifier);
    clickRow(tree, editor.model()->indexAt({1}));
    QCOMPARE(field<QLineEdit>(editor, "name")->text(), QStringLiteral("backup"));
    QTest::keyClick(tree, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(field<QComboBox>(editor, "provider")->currentData().toString(), QStringLiteral("anthropic"));
}

void TestConfigTreeEditor::statusCodesValidated()
{
    ConfigTreeEditor editor;
    showEditor(editor);
    editor.setDocument(fallbackOfThree());
    auto* codes = field<QLineEdit>(editor, "fallbackStatusCodes");
    QVERIFY(codes->isVisibleTo(&editor));
    QTest::keyClicks(codes, QStringLiteral("429, 5x3"));
    // Written while valid ("429", "429,"); "4", "42", "429, 5x3" are not status code lists.
    QVERIFY(editor.document()["strategy"]["on_status_codes"] == json::array({429}));
    QCOMPARE(editor.undoStack()->count(), 1);
    codes->setText(QStringLiteral("429, 5x3"));
    QLabel* error = nullptr;
    for (QLabel* l : codes->parentWidget()->findChildren<QLabel*>())
        error = l;
    QVERIFY(error && error->isVisibleTo(&editor));
    QVERIFY(error->text().contains(QStringLiteral("5x3")));
    codes->setText(QStringLiteral("429 503"));
    QVERIFY(!error->isVisibleTo(&editor));
    QVERIFY(editor.document()["strategy"]["on_status_codes"] == json({429, 503}));
    codes->clear();
    QVERIFY(!editor.document()["strategy"].contains("on_status_codes"));   // empty: the default, key left out

    // retry on a target
    clickRow(editor.treeView(), editor.model()->indexAt({0}));
    field<QGroupBox>(editor, "retry")->setChecked(true);
    typeInto(field<QSpinBox>(editor, "retryAttempts"), QStringLiteral("4"));
    field<QLineEdit>(editor, "retryStatusCodes")->setText(QStringLiteral("429"));
    QVERIFY(editor.document()["targets"][0]["retry"] == json::parse(R"({"attempts": 4, "on_status_codes": [429]})"));
    QVERIFY(parseRoutingConfig(editor.document()).config);
}

void TestConfigTreeEditor::conditionsTable()
{
    ConfigTreeEditor editor;
    showEditor(editor);
    editor.setDocument(json::parse(R"({"strategy": {"mode": "conditional", "conditions": [
        {"query": {"metadata.plan": "paid"}, "then": "a", "note": "kept"}], "default": "b"},
        "targets": [{"name": "a", "provider": "openai"}, {"name": "b", "provider": "mock"}]})"));
    auto* table = field<QTableWidget>(editor, "conditions");
    table->item(0, 0)->setText(QStringLiteral("{\"metadata.plan\": {\"$ne\": \"free\"}}"));
    QVERIFY(editor.document()["strategy"]["conditions"][0]
            == json::parse(R"({"query": {"metadata.plan": {"$ne": "free"}}, "then": "a", "note": "kept"})"));
    table->item(0, 0)->setText(QStringLiteral("{not json"));
    QVERIFY(editor.document()["strategy"]["conditions"][0]["query"] == json::parse(R"({"metadata.plan": {"$ne": "free"}})"));
    qobject_cast<QComboBox*>(table->cellWidget(0, 1))->setCurrentText(QStringLiteral("b"));
    chooseData(field<QComboBox>(editor, "default"), QStringLiteral("a"));
    QVERIFY(editor.document()["strategy"]["conditions"][0]["then"] == json("b"));
    QVERIFY(editor.document()["strategy"]["default"] == json("a"));
}

void TestConfigTreeEditor::showIssuesMarksNode()
{
    json config = json::parse(R"({"strategy": {"mode": "loadbalance"}, "targets": [
        {"provider": "openai", "weight": 1}, {"provider": "anthropic", "weight": -1}]})");
    const ConfigParseResult parsed = parseRoutingConfig(config);
    QVERIFY(!parsed.config);
    QCOMPARE(parsed.errors.front().path, std::string("targets[1].weight"));

    ConfigTreeEditor editor;
    showEditor(editor);
    editor.setDocument(config);
    editor.showIssues(parsed.errors);
    ConfigTreeModel* m = editor.model();
    const QModelIndex bad = m->indexAt({1});
    QVERIFY(bad.data(Qt::ToolTipRole).toString().contains(QStringLiteral("must be >= 0")));
    QVERIFY(!bad.data(Qt::DecorationRole).value<QIcon>().isNull());
    QVERIFY(m->indexAt({0}).data(Qt::ToolTipRole).toString().indexOf(QStringLiteral("must be")) < 0);

    auto* issues = field<QLabel>(editor, "issues");
    QVERIFY(!issues->isVisibleTo(&editor));   // the top level has none
    clickRow(editor.treeView(), bad);
    QVERIFY(issues->isVisibleTo(&editor));
    QCOMPARE(issues->text(), QStringLiteral("weight: must be >= 0"));
    QVERIFY(!editor.propertiesPanel()->weightsPanel()->spinBox(1)->styleSheet().isEmpty());   // the field is marked
    QVERIFY(editor.propertiesPanel()->weightsPanel()->spinBox(0)->styleSheet().isEmpty());

    const QString file = QDir(screenshotDir()).filePath(QStringLiteral("config_tree_editor_issue.png"));
    QVERIFY(settledGrab(editor).save(file));
    qInfo("screenshot: %s", qPrintable(file));

    editor.showIssues({});
    QVERIFY(!issues->isVisibleTo(&editor));
}

// Forward headers, strict compliance, the circuit breaker and a provider's own options, through
// their widgets; each lands in the JSON the gateway parses, undo takes it back, and an invalid value
// written in JSON is marked on its field.
void TestConfigTreeEditor::advancedFields()
{
    ConfigTreeEditor editor;
    showEditor(editor);
    editor.setDocument(json::parse(R"({"provider": "azure-openai", "api_key": "sk-test"})"));
    auto* section = field<QGroupBox>(editor, "advanced");
    QVERIFY(section->isVisibleTo(&editor));
    auto* resource = field<QLineEdit>(editor, "azure_resource_name");
    auto* region = field<QLineEdit>(editor, "aws_region");
    QVERIFY(resource->isVisibleTo(&editor));   // offered for the node's provider only
    QVERIFY(!region->isVisibleTo(&editor));

    QTest::keyClicks(field<QLineEdit>(editor, "forwardHeaders"), QStringLiteral("x-user-id, x-tenant"));
    chooseData(field<QComboBox>(editor, "strictCompliance"), QStringLiteral("off"));
    QTest::keyClicks(resource, QStringLiteral("my-res"));
    QTest::keyClicks(field<QLineEdit>(editor, "azure_deployment_id"), QStringLiteral("gpt4o-prod"));
    field<QGroupBox>(editor, "circuitBreaker")->setChecked(true);
    typeInto(field<QSpinBox>(editor, "failureThreshold"), QStringLiteral("3"));
    typeInto(field<QSpinBox>(editor, "firstTokenTimeout"), QStringLiteral("2500"));

    json doc = editor.document();
    const json headers = {"x-user-id", "x-tenant"};
    QVERIFY2(doc["forward_headers"] == headers, doc.dump().c_str());
    QVERIFY(doc["strict_open_ai_compliance"] == false);
    QVERIFY(doc["azure_resource_name"] == "my-res");
    QVERIFY(doc["azure_deployment_id"] == "gpt4o-prod");
    QVERIFY(doc["first_token_timeout"] == 2500);
    const CircuitBreakerConfig defaults;
    QVERIFY2(doc["circuit_breaker"] == json({{"failure_threshold", 3}, {"window_ms", defaults.windowMs}, {"cooldown_ms", defaults.cooldownMs}}),
             doc.dump().c_str());
    const ConfigParseResult parsed = parseRoutingConfig(doc);
    QVERIFY2(parsed.config, parsed.errors.empty() ? "" : parsed.errors.front().message.c_str());

    // Undo takes the last field back, and the form follows.
    editor.undoStack()->undo();
    QVERIFY(!editor.document().contains("first_token_timeout"));
    QCOMPARE(field<QSpinBox>(editor, "firstTokenTimeout")->value(), 0);
    editor.undoStack()->undo();
    QVERIFY(editor.document()["circuit_breaker"]["failure_threshold"] == defaults.failureThreshold);
    QCOMPARE(field<QSpinBox>(editor, "failureThreshold")->value(), defaults.failureThreshold);
    field<QGroupBox>(editor, "circuitBreaker")->setChecked(false);
    QVERIFY(!editor.document().contains("circuit_breaker"));

    // A child inherits its group's provider: the options shown follow it.
    editor.setDocument(json::parse(R"({"provider": "bedrock", "strategy": {"mode": "fallback"},
        "targets": [{"aws_region": "eu-west-1", "virtual_key": "aws-prod"}, {"provider": "openai"}]})"));
    clickRow(editor.treeView(), editor.model()->indexAt({0}));
    QVERIFY(region->isVisibleTo(&editor));
    QCOMPARE(region->text(), QStringLiteral("eu-west-1"));
    QVERIFY(!resource->isVisibleTo(&editor));
    clickRow(editor.treeView(), editor.model()->indexAt({1}));
    QVERIFY(!region->isVisibleTo(&editor));

    // An invalid breaker written in JSON: the issue is marked on its field.
    const json bad = json::parse(R"({"provider": "openai", "circuit_breaker": {"failure_threshold": 0}})");
    const ConfigParseResult refused = parseRoutingConfig(bad);
    QVERIFY(!refused.config);
    editor.setDocument(bad);
    editor.showIssues(refused.errors);
    QVERIFY(!field<QSpinBox>(editor, "failureThreshold")->styleSheet().isEmpty());
    QVERIFY(field<QLineEdit>(editor, "forwardHeaders")->styleSheet().isEmpty());
    QVERIFY(editor.document() == bad);   // showing it edited nothing
    const QString file = QDir(screenshotDir()).filePath(QStringLiteral("config_tree_editor_advanced.png"));
    QVERIFY(settledGrab(*section).save(file));
    qInfo("screenshot: %s", qPrintable(file));
}

void TestConfigTreeEditor::cacheFields()
{
    ConfigTreeEditor editor;
    showEditor(editor);
    editor.setDocument(json::parse(R"({"provider": "openai", "api_key": "sk-test"})"));
    auto* section = field<QGroupBox>(editor, "cache");
    auto* threshold = field<QDoubleSpinBox>(editor, "cacheSimilarityThreshold");
    auto* key = field<QLineEdit>(editor, "cacheEmbeddingKey");
    QVERIFY(!section->isChecked());
    section->setChecked(true);
    QVERIFY(editor.document()["cache"] == json({{"mode", "simple"}}));
    QVERIFY(!threshold->isVisibleTo(&editor));   // semantic fields only in semantic mode
    chooseData(field<QComboBox>(editor, "cacheMode"), QStringLiteral("semantic"));
    QVERIFY(threshold->isVisibleTo(&editor));
    QVERIFY(key->isVisibleTo(&editor));
    typeInto(threshold, QStringLiteral("0.85"));
    chooseData(field<QComboBox>(editor, "cacheEmbedMessages"), QStringLiteral("user"));
    QTest::keyClicks(key, QStringLiteral("ollama-local"));
    QTest::keyClicks(field<QLineEdit>(editor, "cacheEmbeddingModel"), QStringLiteral("nomic-embed-text"));
    const json expected = json::parse(R"({"mode": "semantic", "similarity_threshold": 0.85, "embed_messages": "user",
        "embedding": {"virtual_key": "ollama-local", "model": "nomic-embed-text"}})");
    QVERIFY2(editor.document()["cache"] == expected, editor.document().dump().c_str());
    const ConfigParseResult parsed = parseRoutingConfig(editor.document());
    QVERIFY2(parsed.config, parsed.errors.empty() ? "" : parsed.errors.front().message.c_str());

    key->clear();
    QVERIFY(!editor.document()["cache"]["embedding"].contains("virtual_key"));
    editor.undoStack()->undo();   // the form follows undo
    QCOMPARE(key->text(), QStringLiteral("ollama-local"));
    // Emptying both target fields takes the target out: the built-in embedder again.
    field<QLineEdit>(editor, "cacheEmbeddingModel")->clear();
    key->clear();
    QVERIFY2(!editor.document()["cache"].contains("embedding"), editor.document().dump().c_str());

    // A target given by provider and api_key keeps its secret fields when the model is edited here.
    const json withSecret = json::parse(R"({"provider": "openai", "api_key": "sk-a", "cache": {"mode": "semantic",
        "embedding": {"provider": "openai", "api_key": "sk-embed", "model": "text-embedding-3-small"}}})");
    editor.setDocument(withSecret);
    QCOMPARE(key->text(), QString());
    QCOMPARE(field<QLineEdit>(editor, "cacheEmbeddingModel")->text(), QStringLiteral("text-embedding-3-small"));
    QTest::keyClick(field<QLineEdit>(editor, "cacheEmbeddingModel"), Qt::Key_Backspace);
    QVERIFY(editor.document()["cache"]["embedding"]["api_key"] == "sk-embed");
    QVERIFY(editor.document()["cache"]["embedding"]["model"] == "text-embedding-3-smal");

    // An out-of-range threshold written in JSON is marked on its field.
    const json bad = json::parse(R"({"provider": "openai", "cache": {"mode": "semantic", "similarity_threshold": 1.5}})");
    const ConfigParseResult refused = parseRoutingConfig(bad);
    QVERIFY(!refused.config);
    editor.setDocument(bad);
    editor.showIssues(refused.errors);
    QVERIFY(!threshold->styleSheet().isEmpty());
    QVERIFY(key->styleSheet().isEmpty());
    QVERIFY(editor.document() == bad);
    const QString file = QDir(screenshotDir()).filePath(QStringLiteral("config_tree_editor_cache.png"));
    editor.setDocument(expected.is_object() ? json{{"provider", "openai"}, {"cache", expected}} : json());
    QVERIFY(settledGrab(*section).save(file));
    qInfo("screenshot: %s", qPrintable(file));
}

void TestConfigTreeEditor::screenshot()
{
    ConfigTreeEditor editor;
    showEditor(editor);
    editor.setVirtualKeys({QStringLiteral("openai-prod"), QStringLiteral("anthropic-prod")});
    editor.setDocument(test::fallbackOverLoadbalance());
    QVERIFY(parseRoutingConfig(editor.document()).config);
    clickRow(editor.treeView(), editor.model()->indexAt({0}));
    QVERIFY(editor.propertiesPanel()->weightsPanel()->chart()->isVisibleTo(&editor));
    QCOMPARE(editor.propertiesPanel()->weightsPanel()->shareLabel(3)->text(), QStringLiteral("0% · never"));
    const QString file = QDir(screenshotDir()).filePath(QStringLiteral("config_tree_editor.png"));
    QVERIFY(settledGrab(editor).save(file));
    qInfo("screenshot: %s", qPrintable(file));
    clickRow(editor.treeView(), editor.model()->indexAt({0, 2}));
    const QString leaf = QDir(screenshotDir()).filePath(QStringLiteral("config_tree_editor_target.png"));
    QVERIFY(settledGrab(editor).save(leaf));
}

QTEST_MAIN(TestConfigTreeEditor)
#include "tst_config_tree_editor.moc"
