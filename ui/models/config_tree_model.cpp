#include "models/config_tree_model.h"

#include "config_editor/config_edit_commands.h"
#include "config_editor/config_key_spelling.h"

#include <QColor>
#include <QFont>
#include <QHash>
#include <QIcon>
#include <QMimeData>
#include <QPainter>
#include <QPixmap>
#include <QUndoStack>

#include <algorithm>
#include <cmath>

namespace gatehouse {

using nlohmann::json;

namespace {

QString str(const json* v)
{
    return v && v->is_string() ? QString::fromStdString(v->get<std::string>()) : QString();
}

QString modeName(const QString& mode)
{
    if (mode == QLatin1String("single"))
        return QStringLiteral("Single");
    if (mode == QLatin1String("loadbalance"))
        return QStringLiteral("Load balance");
    if (mode == QLatin1String("fallback"))
        return QStringLiteral("Fallback");
    if (mode == QLatin1String("conditional"))
        return QStringLiteral("Conditional");
    return QStringLiteral("Group");
}

// Small badges drawn here rather than taken from the style, so every platform theme shows the same.
QIcon badge(const QString& key)
{
    static QHash<QString, QIcon> cache;
    if (const auto it = cache.constFind(key); it != cache.constEnd())
        return *it;
    struct Look {
        QColor color;
        QString letter;
        bool round;
    };
    Look look{QColor(0x59, 0xa1, 0x4f), QString(), true};   // provider leaf
    if (key == QLatin1String("fallback"))
        look = {QColor(0xf2, 0x8e, 0x2b), QStringLiteral("F"), false};
    else if (key == QLatin1String("loadbalance"))
        look = {QColor(0x4e, 0x79, 0xa7), QStringLiteral("L"), false};
    else if (key == QLatin1String("conditional"))
        look = {QColor(0xb0, 0x7a, 0xa1), QStringLiteral("C"), false};
    else if (key == QLatin1String("single"))
        look = {QColor(0x76, 0xb7, 0xb2), QStringLiteral("S"), false};
    else if (key == QLatin1String("group"))
        look = {QColor(0x9a, 0x9a, 0x9a), QStringLiteral("?"), false};
    else if (key == QLatin1String("vkey"))
        look = {QColor(0xc9, 0xa2, 0x27), QStringLiteral("K"), true};
    else if (key == QLatin1String("error"))
        look = {QColor(0xd6, 0x27, 0x28), QStringLiteral("!"), true};
    QPixmap pm(32, 32);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    p.setBrush(look.color);
    const QRectF r(3, 3, 26, 26);
    if (look.round)
        p.drawEllipse(r);
    else
        p.drawRoundedRect(r, 6, 6);
    if (!look.letter.isEmpty()) {
        QFont f = p.font();
        f.setBold(true);
        f.setPixelSize(18);
        p.setFont(f);
        p.setPen(Qt::white);
        p.drawText(r, Qt::AlignCenter, look.letter);
    }
    p.end();
    return *cache.insert(key, QIcon(pm));
}

QString percentText(double share)
{
    const double pct = share * 100;
    if (pct == 0)
        return QStringLiteral("0% · never");
    const bool whole = std::fabs(pct - std::round(pct)) < 0.05;
    return QStringLiteral("%1%").arg(pct, 0, 'f', whole ? 0 : 1);
}

QString msText(long long ms)
{
    if (ms % 1000 == 0)
        return QStringLiteral("%1 s").arg(ms / 1000);
    return QStringLiteral("%1 ms").arg(ms);
}

} // namespace

int ConfigTreeModel::Node::row() const
{
    if (!parent)
        return 0;
    for (std::size_t i = 0; i < parent->children.size(); ++i) {
        if (parent->children[i].get() == this)
            return int(i);
    }
    return 0;
}

ConfigTreeModel::ConfigTreeModel(QObject* parent)
    : QAbstractItemModel(parent)
{
    holder_.children.push_back(build(json::object(), &holder_));
}

ConfigTreeModel::~ConfigTreeModel() = default;

std::unique_ptr<ConfigTreeModel::Node> ConfigTreeModel::build(const json& j, Node* parent)
{
    auto n = std::make_unique<Node>();
    n->parent = parent;
    n->own = j.is_object() ? j : json::object();
    const auto t = n->own.find("targets");
    // Only an array of objects becomes children; anything else stays a plain key (and an error the
    // validator reports), so it still round-trips.
    if (t != n->own.end() && t->is_array()
        && std::all_of(t->begin(), t->end(), [](const json& e) { return e.is_object(); })) {
        for (const json& child : *t)
            n->children.push_back(build(child, n.get()));
        n->hasTargetsKey = true;
        n->own.erase(t);
    }
    return n;
}

json ConfigTreeModel::toJson(const Node& n)
{
    json j = n.own;
    if (n.hasTargetsKey || !n.children.empty()) {
        json targets = json::array();
        for (const auto& c : n.children)
            targets.push_back(toJson(*c));
        j["targets"] = std::move(targets);
    }
    return j;
}

bool ConfigTreeModel::isGroupNode(const Node& n)
{
    return n.own.contains("strategy") || n.hasTargetsKey || !n.children.empty();
}

void ConfigTreeModel::setDocument(const json& config)
{
    beginResetModel();
    holder_.children.clear();
    holder_.children.push_back(build(config, &holder_));
    endResetModel();
}

json ConfigTreeModel::document() const
{
    return toJson(*holder_.children.front());
}

ConfigTreeModel::Node* ConfigTreeModel::nodeOf(const QModelIndex& index) const
{
    return index.isValid() ? static_cast<Node*>(index.internalPointer()) : nullptr;
}

QModelIndex ConfigTreeModel::indexOf(const Node* n, int column) const
{
    if (!n || n == &holder_)
        return {};
    return createIndex(n->row(), column, const_cast<Node*>(n));
}

QModelIndex ConfigTreeModel::rootIndex() const
{
    return index(0, 0);
}

ConfigTreeModel::RowPath ConfigTreeModel::rowPath(const QModelIndex& index) const
{
    RowPath path;
    for (const Node* n = nodeOf(index); n && n->parent && n->parent != &holder_; n = n->parent)
        path.insert(path.begin(), n->row());
    return path;
}

QModelIndex ConfigTreeModel::indexAt(const RowPath& path) const
{
    QModelIndex i = rootIndex();
    for (int r : path)
        i = index(r, 0, i);
    return i;
}

QString ConfigTreeModel::pathText(const QModelIndex& index) const
{
    QString text;
    for (int r : rowPath(index))
        text += (text.isEmpty() ? QString() : QStringLiteral(".")) + QStringLiteral("targets[%1]").arg(r);
    return text;
}

json ConfigTreeModel::nodeJson(const QModelIndex& index) const
{
    const Node* n = nodeOf(index);
    return n ? n->own : json::object();
}

json ConfigTreeModel::subtreeJson(const QModelIndex& index) const
{
    const Node* n = nodeOf(index);
    return n ? toJson(*n) : json::object();
}

bool ConfigTreeModel::isGroup(const QModelIndex& index) const
{
    const Node* n = nodeOf(index);
    return n && isGroupNode(*n);
}

QString ConfigTreeModel::mode(const QModelIndex& index) const
{
    const Node* n = nodeOf(index);
    if (!n)
        return {};
    const json* s = findKey(n->own, "strategy");
    return s && s->is_object() ? str(findKey(*s, "mode")) : QString();
}

double ConfigTreeModel::weight(const QModelIndex& index) const
{
    const Node* n = nodeOf(index);
    const json* w = n ? findKey(n->own, "weight") : nullptr;
    return w && w->is_number() ? w->get<double>() : 1.0;
}

QString ConfigTreeModel::title(const QModelIndex& index) const
{
    const Node* n = nodeOf(index);
    if (!n)
        return {};
    const QString name = str(findKey(n->own, "name"));
    QString what;
    if (isGroupNode(*n)) {
        what = modeName(mode(index));
    } else if (const QString p = str(findKey(n->own, "provider")); !p.isEmpty()) {
        what = p;
    } else if (const QString vk = str(findKey(n->own, "virtual_key")); !vk.isEmpty()) {
        what = QStringLiteral("key: %1").arg(vk);
    } else {
        what = n->parent == &holder_ ? QStringLiteral("Settings (provider from the request)")
                                     : QStringLiteral("(no provider)");
    }
    return name.isEmpty() ? what : QStringLiteral("%1  —  %2").arg(what, name);
}

void ConfigTreeModel::setIssues(const std::vector<ConfigIssue>& issues)
{
    std::vector<Node*> touched;
    std::function<void(Node&)> clear = [&](Node& n) {
        if (!n.issues.empty()) {
            n.issues.clear();
            touched.push_back(&n);
        }
        for (auto& c : n.children)
            clear(*c);
    };
    clear(*holder_.children.front());
    for (const ConfigIssue& issue : issues) {
        QString field;
        Node* n = nodeOf(indexForIssuePath(issue.path, &field));
        if (!n)
            continue;
        n->issues.push_back({field, QString::fromStdString(issue.message)});
        touched.push_back(n);
    }
    for (Node* n : touched)
        emitRowChanged(indexOf(n));
}

std::vector<ConfigTreeModel::NodeIssue> ConfigTreeModel::issues(const QModelIndex& index) const
{
    const Node* n = nodeOf(index);
    return n ? n->issues : std::vector<NodeIssue>{};
}

QModelIndex ConfigTreeModel::indexForIssuePath(const std::string& path, QString* field) const
{
    QModelIndex at = rootIndex();
    std::string_view rest = path;
    while (rest.substr(0, 8) == "targets[") {
        const auto close = rest.find(']');
        if (close == std::string_view::npos)
            break;
        int row = -1;
        try {
            row = std::stoi(std::string(rest.substr(8, close - 8)));
        } catch (...) {
            break;
        }
        const QModelIndex child = row >= 0 ? index(row, 0, at) : QModelIndex();
        if (!child.isValid())
            break;
        at = child;
        rest = rest.substr(close + 1);
        if (!rest.empty() && rest.front() == '.')
            rest = rest.substr(1);
    }
    if (field)
        *field = QString::fromUtf8(rest.data(), qsizetype(rest.size()));
    return at;
}

// --- edits ---------------------------------------------------------------------------------

void ConfigTreeModel::push(QUndoCommand* command)
{
    if (undoStack_) {
        undoStack_->push(command);
    } else {
        command->redo();
        delete command;
    }
}

void ConfigTreeModel::editNode(const QModelIndex& index, const QString& field,
                               const std::function<void(json&)>& change)
{
    const Node* n = nodeOf(index);
    if (!n)
        return;
    json after = n->own;
    change(after);
    if (after == n->own)
        return;
    push(new SetNodeJsonCommand(this, rowPath(index), n->own, after, field));
}

QModelIndex ConfigTreeModel::insertNode(const QModelIndex& parent, int row, const json& node, const QString& text)
{
    const Node* p = nodeOf(parent);
    if (!p || !node.is_object())
        return {};
    row = std::clamp(row < 0 ? int(p->children.size()) : row, 0, int(p->children.size()));
    RowPath parentPath = rowPath(parent);
    push(new InsertNodeCommand(this, parentPath, row, node, text));
    parentPath.push_back(row);
    return indexAt(parentPath);
}

void ConfigTreeModel::removeNode(const QModelIndex& index)
{
    const Node* n = nodeOf(index);
    if (!n || n->parent == &holder_)
        return;   // the top level cannot go
    push(new RemoveNodeCommand(this, rowPath(index), title(index)));
}

bool ConfigTreeModel::canMoveInto(const QModelIndex& index, const QModelIndex& newParent) const
{
    const Node* n = nodeOf(index);
    const Node* p = nodeOf(newParent);
    if (!n || !p || n->parent == &holder_ || !isGroupNode(*p))
        return false;
    for (const Node* a = p; a; a = a->parent) {
        if (a == n)
            return false;   // into itself or its own subtree
    }
    return true;
}

bool ConfigTreeModel::moveNode(const QModelIndex& index, const QModelIndex& newParent, int row)
{
    if (!canMoveInto(index, newParent))
        return false;
    const Node* n = nodeOf(index);
    const Node* p = nodeOf(newParent);
    row = std::clamp(row < 0 ? int(p->children.size()) : row, 0, int(p->children.size()));
    int finalRow = row;
    if (n->parent == p) {
        if (row == n->row() || row == n->row() + 1)
            return false;
        if (row > n->row())
            --finalRow;
    }
    push(new MoveNodeCommand(this, rowPath(index), rowPath(newParent), finalRow, title(index)));
    return true;
}

void ConfigTreeModel::emitRowChanged(const QModelIndex& index)
{
    if (index.isValid())
        Q_EMIT dataChanged(index.siblingAtColumn(0), index.siblingAtColumn(ColumnCount - 1));
}

// Shares, fallback order and the conditional default are shown on the children.
void ConfigTreeModel::emitSiblingsChanged(const QModelIndex& parent)
{
    const int rows = rowCount(parent);
    if (rows > 0)
        Q_EMIT dataChanged(index(0, 0, parent), index(rows - 1, ColumnCount - 1, parent));
}

void ConfigTreeModel::applyNodeJson(const RowPath& path, const json& own)
{
    const QModelIndex i = indexAt(path);
    Node* n = nodeOf(i);
    if (!n)
        return;
    const bool wasGroup = isGroupNode(*n);
    n->own = own;
    n->own.erase("targets");
    emitRowChanged(i);
    emitSiblingsChanged(i.parent());   // a weight changes every sibling's share
    emitSiblingsChanged(i);            // a mode or default changes how children read
    if (wasGroup != isGroupNode(*n))
        emitRowChanged(i);
    Q_EMIT documentChanged();
}

void ConfigTreeModel::applyInsert(const RowPath& parentPath, int row, const json& node)
{
    const QModelIndex parent = indexAt(parentPath);
    Node* p = nodeOf(parent);
    if (!p)
        return;
    row = std::clamp(row, 0, int(p->children.size()));
    beginInsertRows(parent, row, row);
    p->children.insert(p->children.begin() + row, build(node, p));
    p->hasTargetsKey = true;
    endInsertRows();
    emitRowChanged(parent);
    emitSiblingsChanged(parent);
    Q_EMIT documentChanged();
}

json ConfigTreeModel::applyRemove(const RowPath& path)
{
    const QModelIndex i = indexAt(path);
    Node* n = nodeOf(i);
    if (!n || n->parent == &holder_)
        return json();
    const json removed = toJson(*n);
    const QModelIndex parent = i.parent();
    const int row = i.row();
    beginRemoveRows(parent, row, row);
    n->parent->children.erase(n->parent->children.begin() + row);
    endRemoveRows();
    emitRowChanged(parent);
    emitSiblingsChanged(parent);
    Q_EMIT documentChanged();
    return removed;
}

ConfigTreeModel::RowPath ConfigTreeModel::applyMove(const RowPath& from, const RowPath& toParent, int row,
                                                    RowPath* oldParent, int* oldRow)
{
    const QModelIndex i = indexAt(from);
    const QModelIndex dst = indexAt(toParent);
    Node* n = nodeOf(i);
    Node* p = nodeOf(dst);
    if (!n || !p)
        return from;
    Node* src = n->parent;
    const int r = n->row();
    row = std::clamp(row, 0, int(p->children.size()) - (src == p ? 1 : 0));
    const int destChild = (src == p && row > r) ? row + 1 : row;
    if (!beginMoveRows(i.parent(), r, r, dst, destChild))
        return from;
    std::unique_ptr<Node> taken = std::move(src->children[std::size_t(r)]);
    src->children.erase(src->children.begin() + r);
    taken->parent = p;
    p->children.insert(p->children.begin() + row, std::move(taken));
    p->hasTargetsKey = true;
    endMoveRows();
    emitRowChanged(indexOf(src));
    emitSiblingsChanged(indexOf(src));
    if (p != src) {
        // `dst` may name a row that the move shifted: ask again.
        emitRowChanged(indexOf(p));
        emitSiblingsChanged(indexOf(p));
    }
    if (oldParent)
        *oldParent = rowPath(indexOf(src));
    if (oldRow)
        *oldRow = r;
    Q_EMIT documentChanged();
    return rowPath(indexOf(n));
}

// --- QAbstractItemModel ----------------------------------------------------------------------

QModelIndex ConfigTreeModel::index(int row, int column, const QModelIndex& parent) const
{
    if (column < 0 || column >= ColumnCount || row < 0 || (parent.isValid() && parent.column() != 0))
        return {};
    const Node* p = parent.isValid() ? nodeOf(parent) : &holder_;
    if (row >= int(p->children.size()))
        return {};
    return createIndex(row, column, p->children[std::size_t(row)].get());
}

QModelIndex ConfigTreeModel::parent(const QModelIndex& child) const
{
    const Node* n = nodeOf(child);
    if (!n || n->parent == &holder_)
        return {};
    return indexOf(n->parent);
}

int ConfigTreeModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid() && parent.column() != 0)
        return 0;
    const Node* p = parent.isValid() ? nodeOf(parent) : &holder_;
    return int(p->children.size());
}

int ConfigTreeModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

QVariant ConfigTreeModel::data(const QModelIndex& index, int role) const
{
    const Node* n = nodeOf(index);
    if (!n)
        return {};
    const json& o = n->own;
    switch (role) {
    case PathRole:
        return pathText(index);
    case IsGroupRole:
        return isGroupNode(*n);
    case ModeRole:
        return mode(index);
    case IssuesRole: {
        QStringList out;
        for (const NodeIssue& i : n->issues)
            out << (i.field.isEmpty() ? i.message : i.field + QStringLiteral(": ") + i.message);
        return out;
    }
    default:
        break;
    }

    const QModelIndex parentIndex = index.parent();
    const Node* parent = n->parent != &holder_ ? n->parent : nullptr;
    const QString parentMode = parent ? mode(parentIndex) : QString();

    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case NodeColumn:
            return title(index);
        case ModelColumn: {
            const json* params = findKey(o, "override_params");
            return params ? str(params->is_object() ? findKey(*params, "model") : nullptr) : QString();
        }
        case ShareColumn: {
            if (!parent)
                return QString();
            if (parentMode == QLatin1String("loadbalance")) {
                double sum = 0;
                for (int r = 0; r < rowCount(parentIndex); ++r)
                    sum += std::max(0.0, weight(this->index(r, 0, parentIndex)));
                return percentText(sum > 0 ? std::max(0.0, weight(index)) / sum : 0);
            }
            if (parentMode == QLatin1String("fallback"))
                return QStringLiteral("try %1").arg(index.row() + 1);
            if (parentMode == QLatin1String("single"))
                return index.row() == 0 ? QStringLiteral("used") : QStringLiteral("unused");
            if (parentMode == QLatin1String("conditional")) {
                const QString name = str(findKey(o, "name"));
                const json* s = findKey(parent->own, "strategy");
                if (name.isEmpty() || !s || !s->is_object())
                    return QString();
                if (str(findKey(*s, "default")) == name)
                    return QStringLiteral("default");
                if (const json* conds = findKey(*s, "conditions"); conds && conds->is_array()) {
                    for (std::size_t c = 0; c < conds->size(); ++c) {
                        if ((*conds)[c].is_object() && str(findKey((*conds)[c], "then")) == name)
                            return QStringLiteral("condition %1").arg(c + 1);
                    }
                }
            }
            return QString();
        }
        case SettingsColumn: {
            QStringList parts;
            if (const json* r = findKey(o, "retry"); r && r->is_object()) {
                const json* a = findKey(*r, "attempts");
                parts << QStringLiteral("retry ×%1").arg(a && a->is_number() ? a->get<int>() : 0);
            }
            if (const json* t = findKey(o, "request_timeout"); t && t->is_number())
                parts << QStringLiteral("timeout %1").arg(msText(t->get<long long>()));
            if (const json* c = findKey(o, "cache"); c && c->is_object())
                parts << QStringLiteral("cache %1").arg(str(findKey(*c, "mode")));
            if (findKey(o, "custom_host"))
                parts << QStringLiteral("custom host");
            if (findKey(o, "circuit_breaker"))
                parts << QStringLiteral("breaker");
            if (const json* s = findKey(o, "strategy"); s && s->is_object()) {
                if (const json* codes = findKey(*s, "on_status_codes"); codes && codes->is_array()) {
                    QStringList list;
                    for (const json& c : *codes)
                        list << QString::fromStdString(c.dump());
                    parts << QStringLiteral("on %1").arg(list.join(QStringLiteral(", ")));
                }
            }
            return parts.join(QStringLiteral(" · "));
        }
        default:
            return {};
        }
    }
    if (role == Qt::DecorationRole && index.column() == NodeColumn) {
        if (!n->issues.empty())
            return badge(QStringLiteral("error"));
        if (isGroupNode(*n)) {
            const QString m = mode(index);
            return badge(m == QLatin1String("single") || m == QLatin1String("loadbalance") || m == QLatin1String("fallback")
                                 || m == QLatin1String("conditional")
                             ? m
                             : QStringLiteral("group"));
        }
        return badge(findKey(o, "virtual_key") && !findKey(o, "provider") ? QStringLiteral("vkey") : QStringLiteral("leaf"));
    }
    if (role == Qt::ToolTipRole) {
        QStringList lines;
        for (const NodeIssue& i : n->issues)
            lines << (i.field.isEmpty() ? i.message : i.field + QStringLiteral(": ") + i.message);
        if (!lines.isEmpty())
            return lines.join(QLatin1Char('\n'));
        if (index.column() == ShareColumn && parentMode == QLatin1String("loadbalance"))
            return QStringLiteral("weight %1").arg(weight(index));
        return parent ? QStringLiteral("config.%1").arg(pathText(index)) : QStringLiteral("config (top level)");
    }
    if (role == Qt::ForegroundRole && index.column() == ShareColumn && parentMode == QLatin1String("loadbalance")
        && weight(index) <= 0)
        return QColor(0x88, 0x88, 0x88);
    if (role == Qt::ForegroundRole && index.column() == NodeColumn && !n->issues.empty())
        return QColor(0xb0, 0x1e, 0x1e);
    if (role == Qt::FontRole && index.column() == NodeColumn && isGroupNode(*n)) {
        QFont f;
        f.setBold(true);
        return f;
    }
    if (role == Qt::TextAlignmentRole && index.column() == ShareColumn)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant ConfigTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NodeColumn:
        return QStringLiteral("Target");
    case ModelColumn:
        return QStringLiteral("Model");
    case ShareColumn:
        return QStringLiteral("Share / order");
    case SettingsColumn:
        return QStringLiteral("Settings");
    default:
        return {};
    }
}

Qt::ItemFlags ConfigTreeModel::flags(const QModelIndex& index) const
{
    const Node* n = nodeOf(index);
    if (!n)
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (n->parent != &holder_)
        f |= Qt::ItemIsDragEnabled;
    if (isGroupNode(*n))
        f |= Qt::ItemIsDropEnabled;
    return f;
}

// The payload names the source model and the node's path (a move within one model) and carries the
// node itself (a copy anywhere else, or as text into a text editor).
QMimeData* ConfigTreeModel::mimeData(const QModelIndexList& indexes) const
{
    QModelIndex node;
    for (const QModelIndex& i : indexes) {
        if (i.isValid() && nodeOf(i)->parent != &holder_) {
            node = i.siblingAtColumn(0);
            break;
        }
    }
    if (!node.isValid())
        return nullptr;
    const RowPath path = rowPath(node);
    const json payload = {{"model", std::to_string(quintptr(this))}, {"path", path}, {"node", subtreeJson(node)}};
    auto* data = new QMimeData;
    data->setData(kMimeType, QByteArray::fromStdString(payload.dump()));
    data->setText(QString::fromStdString(subtreeJson(node).dump(2)));
    return data;
}

namespace {

struct Payload {
    bool ok = false;
    bool sameModel = false;
    ConfigTreeModel::RowPath path;
    json node;
};

Payload readPayload(const QMimeData* data, const ConfigTreeModel* self)
{
    Payload p;
    if (!data || !data->hasFormat(ConfigTreeModel::kMimeType))
        return p;
    const json j = json::parse(data->data(ConfigTreeModel::kMimeType).toStdString(), nullptr, false);
    if (!j.is_object() || !j.contains("node") || !j["node"].is_object() || !j.contains("path") || !j["path"].is_array())
        return p;
    for (const json& r : j["path"]) {
        if (!r.is_number_integer())
            return p;
        p.path.push_back(r.get<int>());
    }
    p.sameModel = j.value("model", std::string()) == std::to_string(quintptr(self));
    p.node = j["node"];
    p.ok = true;
    return p;
}

} // namespace

bool ConfigTreeModel::canDropMimeData(const QMimeData* data, Qt::DropAction action, int, int,
                                      const QModelIndex& parent) const
{
    const Payload p = readPayload(data, this);
    const QModelIndex target = parent.siblingAtColumn(0);
    if (!p.ok || !isGroup(target) || (action != Qt::MoveAction && action != Qt::CopyAction))
        return false;
    if (p.sameModel && action == Qt::MoveAction)
        return canMoveInto(indexAt(p.path), target);
    return true;
}

bool ConfigTreeModel::dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                                   const QModelIndex& parent)
{
    if (!canDropMimeData(data, action, row, column, parent))
        return false;
    const Payload p = readPayload(data, this);
    const QModelIndex target = parent.siblingAtColumn(0);
    if (p.sameModel && action == Qt::MoveAction)
        return moveNode(indexAt(p.path), target, row);
    insertNode(target, row, p.node, QStringLiteral("Copy target"));
    return true;
}

} // namespace gatehouse
