#pragma once
// The Configs page's "Visual" tab: a ConfigTreeEditor kept in sync with the page's JSON document.
// Edits in the tree rewrite the JSON at once (so validation, Save and unsaved-changes work the same
// for both tabs); JSON typed in the other tab reaches the tree when the Visual tab is shown, not on
// every keystroke, so the tree's selection and undo history survive edits made in the tree itself.

#include <QObject>

class QLabel;

namespace gatehouse {

class ConfigsPage;
class ConfigTreeEditor;

class VisualConfigTab : public QObject {
    Q_OBJECT
public:
    // Adds the editor as the first tab of `page` and makes it current. Owned by the page.
    explicit VisualConfigTab(ConfigsPage* page);

    ConfigTreeEditor* editor() const { return editor_; }
    bool isStale() const { return stale_; }

private:
    void onDocumentEdited();
    void syncFromPage();
    bool isShown() const;

    ConfigsPage* page_;
    QWidget* container_;
    ConfigTreeEditor* editor_;
    QLabel* notJson_;
    bool stale_ = true;
    bool writing_ = false;   // the page's JSON is being rewritten from the tree
};

} // namespace gatehouse
