#pragma once
// Draws a span's bar in the trace's timeline column: offset and width from the model's
// WaterfallRole (fractions of the whole trace), red for errors.

#include <QStyledItemDelegate>

namespace gatehouse {

class WaterfallDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

} // namespace gatehouse
