#pragma once
// Settings: the gateway's port, bind address and API key file, the request log's retention and body
// storage, theme, tray and start-at-login. Saved to QSettings (app_preferences.h) only when valid.
// Theme, tray behaviour and start at login apply at once; the log settings at the next start; the
// gateway's own settings when the gateway restarts ("Save and restart gateway").

#include "app_preferences.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace gatehouse {

class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    // running: what the gateway runs with now (to tell which changes need a restart).
    explicit SettingsDialog(const Preferences& running, QWidget* parent = nullptr);

    Preferences values() const;
    void setValues(const Preferences& p, bool autostart);
    QStringList problems() const { return problems_; }
    bool autostartChecked() const;
    QString restartNote() const;

    QSpinBox* portBox() const { return port_; }
    QComboBox* bindCombo() const { return bind_; }
    QLineEdit* keyFileEdit() const { return keyFile_; }
    QSpinBox* retentionDaysBox() const { return days_; }
    QSpinBox* retentionMegabytesBox() const { return megabytes_; }
    QCheckBox* storeBodiesBox() const { return bodies_; }
    QComboBox* themeCombo() const { return theme_; }
    QCheckBox* closeToTrayBox() const { return tray_; }
    QCheckBox* startMinimizedBox() const { return minimized_; }
    QCheckBox* autostartBox() const { return autostart_; }
    QPushButton* saveButton() const { return save_; }
    QPushButton* restartButton() const { return restart_; }

    // Validates, writes QSettings, applies theme and start at login. False (nothing written) when invalid.
    bool save();

Q_SIGNALS:
    void saved(const gatehouse::Preferences& preferences);
    void restartGatewayRequested(const gatehouse::Preferences& preferences);

private:
    void revalidate();

    Preferences running_;
    Preferences loaded_;
    QStringList problems_;
    QSpinBox* port_ = nullptr;
    QComboBox* bind_ = nullptr;
    QLineEdit* keyFile_ = nullptr;
    QLabel* keyStatus_ = nullptr;
    QSpinBox* days_ = nullptr;
    QSpinBox* megabytes_ = nullptr;
    QCheckBox* bodies_ = nullptr;
    QComboBox* theme_ = nullptr;
    QCheckBox* tray_ = nullptr;
    QCheckBox* minimized_ = nullptr;
    QCheckBox* autostart_ = nullptr;
    QLabel* problemsLabel_ = nullptr;
    QLabel* note_ = nullptr;
    QPushButton* save_ = nullptr;
    QPushButton* restart_ = nullptr;
};

} // namespace gatehouse
