#include "config_editor/config_edit_commands.h"

namespace gatehouse {

SetNodeJsonCommand::SetNodeJsonCommand(ConfigTreeModel* model, ConfigTreeModel::RowPath path, nlohmann::json before,
                                       nlohmann::json after, QString field)
    : model_(model)
    , path_(std::move(path))
    , before_(std::move(before))
    , after_(std::move(after))
    , field_(std::move(field))
{
    setText(QStringLiteral("Edit %1").arg(field_.section(QStringLiteral(" #"), 0, 0)));
}

void SetNodeJsonCommand::redo()
{
    model_->applyNodeJson(path_, after_);
}

void SetNodeJsonCommand::undo()
{
    model_->applyNodeJson(path_, before_);
}

bool SetNodeJsonCommand::mergeWith(const QUndoCommand* other)
{
    const auto* o = static_cast<const SetNodeJsonCommand*>(other);
    if (o->path_ != path_ || o->field_ != field_)
        return false;
    after_ = o->after_;
    setObsolete(after_ == before_);   // typed back to where it started: no step at all
    return true;
}

InsertNodeCommand::InsertNodeCommand(ConfigTreeModel* model, ConfigTreeModel::RowPath parent, int row,
                                     nlohmann::json node, const QString& text)
    : model_(model)
    , parent_(std::move(parent))
    , row_(row)
    , node_(std::move(node))
{
    setText(text);
}

void InsertNodeCommand::redo()
{
    model_->applyInsert(parent_, row_, node_);
}

void InsertNodeCommand::undo()
{
    ConfigTreeModel::RowPath at = parent_;
    at.push_back(row_);
    model_->applyRemove(at);
}

RemoveNodeCommand::RemoveNodeCommand(ConfigTreeModel* model, ConfigTreeModel::RowPath path, const QString& what)
    : model_(model)
    , path_(std::move(path))
{
    setText(QStringLiteral("Remove %1").arg(what));
}

void RemoveNodeCommand::redo()
{
    removed_ = model_->applyRemove(path_);
}

void RemoveNodeCommand::undo()
{
    ConfigTreeModel::RowPath parent = path_;
    const int row = parent.back();
    parent.pop_back();
    model_->applyInsert(parent, row, removed_);
}

MoveNodeCommand::MoveNodeCommand(ConfigTreeModel* model, ConfigTreeModel::RowPath from,
                                 ConfigTreeModel::RowPath toParent, int row, const QString& what)
    : model_(model)
    , from_(std::move(from))
    , toParent_(std::move(toParent))
    , row_(row)
{
    setText(QStringLiteral("Move %1").arg(what));
}

void MoveNodeCommand::redo()
{
    movedTo_ = model_->applyMove(from_, toParent_, row_, &oldParent_, &oldRow_);
}

void MoveNodeCommand::undo()
{
    model_->applyMove(movedTo_, oldParent_, oldRow_, nullptr, nullptr);
}

} // namespace gatehouse
