#pragma once
// A headline number on the dashboard: a caption, the value in large type and a line of detail.

#include <QFrame>

class QLabel;
class QPushButton;

namespace gatehouse {

class StatTile : public QFrame {
    Q_OBJECT
public:
    explicit StatTile(const QString& caption, QWidget* parent = nullptr);

    void setValue(const QString& value, const QString& detail = {});
    QString value() const;
    QString detail() const;
    // A link-like button at the bottom of the tile (e.g. "Manage…"); clicked() reports it.
    QPushButton* addActionButton(const QString& text);

private:
    QLabel* value_ = nullptr;
    QLabel* detail_ = nullptr;
};

} // namespace gatehouse
