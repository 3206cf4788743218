#pragma once
// Create, edit or rotate one virtual key. The secret is a password field, asked for when a key is
// created and when it is rotated, and never shown again: the dialog clears it once the vault has
// stored it. Saving goes through the vault's asynchronous keychain jobs, so the window stays
// responsive; a failure (locked keyring, no Secret Service) stays in the dialog with what to do.

#include "keys/virtual_key.h"

#include <QDialog>

class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace gatehouse {

class KeyVault;
class ProviderRegistry;

class KeyDialog : public QDialog {
    Q_OBJECT
public:
    enum class Mode { Create, Edit, Rotate };

    KeyDialog(Mode mode, KeyVault* vault, const ProviderRegistry& providers, const VirtualKey& key = {}, QWidget* parent = nullptr);

    Mode mode() const { return mode_; }
    VirtualKey key() const;   // the fields as entered

    QLineEdit* slugEdit() const { return slug_; }
    QLineEdit* nameEdit() const { return name_; }
    QComboBox* providerCombo() const { return provider_; }
    QLineEdit* customHostEdit() const { return customHost_; }
    QLineEdit* secretEdit() const { return secret_; }
    QSpinBox* rpmSpin() const { return rpm_; }
    QSpinBox* tpmSpin() const { return tpm_; }
    QDoubleSpinBox* dailyBudgetSpin() const { return dailyBudget_; }
    QDoubleSpinBox* monthlyBudgetSpin() const { return monthlyBudget_; }
    QPushButton* saveButton() const { return save_; }
    QLabel* errorLabel() const { return error_; }

public Q_SLOTS:
    void save();

Q_SIGNALS:
    void saved(const QString& slug);

private:
    void showProviderFields();
    void finish(const QString& error);

    Mode mode_;
    KeyVault* vault_;
    VirtualKey original_;
    QLineEdit* slug_ = nullptr;
    QLineEdit* name_ = nullptr;
    QComboBox* provider_ = nullptr;
    QLineEdit* customHost_ = nullptr;
    QGroupBox* azure_ = nullptr;
    QLineEdit* azureResource_ = nullptr;
    QLineEdit* azureDeployment_ = nullptr;
    QLineEdit* azureApiVersion_ = nullptr;
    QGroupBox* aws_ = nullptr;
    QLineEdit* awsRegion_ = nullptr;
    QGroupBox* vertex_ = nullptr;
    QLineEdit* vertexProject_ = nullptr;
    QLineEdit* vertexRegion_ = nullptr;
    QPlainTextEdit* notes_ = nullptr;
    QSpinBox* rpm_ = nullptr;
    QSpinBox* tpm_ = nullptr;
    QDoubleSpinBox* dailyBudget_ = nullptr;
    QDoubleSpinBox* monthlyBudget_ = nullptr;
    QLineEdit* secret_ = nullptr;
    QLabel* error_ = nullptr;
    QPushButton* save_ = nullptr;
    QPushButton* cancel_ = nullptr;
};

} // namespace gatehouse
