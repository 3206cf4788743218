#include "pages/keys_page.h"

#include "gateway_service.h"
#include "keys/key_vault.h"
#include "models/virtual_key_model.h"
#include "pages/key_dialog.h"
#include "providers/provider_registry.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

#include <nlohmann/json.hpp>

#include <map>
#include <utility>

namespace gatehouse {

namespace {

constexpr int kAnswerWords = 12;

// "HTTP 200 · first words…" or "HTTP 403 · the gateway's error message".
QString summarizeAnswer(int status, const QByteArray& body)
{
    const auto j = nlohmann::json::parse(body.toStdString(), nullptr, false);
    QString text;
    if (j.is_object()) {
        if (const auto e = j.find("error"); e != j.end() && e->is_object() && e->contains("message") && (*e)["message"].is_string())
            text = QString::fromStdString((*e)["message"].get<std::string>());
        else if (const auto c = j.find("choices"); c != j.end() && c->is_array() && !c->empty()) {
            const auto& m = (*c)[0].value("message", nlohmann::json::object());
            if (m.is_object() && m.contains("content") && m["content"].is_string()) {
                const QStringList words = QString::fromStdString(m["content"].get<std::string>()).simplified().split(QLatin1Char(' '));
                text = words.mid(0, kAnswerWords).join(QLatin1Char(' ')) + (words.size() > kAnswerWords ? QStringLiteral("…") : QString());
            }
        }
    }
    if (text.isEmpty())
        text = QString::fromUtf8(body.left(200)).simplified();
    return QStringLiteral("HTTP %1 · %2").arg(status).arg(text);
}

} // namespace

KeysPage::KeysPage(KeyVault* vault, KeySpendTracker* spend, GatewayService* gateway, QWidget* parent)
    : QWidget(parent)
    , vault_(vault)
    , gateway_(gateway)
    , providers_(ProviderRegistry::builtIn())
{
    setObjectName(QStringLiteral("keysPage"));
    auto* layout = new QVBoxLayout(this);

    auto* bar = new QHBoxLayout;
    auto* create = new QPushButton(tr("New key…"));
    edit_ = new QPushButton(tr("Edit…"));
    rotate_ = new QPushButton(tr("Rotate secret…"));
    toggle_ = new QPushButton(tr("Disable"));
    delete_ = new QPushButton(tr("Delete…"));
    for (QPushButton* b : {create, edit_, rotate_, toggle_, delete_})
        bar->addWidget(b);
    bar->addStretch();
    layout->addLayout(bar);

    message_ = new QLabel;
    message_->setWordWrap(true);
    message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    message_->hide();
    layout->addWidget(message_);

    model_ = new VirtualKeyModel(vault_, spend, this);
    table_ = new QTableView;
    table_->setModel(model_);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->verticalHeader()->hide();
    table_->setWordWrap(false);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(VirtualKeyModel::NameColumn, QHeaderView::Stretch);
    table_->setAlternatingRowColors(true);
    layout->addWidget(table_, 1);

    auto* testBar = new QHBoxLayout;
    testBar->addWidget(new QLabel(tr("Test the selected key with model")));
    testModel_ = new QLineEdit;
    testModel_->setMaximumWidth(260);
    testBar->addWidget(testModel_);
    test_ = new QPushButton(tr("Test"));
    testBar->addWidget(test_);
    testResult_ = new QLabel;
    testResult_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    testBar->addWidget(testResult_, 1);
    layout->addLayout(testBar);

    auto* hint = new QLabel(tr("Clients send <code>x-portkey-virtual-key: &lt;slug&gt;</code>; secrets live in the OS keychain and are never "
                               "shown. Spend counts known prices per UTC day and month; a key at its budget is refused (HTTP 412)."));
    hint->setWordWrap(true);
    layout->addWidget(hint);

    network_ = new QNetworkAccessManager(this);

    connect(create, &QPushButton::clicked, this, &KeysPage::openCreateDialog);
    connect(edit_, &QPushButton::clicked, this, &KeysPage::openEditDialog);
    connect(rotate_, &QPushButton::clicked, this, &KeysPage::openRotateDialog);
    connect(toggle_, &QPushButton::clicked, this, &KeysPage::toggleSelected);
    connect(delete_, &QPushButton::clicked, this, &KeysPage::deleteSelected);
    connect(test_, &QPushButton::clicked, this, &KeysPage::testSelected);
    connect(table_, &QTableView::doubleClicked, this, &KeysPage::openEditDialog);
    connect(model_, &QAbstractItemModel::modelAboutToBeReset, this, [this] {
        if (reselect_.isEmpty())
            reselect_ = selectedSlug();
    });
    connect(model_, &QAbstractItemModel::modelReset, this, [this] {
        const QString slug = std::exchange(reselect_, QString());
        if (!slug.isEmpty())
            selectSlug(slug);
        table_->resizeColumnsToContents();
        updateButtons();
    });
    connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        const VirtualKey* k = model_->keyAt(table_->currentIndex().row());
        testModel_->setPlaceholderText(k ? defaultTestModel(k->provider) : QString());
        updateButtons();
    });
    connect(vault_, &KeyVault::loaded, this, [this](const QStringList& problems) {
        if (!problems.isEmpty())
            showMessage(problems.join(QLatin1Char('\n')), true);
    });
    table_->resizeColumnsToContents();
    updateButtons();
}

QString KeysPage::defaultTestModel(const QString& provider)
{
    static const std::map<QString, QString> typical = {
        {QStringLiteral("openai"), QStringLiteral("gpt-4o-mini")},
        {QStringLiteral("azure-openai"), QStringLiteral("gpt-4o-mini")},
        {QStringLiteral("anthropic"), QStringLiteral("claude-3-5-haiku-20241022")},
        {QStringLiteral("google"), QStringLiteral("gemini-2.0-flash")},
        {QStringLiteral("groq"), QStringLiteral("llama-3.1-8b-instant")},
        {QStringLiteral("mistral-ai"), QStringLiteral("mistral-small-latest")},
        {QStringLiteral("cohere"), QStringLiteral("command-r")},
        {QStringLiteral("deepseek"), QStringLiteral("deepseek-chat")},
        {QStringLiteral("bedrock"), QStringLiteral("anthropic.claude-3-haiku-20240307-v1:0")},
        {QStringLiteral("mock"), QStringLiteral("mock-gpt")},
    };
    const auto it = typical.find(provider);
    return it == typical.end() ? QString() : it->second;
}

QString KeysPage::selectedSlug() const
{
    const VirtualKey* k = model_->keyAt(table_->currentIndex().row());
    return k ? k->slug : QString();
}

void KeysPage::selectSlug(const QString& slug)
{
    const int row = model_->rowOf(slug);
    if (row >= 0)
        table_->selectRow(row);
    updateButtons();
}

void KeysPage::updateButtons()
{
    const VirtualKey* k = model_->keyAt(table_->currentIndex().row());
    for (QPushButton* b : {edit_, rotate_, toggle_, delete_, test_})
        b->setEnabled(k != nullptr);
    toggle_->setText(k && k->disabled ? tr("Enable") : tr("Disable"));
}

void KeysPage::showMessage(const QString& text, bool problem)
{
    message_->setText(text);
    message_->setStyleSheet(problem ? QStringLiteral("color: #c62828;") : QString());
    message_->setVisible(!text.isEmpty());
}

KeyDialog* KeysPage::openCreateDialog()
{
    auto* d = new KeyDialog(KeyDialog::Mode::Create, vault_, *providers_, {}, this);
    d->setAttribute(Qt::WA_DeleteOnClose);
    connect(d, &KeyDialog::saved, this, [this](const QString& slug) {
        showMessage(tr("Added '%1'; its secret is in %2.").arg(slug, vault_->secretStore().description()), false);
        selectSlug(slug);
    });
    d->open();
    return d;
}

KeyDialog* KeysPage::openEditDialog()
{
    const VirtualKey* k = model_->keyAt(table_->currentIndex().row());
    if (!k)
        return nullptr;
    auto* d = new KeyDialog(KeyDialog::Mode::Edit, vault_, *providers_, *k, this);
    d->setAttribute(Qt::WA_DeleteOnClose);
    connect(d, &KeyDialog::saved, this, [this](const QString& slug) { showMessage(tr("Saved '%1'.").arg(slug), false); });
    d->open();
    return d;
}

KeyDialog* KeysPage::openRotateDialog()
{
    const VirtualKey* k = model_->keyAt(table_->currentIndex().row());
    if (!k)
        return nullptr;
    auto* d = new KeyDialog(KeyDialog::Mode::Rotate, vault_, *providers_, *k, this);
    d->setAttribute(Qt::WA_DeleteOnClose);
    connect(d, &KeyDialog::saved, this, [this](const QString& slug) {
        showMessage(tr("Rotated the secret of '%1'; new requests use it now.").arg(slug), false);
    });
    d->open();
    return d;
}

void KeysPage::toggleSelected()
{
    const VirtualKey* k = model_->keyAt(table_->currentIndex().row());
    if (!k)
        return;
    const QString slug = k->slug;
    const bool disable = !k->disabled;
    toggle_->setEnabled(false);
    vault_->setDisabled(slug, disable, [self = QPointer<KeysPage>(this), slug, disable](const QString& error) {
        if (!self)
            return;
        self->updateButtons();
        self->showMessage(error.isEmpty() ? (disable ? tr("'%1' is disabled: requests using it are refused (403).").arg(slug)
                                                     : tr("'%1' is enabled.").arg(slug))
                                          : error,
                          !error.isEmpty());
        Q_EMIT self->operationFinished(error);
    });
}

void KeysPage::deleteSelected()
{
    const VirtualKey* k = model_->keyAt(table_->currentIndex().row());
    if (!k)
        return;
    const QString slug = k->slug;
    const auto answer = QMessageBox::question(this, tr("Delete virtual key"),
                                              tr("Delete '%1' and its secret from %2? Requests that use it will be refused.")
                                                  .arg(slug, vault_->secretStore().description()));
    if (answer != QMessageBox::Yes)
        return;
    delete_->setEnabled(false);
    vault_->removeKey(slug, [self = QPointer<KeysPage>(this), slug](const QString& error) {
        if (!self)
            return;
        self->updateButtons();
        self->showMessage(error.isEmpty() ? tr("Deleted '%1' and its secret.").arg(slug) : error, !error.isEmpty());
        Q_EMIT self->operationFinished(error);
    });
}

void KeysPage::testSelected()
{
    const VirtualKey* k = model_->keyAt(table_->currentIndex().row());
    if (!k)
        return;
    auto fail = [this](const QString& why) {
        testResult_->setText(why);
        testResult_->setStyleSheet(QStringLiteral("color: #c62828;"));
        Q_EMIT testFinished(0, why);
    };
    if (!gateway_ || !gateway_->isRunning())
        return fail(tr("The gateway is not running, so there is nothing to send the test through."));
    QString model = testModel_->text().trimmed();
    if (model.isEmpty())
        model = defaultTestModel(k->provider);
    if (model.isEmpty())
        return fail(tr("Enter a model of %1 to test with.").arg(k->provider));
    QNetworkRequest request(QUrl(gateway_->baseUrl() + QStringLiteral("/v1/chat/completions")));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("x-portkey-virtual-key", k->slug.toUtf8());
    if (gateway_->accessControlOn())
        request.setRawHeader("x-portkey-api-key", gateway_->consoleKey());
    request.setTransferTimeout(60'000);
    const nlohmann::json body = {{"model", model.toStdString()},
                                 {"max_tokens", 32},
                                 {"messages", nlohmann::json::array({{{"role", "user"}, {"content", "Say hello in a few words."}}})}};
    testResult_->setText(tr("Sending a test request with '%1'…").arg(k->slug));
    testResult_->setStyleSheet(QString());
    test_->setEnabled(false);
    QNetworkReply* reply = network_->post(request, QByteArray::fromStdString(body.dump()));
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        updateButtons();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QString summary = status > 0 ? summarizeAnswer(status, reply->readAll())
                                           : tr("No answer from the gateway: %1").arg(reply->errorString());
        testResult_->setText(summary);
        testResult_->setStyleSheet(status >= 200 && status < 300 ? QStringLiteral("color: #2e7d32;") : QStringLiteral("color: #c62828;"));
        Q_EMIT testFinished(status, summary);
    });
}

} // namespace gatehouse
