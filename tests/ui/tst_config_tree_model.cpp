// ConfigTreeModel: the tree over a routing config keeps the JSON exactly (round-trip), moves
// targets by drag and drop (and refuses a node into its own subtree), undoes every edit, and puts
// parseRoutingConfig's issues on the right node. QAbstractItemModelTester watches every change.

#include "config_samples.h"

#include "models/config_tree_model.h"
#include "routing/routing_config.h"

#include <QAbstractItemModelTester>
#include <QMimeData>
#include <QSignalSpy>
#include <QTest>
#include <QUndoStack>

#include <memory>

using namespace gatehouse;
using nlohmann::json;

namespace {

json parse(const char* text)
{
    return json::parse(text);
}

std::unique_ptr<QMimeData> dragOf(const ConfigTreeModel& m, const QModelIndex& i)
{
    return std::unique_ptr<QMimeData>(m.mimeData({i}));
}

std::vector<std::string> providersOf(const json& targets)
{
    std::vector<std::string> out;
    for (const json& t : targets)
        out.push_back(t.value("provider", std::string("?")));
    return out;
}

json threeFallback()
{
    return parse(R"({"strategy": {"mode": "fallback"}, "targets": [
        {"provider": "openai"}, {"provider": "anthropic"}, {"provider": "groq"},
        {"strategy": {"mode": "loadbalance"}, "targets": [{"provider": "mock", "weight": 2}]}]})");
}

} // namespace

class TestConfigTreeModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roundTripKeepsEveryKey();
    void roundTripOddShapes();
    void treeShape();
    void dropReordersFallback();
    void dropIntoAnotherGroup();
    void refusesDropIntoOwnSubtree();
    void copyDropFromAnotherModel();
    void undoRedoRestoresJson();
    void editsOfOneFieldMerge();
    void issuesMarkTheirNode();
};

void TestConfigTreeModel::roundTripKeepsEveryKey()
{
    const json config = test::complexConfig();
    QVERIFY2(parseRoutingConfig(config).config, "the sample must be a valid config");
    ConfigTreeModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.setDocument(config);
    QVERIFY(m.document() == config);
    QVERIFY(m.subtreeJson(m.rootIndex()) == config);
    QVERIFY(m.subtreeJson(m.indexAt({1})) == config["targets"][1]);
}

void TestConfigTreeModel::roundTripOddShapes()
{
    // Invalid configs are shown as far as they go and still come back unchanged.
    for (const char* text : {R"({})", R"({"retry": {"attempts": 3}})", R"({"strategy": {"mode": "fallback"}, "targets": []})",
                             R"({"strategy": {"mode": "fallback"}, "targets": [1, "x"]})",
                             R"({"targets": [{"provider": "openai", "unknown_key": {"a": [1, 2]}}]})",
                             R"({"strategy": {"mode": "loadbalence"}, "targets": [{"targets": [{}]}]})"}) {
        ConfigTreeModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const json j = parse(text);
        m.setDocument(j);
        QVERIFY2(m.document() == j, text);
    }
}

void TestConfigTreeModel::treeShape()
{
    ConfigTreeModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.setDocument(test::complexConfig());
    QCOMPARE(m.rowCount(), 1);
    const QModelIndex root = m.rootIndex();
    QCOMPARE(m.rowCount(root), 3);
    QCOMPARE(m.mode(root), QStringLiteral("fallback"));
    const QModelIndex pool = m.index(0, 0, root);
    QCOMPARE(m.mode(pool), QStringLiteral("loadbalance"));
    QCOMPARE(m.rowCount(pool), 2);
    QCOMPARE(m.pathText(m.index(1, 0, pool)), QStringLiteral("targets[0].targets[1]"));
    QCOMPARE(m.index(0, ConfigTreeModel::ModelColumn, pool).data().toString(), QStringLiteral("gpt-4o"));
    // camelCase overrideParams is read too
    QCOMPARE(m.index(1, ConfigTreeModel::ModelColumn, pool).data().toString(), QStringLiteral("claude-3-5-sonnet"));
    QCOMPARE(m.index(0, ConfigTreeModel::ShareColumn, pool).data().toString(), QStringLiteral("70%"));
    QCOMPARE(m.index(1, ConfigTreeModel::ShareColumn, pool).data().toString(), QStringLiteral("30%"));
    QCOMPARE(m.index(1, ConfigTreeModel::ShareColumn, root).data().toString(), QStringLiteral("try 2"));
    const QModelIndex cond = m.index(1, 0, root);
    QCOMPARE(m.index(0, ConfigTreeModel::ShareColumn, cond).data().toString(), QStringLiteral("condition 1"));
    QCOMPARE(m.index(1, ConfigTreeModel::ShareColumn, cond).data().toString(), QStringLiteral("default"));
    QVERIFY(m.flags(root) & Qt::ItemIsDropEnabled);
    QVERIFY(!(m.flags(root) & Qt::ItemIsDragEnabled));   // the top level stays where it is
    QVERIFY(!(m.flags(m.index(2, 0, root)) & Qt::ItemIsDropEnabled));
}

void TestConfigTreeModel::dropReordersFallback()
{
    ConfigTreeModel m;
    QUndoStack stack;
    m.setUndoStack(&stack);
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.setDocument(threeFallback());
    const QModelIndex root = m.rootIndex();

    // groq (row 2) dropped before openai (row 0)
    auto data = dragOf(m, m.index(2, ConfigTreeModel::ModelColumn, root));
    QVERIFY(m.canDropMimeData(data.get(), Qt::MoveAction, 0, 0, root));
    QVERIFY(m.dropMimeData(data.get(), Qt::MoveAction, 0, 0, root));
    QCOMPARE(providersOf(m.document()["targets"]), (std::vector<std::string>{"groq", "openai", "anthropic", "?"}));

    // openai (now row 1) dropped below anthropic (row 2): the drop row counts the node itself
    data = dragOf(m, m.index(1, 0, root));
    QVERIFY(m.dropMimeData(data.get(), Qt::MoveAction, 3, 0, root));
    QCOMPARE(providersOf(m.document()["targets"]), (std::vector<std::string>{"groq", "anthropic", "openai", "?"}));

    // Dropping right where it is changes nothing.
    data = dragOf(m, m.index(1, 0, root));
    QVERIFY(!m.dropMimeData(data.get(), Qt::MoveAction, 2, 0, root));
    QCOMPARE(stack.count(), 2);

    stack.undo();
    stack.undo();
    QVERIFY(m.document() == threeFallback());
    stack.redo();
    stack.redo();
    QCOMPARE(providersOf(m.document()["targets"]), (std::vector<std::string>{"groq", "anthropic", "openai", "?"}));
}

void TestConfigTreeModel::dropIntoAnotherGroup()
{
    ConfigTreeModel m;
    QUndoStack stack;
    m.setUndoStack(&stack);
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.setDocument(threeFallback());
    const QModelIndex root = m.rootIndex();
    const QModelIndex lb = m.index(3, 0, root);

    // anthropic dropped onto the load balancer (row -1: appended)
    auto data = dragOf(m, m.index(1, 0, root));
    QVERIFY(m.dropMimeData(data.get(), Qt::MoveAction, -1, 0, lb));
    const json doc = m.document();
    QCOMPARE(providersOf(doc["targets"]), (std::vector<std::string>{"openai", "groq", "?"}));
    QCOMPARE(providersOf(doc["targets"][2]["targets"]), (std::vector<std::string>{"mock", "anthropic"}));
    // dropping onto a leaf is refused
    data = dragOf(m, m.index(0, 0, root));
    QVERIFY(!m.canDropMimeData(data.get(), Qt::MoveAction, -1, 0, m.index(1, 0, root)));

    stack.undo();
    QVERIFY(m.document() == threeFallback());
}

void TestConfigTreeModel::refusesDropIntoOwnSubtree()
{
    const json config = parse(R"({"strategy": {"mode": "fallback"}, "targets": [
        {"strategy": {"mode": "loadbalance"}, "targets": [
            {"strategy": {"mode": "fallback"}, "targets": [{"provider": "openai"}]}, {"provider": "groq"}]},
        {"provider": "anthropic"}]})");
    ConfigTreeModel m;
    QUndoStack stack;
    m.setUndoStack(&stack);
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.setDocument(config);
    const QModelIndex lb = m.indexAt({0});
    const QModelIndex inner = m.indexAt({0, 0});

    auto data = dragOf(m, lb);
    QVERIFY(!m.canDropMimeData(data.get(), Qt::MoveAction, 0, 0, lb));      // into itself
    QVERIFY(!m.canDropMimeData(data.get(), Qt::MoveAction, 0, 0, inner));   // into its child
    QVERIFY(!m.dropMimeData(data.get(), Qt::MoveAction, -1, 0, inner));
    QVERIFY(!m.moveNode(lb, inner, 0));
    QVERIFY(!m.moveNode(m.rootIndex(), lb, 0));                               // the top level never moves
    QVERIFY(m.document() == config);
    QCOMPARE(stack.count(), 0);
    // ... but a copy into its own subtree is just new JSON, so Ctrl-drag is allowed.
    QVERIFY(m.canDropMimeData(data.get(), Qt::CopyAction, -1, 0, inner));
    // and the inner fallback may move up to the top level
    QVERIFY(m.moveNode(inner, m.rootIndex(), 0));
    QVERIFY(m.document()["targets"][0] == config["targets"][0]["targets"][0]);
}

void TestConfigTreeModel::copyDropFromAnotherModel()
{
    ConfigTreeModel source, target;
    source.setDocument(threeFallback());
    target.setDocument(parse(R"({"strategy": {"mode": "loadbalance"}, "targets": [{"provider": "mock"}]})"));
    QAbstractItemModelTester tester(&target, QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto data = dragOf(source, source.indexAt({3}));
    QVERIFY(target.dropMimeData(data.get(), Qt::MoveAction, 0, 0, target.rootIndex()));
    QVERIFY(target.document()["targets"][0] == threeFallback()["targets"][3]);
    QVERIFY(source.document() == threeFallback());   // the other editor keeps its node
    // Something that is not a config node is refused.
    QMimeData text;
    text.setText(QStringLiteral("{}"));
    QVERIFY(!target.canDropMimeData(&text, Qt::CopyAction, 0, 0, target.rootIndex()));
}

void TestConfigTreeModel::undoRedoRestoresJson()
{
    ConfigTreeModel m;
    QUndoStack stack;
    m.setUndoStack(&stack);
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const json start = test::complexConfig();
    m.setDocument(start);
    QSignalSpy changed(&m, &ConfigTreeModel::documentChanged);

    std::vector<json> states{m.document()};
    m.editNode(m.indexAt({0, 1}), QStringLiteral("weight"), [](json& o) { o["weight"] = 5; });
    states.push_back(m.document());
    m.insertNode(m.indexAt({1}), 1, {{"name", "mid"}, {"provider", "mock"}}, QStringLiteral("Add"));
    states.push_back(m.document());
    m.removeNode(m.indexAt({2}));
    states.push_back(m.document());
    QVERIFY(m.moveNode(m.indexAt({0, 0}), m.indexAt({1}), 0));
    states.push_back(m.document());
    m.editNode(m.rootIndex(), QStringLiteral("strategy.mode"), [](json& o) { o["strategy"]["mode"] = "loadbalance"; });
    states.push_back(m.document());
    QCOMPARE(stack.count(), 5);
    QCOMPARE(changed.count(), 5);
    QVERIFY(m.document()["targets"][1]["targets"][0]["provider"] == json("openai"));
    QCOMPARE(m.document()["targets"].size(), std::size_t(2));

    for (int i = int(states.size()) - 2; i >= 0; --i) {
        stack.undo();
        QVERIFY2(m.document() == states[std::size_t(i)], qPrintable(QStringLiteral("after undo to state %1").arg(i)));
    }
    QVERIFY(m.document() == start);
    for (std::size_t i = 1; i < states.size(); ++i) {
        stack.redo();
        QVERIFY2(m.document() == states[i], qPrintable(QStringLiteral("after redo to state %1").arg(i)));
    }
}

void TestConfigTreeModel::editsOfOneFieldMerge()
{
    ConfigTreeModel m;
    QUndoStack stack;
    m.setUndoStack(&stack);
    m.setDocument(threeFallback());
    const QModelIndex lbChild = m.indexAt({3, 0});
    for (int w : {3, 4, 5, 6})
        m.editNode(lbChild, QStringLiteral("weight"), [w](json& o) { o["weight"] = w; });
    QCOMPARE(stack.count(), 1);   // one drag of a slider, one step
    m.editNode(lbChild, QStringLiteral("name"), [](json& o) { o["name"] = "x"; });
    QCOMPARE(stack.count(), 2);
    stack.undo();
    stack.undo();
    QVERIFY(m.document() == threeFallback());
    // Typing back to where it started leaves no step.
    stack.clear();
    m.editNode(lbChild, QStringLiteral("weight"), [](json& o) { o["weight"] = 9; });
    m.editNode(lbChild, QStringLiteral("weight"), [](json& o) { o["weight"] = 2; });
    QCOMPARE(stack.count(), 0);
    QVERIFY(m.document() == threeFallback());
}

void TestConfigTreeModel::issuesMarkTheirNode()
{
    json config = test::complexConfig();
    config["targets"][0]["targets"][1]["weight"] = -1;
    config["targets"][1]["weight"] = -2;
    config["targets"][2]["retry"] = {{"attempts", 50}};
    const ConfigParseResult parsed = parseRoutingConfig(config);
    QVERIFY(!parsed.config);

    ConfigTreeModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.setDocument(config);
    m.setIssues(parsed.errors);

    const QModelIndex second = m.indexAt({1});
    const QStringList issues = second.data(ConfigTreeModel::IssuesRole).toStringList();
    QVERIFY2(issues.contains(QStringLiteral("weight: must be >= 0")), qPrintable(issues.join(QLatin1Char('|'))));
    QVERIFY(second.data(Qt::ToolTipRole).toString().contains(QStringLiteral("must be >= 0")));
    QCOMPARE(m.issues(m.indexAt({0, 1})).front().field, QStringLiteral("weight"));
    QCOMPARE(m.issues(m.indexAt({2})).front().field, QStringLiteral("retry.attempts"));
    QVERIFY(m.issues(m.indexAt({0})).empty());
    QVERIFY(m.issues(m.indexAt({0, 0})).empty());

    // The mark follows its node when the node moves, and goes with the next call.
    QVERIFY(m.moveNode(second, m.rootIndex(), 0));
    QVERIFY(!m.issues(m.indexAt({0})).empty());
    m.setIssues({});
    QVERIFY(m.issues(m.indexAt({0})).empty());

    QString field;
    QCOMPARE(m.indexForIssuePath("targets[9].weight", &field), m.rootIndex());   // no such target: the top level
    QCOMPARE(field, QStringLiteral("targets[9].weight"));
}

QTEST_MAIN(TestConfigTreeModel)
#include "tst_config_tree_model.moc"
