#include "views/config_history_dialog.h"

#include "routing/line_diff.h"

#include <QDateTime>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSplitter>
#include <QTextEdit>
#include <QVBoxLayout>

namespace gatehouse {

ConfigHistoryDialog::ConfigHistoryDialog(ConfigStore* store, std::string id, QWidget* parent)
    : QDialog(parent)
    , store_(store)
    , id_(std::move(id))
    , versions_(new QListWidget)
    , diff_(new QTextEdit)
    , rollback_(new QPushButton(tr("Roll back to this version")))
{
    const auto info = store_->info(id_);
    setWindowTitle(tr("History of %1").arg(info ? info->name : QString::fromStdString(id_)));
    resize(1000, 600);
    diff_->setReadOnly(true);
    diff_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    diff_->setLineWrapMode(QTextEdit::NoWrap);

    auto* split = new QSplitter;
    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(new QLabel(tr("Versions (newest first)")));
    leftLayout->addWidget(versions_);
    split->addWidget(left);
    auto* right = new QWidget;
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(new QLabel(tr("Changes from the chosen version to the current one")));
    rightLayout->addWidget(diff_);
    split->addWidget(right);
    split->setStretchFactor(1, 3);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    buttons->addButton(rollback_, QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(rollback_, &QPushButton::clicked, this, &ConfigHistoryDialog::rollBackToSelected);
    connect(versions_, &QListWidget::currentRowChanged, this, &ConfigHistoryDialog::showDiff);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split, 1);
    layout->addWidget(buttons);
    reload();
}

void ConfigHistoryDialog::reload()
{
    versions_->clear();
    const auto history = store_->history(id_);
    const int current = history.empty() ? 0 : history.back().version;
    for (auto it = history.rbegin(); it != history.rend(); ++it) {
        QString text = tr("v%1  %2").arg(it->version).arg(QDateTime::fromMSecsSinceEpoch(it->savedAtMs).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
        if (it->version == current)
            text += tr("  (current)");
        if (!it->note.isEmpty())
            text += QStringLiteral("\n    ") + it->note;
        auto* item = new QListWidgetItem(text, versions_);
        item->setData(Qt::UserRole, it->version);
    }
    // Start on the version before the current one: what the last save changed.
    versions_->setCurrentRow(versions_->count() > 1 ? 1 : 0);
}

int ConfigHistoryDialog::selectedVersion() const
{
    const QListWidgetItem* item = versions_->currentItem();
    return item ? item->data(Qt::UserRole).toInt() : 0;
}

void ConfigHistoryDialog::selectVersion(int version)
{
    for (int i = 0; i < versions_->count(); ++i) {
        if (versions_->item(i)->data(Qt::UserRole).toInt() == version)
            versions_->setCurrentRow(i);
    }
}

void ConfigHistoryDialog::showDiff()
{
    const int n = selectedVersion();
    const auto info = store_->info(id_);
    const auto old = store_->version(id_, n);
    const auto now = store_->text(id_);
    rollback_->setEnabled(old && now && *old != *now);
    if (!old || !now) {
        diff_->clear();
        return;
    }
    const auto diff = lineDiff(QString::fromUtf8(*old), QString::fromUtf8(*now));
    QString html = QStringLiteral("<pre style=\"margin:0\">");
    html += tr("<span style=\"color:#666\">--- version %1<br>+++ current (version %2)</span><br>").arg(n).arg(info ? info->version : 0);
    for (const DiffLine& d : diff) {
        const QString text = d.text.toHtmlEscaped();
        switch (d.kind) {
        case DiffLine::Kind::Same: html += QStringLiteral("  ") + text + QStringLiteral("<br>"); break;
        case DiffLine::Kind::Removed:
            html += QStringLiteral("<span style=\"background:#fde2e2;color:#a31515\">- ") + text + QStringLiteral("</span><br>");
            break;
        case DiffLine::Kind::Added:
            html += QStringLiteral("<span style=\"background:#dcf5dc;color:#116611\">+ ") + text + QStringLiteral("</span><br>");
            break;
        }
    }
    if (*old == *now)
        html += tr("<span style=\"color:#666\">(same text as the current version)</span>");
    html += QStringLiteral("</pre>");
    diff_->setHtml(html);
}

bool ConfigHistoryDialog::rollBackToSelected()
{
    const int n = selectedVersion();
    const StoreResult r = store_->rollback(id_, n);
    if (!r.ok) {
        diff_->setPlainText(r.error);
        return false;
    }
    reload();
    return true;
}

} // namespace gatehouse
