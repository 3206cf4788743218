#pragma once
// "Configs": the saved routing configs. A list (new, duplicate, rename, delete, default) and an
// editor whose tabs show the selected config; JSON is checked as it is typed, every error listed
// with its path, and Save stores a new version that the running gateway uses at once. History and
// Simulate open dialogs on the config being edited.
//
// The editor document has one owner: document()/setDocument() (and editorText()/setEditorText())
// are the only places it is read and written, so another editor tab (a visual tree editor) wires
// in by calling them and connecting to documentEdited().

#include "routing/config_store.h"

#include <nlohmann/json.hpp>

#include <QWidget>

#include <functional>
#include <optional>

class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;
class QTableView;
class QTimer;

namespace gatehouse {

class ConfigListModel;

class ConfigsPage : public QWidget {
    Q_OBJECT
public:
    // Questions the page asks the user; tests answer them without modal dialogs.
    struct Prompts {
        std::function<std::optional<QString>(const QString& title, const QString& label, const QString& initial)> askText;
        std::function<bool(const QString& title, const QString& question)> confirm;
        enum class Unsaved { Save, Discard, Cancel };
        std::function<Unsaved(const QString& configName)> askUnsaved;
    };

    explicit ConfigsPage(ConfigStore* store, QWidget* parent = nullptr);

    ConfigListModel* model() const { return model_; }
    QTableView* list() const { return list_; }
    QTabWidget* editorTabs() const { return tabs_; }
    QListWidget* issueList() const { return issues_; }
    QPushButton* saveButton() const { return save_; }
    void setPrompts(Prompts prompts) { prompts_ = std::move(prompts); }

    // The document being edited: the single place it is read and written.
    QByteArray editorText() const;
    void setEditorText(const QByteArray& text);
    nlohmann::json document() const;                 // discarded value while the text is not JSON
    void setDocument(const nlohmann::json& document);
    std::vector<ConfigIssue> currentIssues() const { return currentIssues_; }

    std::string currentId() const { return currentId_; }
    bool isDirty() const;
    // Selects a config; false when the user kept unsaved changes instead.
    bool selectConfig(const std::string& id);
    // Asks about unsaved changes; false when leaving should be cancelled.
    bool confirmLeave();
    // Asks before the window closes with unsaved changes.
    void guardClose(QWidget* window);

public Q_SLOTS:
    void newConfig();
    bool createConfig(const QString& name);
    void duplicateConfig();
    void renameConfig();
    void deleteConfig();
    void setAsDefault();
    bool saveConfig();
    void revert();
    void validateNow();
    void showHistory();
    void showSimulation();

Q_SIGNALS:
    void documentEdited();     // the text changed (typing, revert, another tab)
    void issuesChanged();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void loadCurrent();
    void updateActions();
    void jumpToIssue(int row);

    ConfigStore* store_;
    ConfigListModel* model_;
    Prompts prompts_;
    QTableView* list_;
    QTabWidget* tabs_;
    QPlainTextEdit* json_;
    QListWidget* issues_;
    QLabel* title_;
    QLabel* status_;
    QPushButton* duplicate_;
    QPushButton* rename_;
    QPushButton* delete_;
    QPushButton* default_;
    QPushButton* save_;
    QPushButton* revert_;
    QPushButton* history_;
    QPushButton* simulate_;
    QTimer* validateTimer_;
    std::string currentId_;
    QByteArray loadedText_;        // what the store holds for the current config
    std::vector<ConfigIssue> currentIssues_;
    bool valid_ = false;
    bool settingText_ = false;
    bool selecting_ = false;
};

} // namespace gatehouse
