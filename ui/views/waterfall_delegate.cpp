#include "views/waterfall_delegate.h"

#include "models/trace_tree_model.h"

#include <QPainter>
#include <QPointF>

namespace gatehouse {

void WaterfallDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QStyledItemDelegate::paint(painter, option, index);   // selection background
    const QPointF span = index.data(TraceTreeModel::WaterfallRole).toPointF();
    const QRect area = option.rect.adjusted(4, 4, -4, -4);
    if (area.width() <= 0)
        return;
    const int x = area.left() + int(span.x() * area.width());
    const int w = std::max(2, int(span.y() * area.width()));   // instant spans stay visible
    const bool error = index.data(TraceTreeModel::IsErrorRole).toBool();
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, false);
    painter->fillRect(QRect(x, area.top(), std::min(w, area.right() - x + 1), area.height()),
                      error ? QColor(0xd3, 0x2f, 0x2f) : QColor(0x1e, 0x88, 0xe5));
    painter->restore();
}

} // namespace gatehouse
