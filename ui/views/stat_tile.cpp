#include "views/stat_tile.h"

#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace gatehouse {

StatTile::StatTile(const QString& caption, QWidget* parent)
    : QFrame(parent)
{
    setFrameShape(QFrame::StyledPanel);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 8, 12, 8);
    layout->setSpacing(2);
    auto* captionLabel = new QLabel(caption, this);
    QPalette muted = captionLabel->palette();
    muted.setColor(QPalette::WindowText, muted.color(QPalette::PlaceholderText));
    captionLabel->setPalette(muted);
    value_ = new QLabel(QStringLiteral("—"), this);
    QFont big = value_->font();
    big.setPointSizeF(big.pointSizeF() * 1.8);
    big.setBold(true);
    value_->setFont(big);
    value_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    detail_ = new QLabel(this);
    detail_->setPalette(muted);
    detail_->setWordWrap(true);   // a long detail wraps rather than widening the row of tiles
    layout->addWidget(captionLabel);
    layout->addWidget(value_);
    layout->addWidget(detail_);
}

void StatTile::setValue(const QString& value, const QString& detail)
{
    value_->setText(value);
    detail_->setText(detail);
}

QPushButton* StatTile::addActionButton(const QString& text)
{
    auto* button = new QPushButton(text, this);
    button->setFlat(true);
    button->setCursor(Qt::PointingHandCursor);
    button->setStyleSheet(QStringLiteral("QPushButton { text-align: left; padding: 0; color: palette(link); }"));
    layout()->addWidget(button);
    return button;
}

QString StatTile::value() const { return value_->text(); }
QString StatTile::detail() const { return detail_->text(); }

} // namespace gatehouse
