#include "pages/key_dialog.h"

#include "keys/key_vault.h"
#include "providers/provider_registry.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

namespace gatehouse {

namespace {

QLineEdit* lineEdit(const QString& text, const QString& placeholder = {})
{
    auto* e = new QLineEdit(text);
    e->setPlaceholderText(placeholder);
    return e;
}

QDoubleSpinBox* budgetSpin(double value)
{
    auto* s = new QDoubleSpinBox;
    s->setRange(0, 1'000'000);
    s->setDecimals(4);   // budgets set with the CLI may be below a cent
    s->setPrefix(QStringLiteral("$"));
    s->setSpecialValueText(QObject::tr("no budget"));
    s->setValue(value);
    return s;
}

} // namespace

KeyDialog::KeyDialog(Mode mode, KeyVault* vault, const ProviderRegistry& providers, const VirtualKey& key, QWidget* parent)
    : QDialog(parent)
    , mode_(mode)
    , vault_(vault)
    , original_(key)
{
    setWindowTitle(mode == Mode::Create ? tr("New virtual key") : mode == Mode::Edit ? tr("Edit virtual key '%1'").arg(key.slug)
                                                                                    : tr("Rotate the secret of '%1'").arg(key.slug));
    setObjectName(QStringLiteral("keyDialog"));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    layout->addLayout(form);

    slug_ = lineEdit(key.slug, tr("e.g. openai-prod (what requests send in x-portkey-virtual-key)"));
    slug_->setReadOnly(mode != Mode::Create);
    form->addRow(tr("Slug"), slug_);

    if (mode != Mode::Rotate) {
        name_ = lineEdit(key.displayName, tr("optional"));
        form->addRow(tr("Name"), name_);
        provider_ = new QComboBox;
        for (const auto& p : providers.all())
            provider_->addItem(QStringLiteral("%1 (%2)").arg(p->info().name, p->info().id), p->info().id);
        provider_->model()->sort(0);
        const int at = provider_->findData(key.provider.isEmpty() ? QStringLiteral("openai") : key.provider);
        provider_->setCurrentIndex(std::max(0, at));
        form->addRow(tr("Provider"), provider_);
        customHost_ = lineEdit(key.customHost, tr("optional: replaces the provider's base URL, e.g. https://llm.internal/v1"));
        form->addRow(tr("Custom host"), customHost_);

        azure_ = new QGroupBox(tr("Azure OpenAI"));
        auto* azureForm = new QFormLayout(azure_);
        azureResource_ = lineEdit(key.azureResource, tr("resource name"));
        azureDeployment_ = lineEdit(key.azureDeployment, tr("deployment id"));
        azureApiVersion_ = lineEdit(key.azureApiVersion, QStringLiteral("2024-10-21"));
        azureForm->addRow(tr("Resource"), azureResource_);
        azureForm->addRow(tr("Deployment"), azureDeployment_);
        azureForm->addRow(tr("API version"), azureApiVersion_);
        layout->addWidget(azure_);
        aws_ = new QGroupBox(tr("AWS Bedrock"));
        auto* awsForm = new QFormLayout(aws_);
        awsRegion_ = lineEdit(key.awsRegion, QStringLiteral("us-east-1"));
        awsForm->addRow(tr("Region"), awsRegion_);
        layout->addWidget(aws_);
        vertex_ = new QGroupBox(tr("Google Vertex AI (optional)"));
        auto* vertexForm = new QFormLayout(vertex_);
        vertexProject_ = lineEdit(key.vertexProject, tr("project id"));
        vertexRegion_ = lineEdit(key.vertexRegion, QStringLiteral("us-central1"));
        vertexForm->addRow(tr("Project"), vertexProject_);
        vertexForm->addRow(tr("Region"), vertexRegion_);
        layout->addWidget(vertex_);

        auto* limits = new QGroupBox(tr("Limits (Gatehouse extension; 0 = none)"));
        auto* limitsForm = new QFormLayout(limits);
        rpm_ = new QSpinBox;
        rpm_->setRange(0, 1'000'000'000);
        rpm_->setValue(key.limits.requestsPerMinute);
        rpm_->setSuffix(tr(" requests/min"));
        tpm_ = new QSpinBox;
        tpm_->setRange(0, 1'000'000'000);
        tpm_->setValue(int(std::min<qint64>(key.limits.tokensPerMinute, 1'000'000'000)));
        tpm_->setSuffix(tr(" tokens/min"));
        rpm_->setSpecialValueText(tr("no limit"));
        tpm_->setSpecialValueText(tr("no limit"));
        dailyBudget_ = budgetSpin(key.limits.dailyBudgetUsd);
        monthlyBudget_ = budgetSpin(key.limits.monthlyBudgetUsd);
        limitsForm->addRow(tr("Requests"), rpm_);
        limitsForm->addRow(tr("Tokens"), tpm_);
        limitsForm->addRow(tr("Daily budget (UTC day)"), dailyBudget_);
        limitsForm->addRow(tr("Monthly budget (UTC month)"), monthlyBudget_);
        layout->addWidget(limits);

        notes_ = new QPlainTextEdit(key.notes);
        notes_->setPlaceholderText(tr("notes (optional)"));
        notes_->setMaximumHeight(60);
        layout->addWidget(notes_);
        connect(provider_, &QComboBox::currentIndexChanged, this, &KeyDialog::showProviderFields);
        showProviderFields();
    }

    if (mode != Mode::Edit) {
        auto* secretForm = new QFormLayout;
        secret_ = new QLineEdit;
        secret_->setEchoMode(QLineEdit::Password);
        secret_->setPlaceholderText(mode == Mode::Create ? tr("the provider's API key") : tr("the new API key"));
        secretForm->addRow(tr("Secret"), secret_);
        layout->addLayout(secretForm);
        auto* note = new QLabel(tr("Stored in the OS keychain and never shown again. To change it later, use Rotate."));
        note->setWordWrap(true);
        note->setStyleSheet(QStringLiteral("color: palette(mid);"));
        layout->addWidget(note);
    }

    error_ = new QLabel;
    error_->setWordWrap(true);
    error_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    error_->setStyleSheet(QStringLiteral("color: #c62828;"));
    error_->hide();
    layout->addWidget(error_);

    auto* buttons = new QDialogButtonBox;
    save_ = buttons->addButton(mode == Mode::Rotate ? tr("Rotate") : tr("Save"), QDialogButtonBox::AcceptRole);
    cancel_ = buttons->addButton(QDialogButtonBox::Cancel);
    connect(save_, &QPushButton::clicked, this, &KeyDialog::save);
    connect(cancel_, &QPushButton::clicked, this, &QDialog::reject);
    layout->addWidget(buttons);
    if (mode == Mode::Rotate)
        secret_->setFocus();
}

void KeyDialog::showProviderFields()
{
    const QString id = provider_->currentData().toString();
    azure_->setVisible(id == QLatin1String("azure-openai"));
    aws_->setVisible(id == QLatin1String("bedrock"));
    vertex_->setVisible(id == QLatin1String("google"));
    customHost_->setEnabled(id != QLatin1String("mock"));
    adjustSize();
}

VirtualKey KeyDialog::key() const
{
    VirtualKey k = original_;
    k.slug = slug_->text().trimmed();
    if (mode_ == Mode::Rotate)
        return k;
    k.displayName = name_->text().trimmed();
    k.provider = provider_->currentData().toString();
    k.customHost = customHost_->isEnabled() ? customHost_->text().trimmed() : QString();
    const bool azure = k.provider == QLatin1String("azure-openai");
    const bool aws = k.provider == QLatin1String("bedrock");
    const bool vertex = k.provider == QLatin1String("google");
    k.azureResource = azure ? azureResource_->text().trimmed() : QString();
    k.azureDeployment = azure ? azureDeployment_->text().trimmed() : QString();
    k.azureApiVersion = azure ? azureApiVersion_->text().trimmed() : QString();
    k.awsRegion = aws ? awsRegion_->text().trimmed() : QString();
    k.vertexProject = vertex ? vertexProject_->text().trimmed() : QString();
    k.vertexRegion = vertex ? vertexRegion_->text().trimmed() : QString();
    k.notes = notes_->toPlainText().trimmed();
    k.limits.requestsPerMinute = rpm_->value();
    k.limits.tokensPerMinute = tpm_->value();
    k.limits.dailyBudgetUsd = dailyBudget_->value();
    k.limits.monthlyBudgetUsd = monthlyBudget_->value();
    return k;
}

void KeyDialog::save()
{
    const VirtualKey k = key();
    if (mode_ != Mode::Rotate) {
        if (const QString problem = vault_->validate(k); !problem.isEmpty())
            return finish(problem);
    }
    if (secret_ && secret_->text().isEmpty())
        return finish(tr("Enter the secret (the provider's API key)."));
    error_->setText(tr("Saving to %1…").arg(vault_->secretStore().description()));
    error_->setStyleSheet(QStringLiteral("color: palette(text);"));
    error_->show();
    save_->setEnabled(false);
    QPointer<KeyDialog> self(this);
    auto done = [self, slug = k.slug](const QString& error) {
        if (!self)
            return;   // closed while the keychain was answering
        self->finish(error);
        if (error.isEmpty()) {
            Q_EMIT self->saved(slug);
            self->accept();
        }
    };
    const QString secret = secret_ ? secret_->text() : QString();
    switch (mode_) {
    case Mode::Create:
        vault_->addKey(k, secret, done);
        break;
    case Mode::Edit:
        vault_->updateKey(k, done);
        break;
    case Mode::Rotate:
        vault_->rotate(k.slug, secret, done);
        break;
    }
}

void KeyDialog::finish(const QString& error)
{
    save_->setEnabled(true);
    if (error.isEmpty()) {
        if (secret_)
            secret_->clear();   // never shown again, and not kept in the widget's memory
        error_->hide();
        return;
    }
    error_->setStyleSheet(QStringLiteral("color: #c62828;"));
    error_->setText(error);
    error_->show();
}

} // namespace gatehouse
