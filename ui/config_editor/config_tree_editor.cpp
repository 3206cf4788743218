#include "config_editor/config_tree_editor.h"

#include "config_editor/node_properties_panel.h"
#include "models/config_tree_model.h"
#include "providers/provider_registry.h"

#include <QAction>
#include <QHeaderView>
#include <QMenu>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QToolBar>
#include <QToolButton>
#include <QTreeView>
#include <QUndoStack>
#include <QVBoxLayout>

#include <algorithm>

namespace gatehouse {

using nlohmann::json;

ConfigTreeEditor::ConfigTreeEditor(QWidget* parent)
    : QWidget(parent)
{
    undoStack_ = new QUndoStack(this);
    model_ = new ConfigTreeModel(this);
    model_->setUndoStack(undoStack_);
    connect(model_, &ConfigTreeModel::documentChanged, this, &ConfigTreeEditor::documentChanged);

    // Actions
    addTarget_ = new QAction(QStringLiteral("+ Target"), this);
    addTarget_->setToolTip(QStringLiteral("Add a provider target to the selected strategy (or after the selected target)"));
    connect(addTarget_, &QAction::triggered, this, [this] { addNode(json::object(), QStringLiteral("Add target")); });
    auto* groupMenu = new QMenu(this);
    const std::vector<std::pair<QString, QString>> modes = {{QStringLiteral("fallback"), QStringLiteral("Fallback")},
                                                            {QStringLiteral("loadbalance"), QStringLiteral("Load balance")},
                                                            {QStringLiteral("conditional"), QStringLiteral("Conditional")},
                                                            {QStringLiteral("single"), QStringLiteral("Single")}};
    for (const auto& [mode, label] : modes) {
        QAction* a = groupMenu->addAction(label);
        connect(a, &QAction::triggered, this, [this, mode = mode, label = label] {
            addNode({{"strategy", {{"mode", mode.toStdString()}}}, {"targets", json::array()}},
                    QStringLiteral("Add %1 group").arg(label.toLower()));
        });
        addGroup_.emplace_back(mode, a);
    }
    remove_ = new QAction(QStringLiteral("Remove"), this);
    remove_->setShortcut(QKeySequence::Delete);
    remove_->setShortcutContext(Qt::WidgetShortcut);
    connect(remove_, &QAction::triggered, this, [this] { model_->removeNode(tree_->currentIndex()); });

    QAction* undo = undoStack_->createUndoAction(this, QStringLiteral("Undo"));
    undo->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Z));
    undo->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    QAction* redo = undoStack_->createRedoAction(this, QStringLiteral("Redo"));
    redo->setShortcuts({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::Key_Y)});
    redo->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(undo);
    addAction(redo);

    auto* toolbar = new QToolBar(this);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    toolbar->addAction(addTarget_);
    auto* groupButton = new QToolButton(toolbar);
    groupButton->setText(QStringLiteral("+ Group"));
    groupButton->setToolTip(QStringLiteral("Add a strategy group (fallback, load balance, ...)"));
    groupButton->setMenu(groupMenu);
    groupButton->setPopupMode(QToolButton::InstantPopup);
    groupButton->setObjectName(QStringLiteral("addGroup"));
    toolbar->addWidget(groupButton);
    toolbar->addAction(remove_);
    toolbar->addSeparator();
    toolbar->addAction(undo);
    toolbar->addAction(redo);

    // Tree
    tree_ = new QTreeView(this);
    tree_->setModel(model_);
    tree_->setObjectName(QStringLiteral("configTree"));
    tree_->setSelectionMode(QAbstractItemView::SingleSelection);
    tree_->setSelectionBehavior(QAbstractItemView::SelectRows);
    tree_->setDragEnabled(true);
    tree_->setAcceptDrops(true);
    tree_->setDropIndicatorShown(true);
    // DragDrop rather than InternalMove: targets can also be copied (Ctrl) or dragged between editors.
    tree_->setDragDropMode(QAbstractItemView::DragDrop);
    tree_->setDefaultDropAction(Qt::MoveAction);
    tree_->setAlternatingRowColors(true);
    tree_->setUniformRowHeights(true);
    tree_->setAllColumnsShowFocus(true);
    tree_->setExpandsOnDoubleClick(true);
    tree_->addAction(remove_);
    QHeaderView* header = tree_->header();
    // Target, model and share must stay readable; the settings summary (retry, cache, timeout: long,
    // and repeated in the form) takes what is left and is the one elided in a narrow pane.
    header->setStretchLastSection(false);
    header->setSectionResizeMode(ConfigTreeModel::NodeColumn, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(ConfigTreeModel::ModelColumn, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(ConfigTreeModel::ShareColumn, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(ConfigTreeModel::SettingsColumn, QHeaderView::Stretch);

    // Properties
    properties_ = new NodePropertiesPanel(model_, this);
    std::vector<std::pair<QString, QString>> providers;
    const auto registry = ProviderRegistry::builtIn();   // held: all() refers into it
    for (const auto& p : registry->all())
        providers.emplace_back(p->id(), p->info().name);
    std::sort(providers.begin(), providers.end());
    properties_->setProviders(providers);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(properties_);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // Never narrower than the form itself: it scrolls only vertically, so it must not be clipped.
    scroll->setMinimumWidth(std::max(380, properties_->minimumSizeHint().width() + scroll->verticalScrollBar()->sizeHint().width() + 4));

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(tree_);
    splitter->addWidget(scroll);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    splitter->setChildrenCollapsible(false);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(toolbar);
    layout->addWidget(splitter, 1);

    connect(tree_->selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex& current) {
        properties_->setNode(current);
        updateActions();
    });
    const auto structural = [this] { updateActions(); };
    connect(model_, &QAbstractItemModel::rowsInserted, this, structural);
    connect(model_, &QAbstractItemModel::rowsRemoved, this, structural);
    connect(model_, &QAbstractItemModel::rowsMoved, this, structural);
    connect(model_, &QAbstractItemModel::dataChanged, this, structural);
    // After an undo removes the selected node, show where it was.
    connect(model_, &QAbstractItemModel::rowsRemoved, this, [this](const QModelIndex& parent) {
        if (!tree_->currentIndex().isValid())
            select(parent.isValid() ? parent : model_->rootIndex());
    });

    setDocument(json::object());
}

QAction* ConfigTreeEditor::addGroupAction(const QString& mode) const
{
    for (const auto& [m, a] : addGroup_) {
        if (m == mode)
            return a;
    }
    return nullptr;
}

void ConfigTreeEditor::setDocument(const json& config)
{
    model_->setDocument(config);
    undoStack_->clear();
    tree_->expandAll();
    select(model_->rootIndex());
}

json ConfigTreeEditor::document() const
{
    return model_->document();
}

void ConfigTreeEditor::showIssues(const std::vector<ConfigIssue>& issues)
{
    model_->setIssues(issues);   // dataChanged on every node whose marks changed: the form follows
}

void ConfigTreeEditor::setVirtualKeys(const QStringList& slugs)
{
    properties_->setVirtualKeys(slugs);
}

void ConfigTreeEditor::select(const QModelIndex& index)
{
    if (!index.isValid())
        return;
    tree_->setCurrentIndex(index);
    tree_->scrollTo(index);
    properties_->setNode(index);
    updateActions();
}

// Into the selected strategy node (at the end), or after the selected target.
void ConfigTreeEditor::addNode(const json& node, const QString& text)
{
    QModelIndex current = tree_->currentIndex().siblingAtColumn(0);
    if (!current.isValid())
        current = model_->rootIndex();
    QModelIndex parent = current;
    int row = -1;
    if (!model_->isGroup(current)) {
        parent = current.parent();
        row = current.row() + 1;
    }
    if (!parent.isValid() || !model_->isGroup(parent))
        return;
    const QModelIndex added = model_->insertNode(parent, row, node, text);
    tree_->expand(parent);
    select(added);
}

void ConfigTreeEditor::updateActions()
{
    const QModelIndex current = tree_->currentIndex().siblingAtColumn(0);
    const bool intoGroup = current.isValid()
                           && (model_->isGroup(current) || (current.parent().isValid() && model_->isGroup(current.parent())));
    addTarget_->setEnabled(intoGroup);
    for (const auto& [mode, a] : addGroup_)
        a->setEnabled(intoGroup);
    remove_->setEnabled(current.isValid() && current.parent().isValid());
    if (!intoGroup)
        addTarget_->setToolTip(QStringLiteral("Choose a strategy for the top level first (Routing → Strategy)"));
    else
        addTarget_->setToolTip(QStringLiteral("Add a provider target to the selected strategy (or after the selected target)"));
}

} // namespace gatehouse
