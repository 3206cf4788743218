#pragma once
// The visual editor of one routing config (docs/routing.md): the config as a tree of strategies and
// targets on the left, the selected node's properties on the right. Self-contained: the Configs
// page embeds it as its "Visual" tab, gives it the document and the validation issues, and reads
// the document back on documentChanged().
//
// Edits are undoable (undoStack(); Ctrl+Z, Ctrl+Shift+Z while the editor has focus). Keys the editor
// has no field for are kept as they are: setDocument(x) then document() gives x.

#include "routing/routing_config.h"

#include <nlohmann/json.hpp>

#include <QStringList>
#include <QWidget>

#include <vector>

class QAction;
class QTreeView;
class QUndoStack;

namespace gatehouse {

class ConfigTreeModel;
class NodePropertiesPanel;

class ConfigTreeEditor : public QWidget {
    Q_OBJECT
public:
    explicit ConfigTreeEditor(QWidget* parent = nullptr);

    // Shows `config` (any JSON object; an invalid config is shown as far as it goes), clears the
    // undo history and the issues. Does not emit documentChanged().
    void setDocument(const nlohmann::json& config);
    nlohmann::json document() const;

    // Issues as parseRoutingConfig reports them; each marks its node (icon, tooltip, and the message in
    // the properties panel) until the next call.
    void showIssues(const std::vector<gatehouse::ConfigIssue>& issues);

    QUndoStack* undoStack() const { return undoStack_; }

    // Slugs of the vault's virtual keys, offered for a target's virtual_key.
    void setVirtualKeys(const QStringList& slugs);

    ConfigTreeModel* model() const { return model_; }
    QTreeView* treeView() const { return tree_; }
    NodePropertiesPanel* propertiesPanel() const { return properties_; }
    QAction* addTargetAction() const { return addTarget_; }
    QAction* addGroupAction(const QString& mode) const;   // "loadbalance", "fallback", ...
    QAction* removeAction() const { return remove_; }

Q_SIGNALS:
    // After every edit, undo and redo.
    void documentChanged();

private:
    void addNode(const nlohmann::json& node, const QString& text);
    void updateActions();
    void select(const QModelIndex& index);

    ConfigTreeModel* model_ = nullptr;
    QUndoStack* undoStack_ = nullptr;
    QTreeView* tree_ = nullptr;
    NodePropertiesPanel* properties_ = nullptr;
    QAction* addTarget_ = nullptr;
    std::vector<std::pair<QString, QAction*>> addGroup_;
    QAction* remove_ = nullptr;
};

} // namespace gatehouse
