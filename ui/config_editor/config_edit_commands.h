#pragma once
// The undo steps of the routing-config editor. Each names nodes by their row path, which is valid
// whenever the stack runs the command (the tree is then exactly as it was when it ran before).

#include "models/config_tree_model.h"

#include <nlohmann/json.hpp>

#include <QUndoCommand>

namespace gatehouse {

// Replaces a node's own keys. Consecutive edits of one field of one node merge (typing, dragging).
class SetNodeJsonCommand : public QUndoCommand {
public:
    SetNodeJsonCommand(ConfigTreeModel* model, ConfigTreeModel::RowPath path, nlohmann::json before,
                       nlohmann::json after, QString field);
    void redo() override;
    void undo() override;
    int id() const override { return 0x6701; }
    bool mergeWith(const QUndoCommand* other) override;

private:
    ConfigTreeModel* model_;
    ConfigTreeModel::RowPath path_;
    nlohmann::json before_;
    nlohmann::json after_;
    QString field_;
};

class InsertNodeCommand : public QUndoCommand {
public:
    InsertNodeCommand(ConfigTreeModel* model, ConfigTreeModel::RowPath parent, int row, nlohmann::json node,
                      const QString& text);
    void redo() override;
    void undo() override;

private:
    ConfigTreeModel* model_;
    ConfigTreeModel::RowPath parent_;
    int row_;
    nlohmann::json node_;
};

class RemoveNodeCommand : public QUndoCommand {
public:
    RemoveNodeCommand(ConfigTreeModel* model, ConfigTreeModel::RowPath path, const QString& what);
    void redo() override;
    void undo() override;

private:
    ConfigTreeModel* model_;
    ConfigTreeModel::RowPath path_;
    nlohmann::json removed_;
};

class MoveNodeCommand : public QUndoCommand {
public:
    // `row`: the node's row in its new parent after the move.
    MoveNodeCommand(ConfigTreeModel* model, ConfigTreeModel::RowPath from, ConfigTreeModel::RowPath toParent,
                    int row, const QString& what);
    void redo() override;
    void undo() override;

private:
    ConfigTreeModel* model_;
    ConfigTreeModel::RowPath from_;
    ConfigTreeModel::RowPath toParent_;
    int row_;
    ConfigTreeModel::RowPath movedTo_;
    ConfigTreeModel::RowPath oldParent_;
    int oldRow_ = 0;
};

} // namespace gatehouse
