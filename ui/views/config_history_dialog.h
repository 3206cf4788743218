#pragma once
// "History": the saved versions of one config, the diff from a chosen version to the current one
// (removed lines red, added green), and "Roll back to this version", which saves the old text as a
// new version.

#include "routing/config_store.h"

#include <QDialog>

class QListWidget;
class QPushButton;
class QTextEdit;

namespace gatehouse {

class ConfigHistoryDialog : public QDialog {
    Q_OBJECT
public:
    ConfigHistoryDialog(ConfigStore* store, std::string id, QWidget* parent = nullptr);

    QListWidget* versions() const { return versions_; }
    QTextEdit* diffView() const { return diff_; }
    int selectedVersion() const;
    void selectVersion(int version);
    bool rollBackToSelected();

private:
    void reload();
    void showDiff();

    ConfigStore* store_;
    std::string id_;
    QListWidget* versions_;
    QTextEdit* diff_;
    QPushButton* rollback_;
};

} // namespace gatehouse
