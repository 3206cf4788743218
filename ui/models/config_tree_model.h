#pragma once
// A routing config (docs/routing.md) as a tree: strategy nodes over their targets, to any depth. The
// JSON stays the truth: each node keeps its own object (every key but `targets`) untouched, so keys
// the editor has no field for (hooks, provider options, camelCase spellings, future keys) survive
// setDocument() -> document() unchanged.
//
// Every change goes through an undo command (config_editor/config_edit_commands.h) pushed on the
// stack given to setUndoStack(); without a stack edits apply directly. Drag and drop moves a target
// (or copies it with Ctrl, or from another editor) into any strategy node except itself and its own
// descendants.

#include "routing/routing_config.h"

#include <nlohmann/json.hpp>

#include <QAbstractItemModel>
#include <QStringList>

#include <functional>
#include <memory>
#include <vector>

class QUndoCommand;
class QUndoStack;

namespace gatehouse {

class SetNodeJsonCommand;
class InsertNodeCommand;
class RemoveNodeCommand;
class MoveNodeCommand;

class ConfigTreeModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { NodeColumn, ModelColumn, ShareColumn, SettingsColumn, ColumnCount };
    Q_ENUM(Column)
    enum Role { PathRole = Qt::UserRole,   // "targets[1].targets[0]"; "" for the top level
                IsGroupRole,               // has a strategy (or targets)
                ModeRole,                  // strategy.mode as written ("" for a leaf)
                IssuesRole };              // QStringList of "field: message"
    Q_ENUM(Role)

    static inline const QString kMimeType = QStringLiteral("application/x-gatehouse-config-node");

    explicit ConfigTreeModel(QObject* parent = nullptr);
    ~ConfigTreeModel() override;

    // Replaces the whole tree; clears the issues. Does not touch the undo stack.
    void setDocument(const nlohmann::json& config);
    nlohmann::json document() const;

    void setUndoStack(QUndoStack* stack) { undoStack_ = stack; }

    QModelIndex rootIndex() const;   // the top-level node of the config
    using RowPath = std::vector<int>;
    RowPath rowPath(const QModelIndex& index) const;
    QModelIndex indexAt(const RowPath& path) const;
    QString pathText(const QModelIndex& index) const;

    // A node's own keys (everything but `targets`), and the node with its targets.
    nlohmann::json nodeJson(const QModelIndex& index) const;
    nlohmann::json subtreeJson(const QModelIndex& index) const;
    bool isGroup(const QModelIndex& index) const;
    QString mode(const QModelIndex& index) const;   // strategy.mode, "" when none
    double weight(const QModelIndex& index) const;  // `weight`, 1 when absent
    QString title(const QModelIndex& index) const;  // what the Node column shows

    // Issues from parseRoutingConfig, by path ("targets[1].weight" marks targets[1]). Each stays on
    // its node (also when the node is moved) until the next call.
    void setIssues(const std::vector<ConfigIssue>& issues);
    struct NodeIssue {
        QString field;     // rest of the path below the node ("weight", "retry.attempts"), may be empty
        QString message;
    };
    std::vector<NodeIssue> issues(const QModelIndex& index) const;
    // The node an issue path points at (the deepest targets[i] that exists), and the rest of the path.
    QModelIndex indexForIssuePath(const std::string& path, QString* field = nullptr) const;

    // Edits (undoable). `field` names what is edited; consecutive edits of one field of one node
    // merge into one undo step (typing, dragging a slider).
    void editNode(const QModelIndex& index, const QString& field, const std::function<void(nlohmann::json&)>& change);
    QModelIndex insertNode(const QModelIndex& parent, int row, const nlohmann::json& node, const QString& text);
    void removeNode(const QModelIndex& index);
    // `row` counts the parent's children before the move (as a drop does). False when refused: the
    // top level, into a leaf, into itself or one of its own descendants, or no change.
    bool moveNode(const QModelIndex& index, const QModelIndex& newParent, int row);
    bool canMoveInto(const QModelIndex& index, const QModelIndex& newParent) const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

    Qt::DropActions supportedDropActions() const override { return Qt::MoveAction | Qt::CopyAction; }
    Qt::DropActions supportedDragActions() const override { return Qt::MoveAction | Qt::CopyAction; }
    QStringList mimeTypes() const override { return {kMimeType}; }
    QMimeData* mimeData(const QModelIndexList& indexes) const override;
    bool canDropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                         const QModelIndex& parent) const override;
    bool dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                      const QModelIndex& parent) override;

Q_SIGNALS:
    // After every edit, undo and redo (not after setDocument).
    void documentChanged();

private:
    friend class SetNodeJsonCommand;
    friend class InsertNodeCommand;
    friend class RemoveNodeCommand;
    friend class MoveNodeCommand;

    struct Node {
        nlohmann::json own = nlohmann::json::object();
        std::vector<std::unique_ptr<Node>> children;
        Node* parent = nullptr;
        bool hasTargetsKey = false;   // written as "targets" even when empty
        std::vector<NodeIssue> issues;
        int row() const;
    };

    static std::unique_ptr<Node> build(const nlohmann::json& j, Node* parent);
    static nlohmann::json toJson(const Node& n);
    static bool isGroupNode(const Node& n);
    Node* nodeOf(const QModelIndex& index) const;
    QModelIndex indexOf(const Node* n, int column = 0) const;
    void push(QUndoCommand* command);
    void emitRowChanged(const QModelIndex& index);
    void emitSiblingsChanged(const QModelIndex& parent);

    // Applied by the undo commands.
    void applyNodeJson(const RowPath& path, const nlohmann::json& own);
    void applyInsert(const RowPath& parentPath, int row, const nlohmann::json& node);
    nlohmann::json applyRemove(const RowPath& path);
    // Moves and returns the node's new path; *oldParent / *oldRow say where it came from (as paths
    // valid after the move).
    RowPath applyMove(const RowPath& from, const RowPath& toParent, int row, RowPath* oldParent, int* oldRow);

    Node holder_;   // invisible; its one child is the config's top level
    QUndoStack* undoStack_ = nullptr;
};

} // namespace gatehouse
