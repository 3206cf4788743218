#pragma once
// The Keys page: the virtual keys with their status, limits and spend against budgets; create, edit,
// rotate, enable/disable and delete (after a confirmation) through the vault's asynchronous keychain
// jobs; and "Test", a minimal chat request through the running gateway with the selected key's slug,
// showing the status and the first words of the answer or the error message.

#include <QWidget>

class QLabel;
class QLineEdit;
class QNetworkAccessManager;
class QPushButton;
class QTableView;

namespace gatehouse {

class GatewayService;
class KeyDialog;
class KeySpendTracker;
class KeyVault;
class ProviderRegistry;
class VirtualKeyModel;

class KeysPage : public QWidget {
    Q_OBJECT
public:
    // spend and gateway may be null (no spend shown; Test explains that no gateway runs).
    KeysPage(KeyVault* vault, KeySpendTracker* spend, GatewayService* gateway, QWidget* parent = nullptr);

    VirtualKeyModel* model() const { return model_; }
    QTableView* table() const { return table_; }
    QLabel* messageLabel() const { return message_; }
    QLineEdit* testModelEdit() const { return testModel_; }
    QLabel* testResultLabel() const { return testResult_; }
    QPushButton* toggleButton() const { return toggle_; }
    QString selectedSlug() const;
    void selectSlug(const QString& slug);

    // The dialogs open non-modally (open()) and delete themselves when closed.
    KeyDialog* openCreateDialog();
    KeyDialog* openEditDialog();     // null without a selection
    KeyDialog* openRotateDialog();   // likewise

    // A typical cheap model of the provider for Test ("" when none is known).
    static QString defaultTestModel(const QString& provider);

public Q_SLOTS:
    void toggleSelected();   // disable an enabled key, enable a disabled one
    void deleteSelected();   // asks first
    void testSelected();

Q_SIGNALS:
    void testFinished(int status, const QString& summary);   // status 0: no HTTP answer
    void operationFinished(const QString& error);            // enable/disable/delete; "" on success

private:
    void showMessage(const QString& text, bool problem);
    void updateButtons();

    KeyVault* vault_;
    GatewayService* gateway_;
    std::shared_ptr<const ProviderRegistry> providers_;
    VirtualKeyModel* model_ = nullptr;
    QTableView* table_ = nullptr;
    QLabel* message_ = nullptr;
    QPushButton* edit_ = nullptr;
    QPushButton* rotate_ = nullptr;
    QPushButton* toggle_ = nullptr;
    QPushButton* delete_ = nullptr;
    QPushButton* test_ = nullptr;
    QLineEdit* testModel_ = nullptr;
    QLabel* testResult_ = nullptr;
    QNetworkAccessManager* network_ = nullptr;
    QString reselect_;   // the slug to select again after the model is rebuilt
};

} // namespace gatehouse
