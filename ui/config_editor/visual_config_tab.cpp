#include "config_editor/visual_config_tab.h"

#include "config_editor/config_tree_editor.h"
#include "pages/configs_page.h"

#include <QLabel>
#include <QTabWidget>
#include <QVBoxLayout>

namespace gatehouse {

VisualConfigTab::VisualConfigTab(ConfigsPage* page)
    : QObject(page)
    , page_(page)
    , container_(new QWidget)
    , editor_(new ConfigTreeEditor)
    , notJson_(new QLabel)
{
    notJson_->setWordWrap(true);
    notJson_->setText(tr("The JSON tab does not hold valid JSON; fix it there to edit the config as a tree."));
    notJson_->setStyleSheet(QStringLiteral("QLabel { color: #b00020; padding: 6px; }"));
    notJson_->hide();
    auto* layout = new QVBoxLayout(container_);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(notJson_);
    layout->addWidget(editor_, 1);

    QTabWidget* tabs = page_->editorTabs();
    tabs->insertTab(0, container_, tr("Visual"));
    tabs->setCurrentIndex(0);

    connect(editor_, &ConfigTreeEditor::documentChanged, this, [this] {
        writing_ = true;
        page_->setDocument(editor_->document());
        writing_ = false;
    });
    connect(page_, &ConfigsPage::documentEdited, this, &VisualConfigTab::onDocumentEdited);
    connect(page_, &ConfigsPage::issuesChanged, this, [this] {
        if (!stale_)
            editor_->showIssues(page_->currentIssues());
    });
    connect(tabs, &QTabWidget::currentChanged, this, [this] {
        if (isShown() && stale_)
            syncFromPage();
    });
    syncFromPage();
}

bool VisualConfigTab::isShown() const
{
    return page_->editorTabs()->currentWidget() == container_;
}

void VisualConfigTab::onDocumentEdited()
{
    if (writing_)
        return;   // our own edit coming back: the tree already shows it
    stale_ = true;
    if (isShown())   // a config was selected or reverted while the tree is in front
        syncFromPage();
}

void VisualConfigTab::syncFromPage()
{
    const nlohmann::json doc = page_->document();
    const bool usable = !doc.is_discarded() && doc.is_object();
    notJson_->setVisible(!usable && !page_->currentId().empty());
    editor_->setEnabled(usable);
    if (!usable)
        return;
    editor_->setDocument(doc);
    editor_->showIssues(page_->currentIssues());
    stale_ = false;
}

} // namespace gatehouse
