#include "dialogs/connect_dialog.h"

#include "gateway_service.h"
#include "providers/provider_registry.h"
#include "routing/config_set.h"

#include <nlohmann/json.hpp>

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace gatehouse {

namespace {

constexpr auto kDefaultMetadata = "{\"_user\": \"alice\", \"env\": \"dev\"}";

QString baseUrlOf(const GatewayService* gateway)
{
    if (gateway && gateway->isRunning())
        return gateway->baseUrl();
    return QStringLiteral("http://127.0.0.1:8787");
}

bool providerNeedsKey(const QString& id)
{
    static const auto registry = [] {
        try {
            return ProviderRegistry::builtIn();
        } catch (...) {
            return std::shared_ptr<const ProviderRegistry>();
        }
    }();
    const Provider* p = registry ? registry->find(id) : nullptr;
    return !p || p->info().keyRequired;
}

} // namespace

QString generateTraceId()
{
    return QStringLiteral("run-%1").arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
}

ConnectDialog::ConnectDialog(GatewayService* gateway, QWidget* parent)
    : QDialog(parent)
    , gateway_(gateway)
{
    setWindowTitle(tr("Connect a client"));
    resize(860, 640);

    baseUrl_ = new QLabel(this);
    baseUrl_->setObjectName(QStringLiteral("connectBaseUrl"));
    baseUrl_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    routeKind_ = new QComboBox(this);
    routeKind_->addItem(tr("Provider"), int(ConnectRoute::Provider));
    routeKind_->addItem(tr("Virtual key"), int(ConnectRoute::VirtualKey));
    routeKind_->addItem(tr("Saved config"), int(ConnectRoute::Config));
    routeValue_ = new QComboBox(this);
    routeValue_->setEditable(true);
    routeValue_->setMinimumWidth(260);
    routeValue_->setObjectName(QStringLiteral("connectRouteValue"));
    auto* routeRow = new QHBoxLayout;
    routeRow->addWidget(routeKind_);
    routeRow->addWidget(routeValue_, 1);

    model_ = new QLineEdit(QStringLiteral("gpt-4o-mini"), this);
    trace_ = new QLineEdit(generateTraceId(), this);
    auto* newTrace = new QPushButton(tr("New"), this);
    newTrace->setToolTip(tr("Generate another trace id"));
    auto* traceRow = new QHBoxLayout;
    traceRow->addWidget(trace_, 1);
    traceRow->addWidget(newTrace);
    metadata_ = new QLineEdit(QString::fromLatin1(kDefaultMetadata), this);
    metadata_->setToolTip(tr("A JSON object of string values, sent as x-portkey-metadata and searchable in Logs (meta.env:dev)"));
    metadataError_ = new QLabel(this);
    metadataError_->setStyleSheet(QStringLiteral("color: #b00020;"));
    metadataError_->hide();

    auto* form = new QFormLayout;
    form->addRow(tr("Base URL"), baseUrl_);
    form->addRow(tr("Route by"), routeRow);
    form->addRow(tr("Model"), model_);
    form->addRow(tr("Trace ID"), traceRow);
    form->addRow(tr("Metadata"), metadata_);
    form->addRow(QString(), metadataError_);

    tabs_ = new QTabWidget(this);
    tabs_->setObjectName(QStringLiteral("connectTabs"));
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    for (SnippetLanguage language : snippetLanguages()) {
        auto* edit = new QPlainTextEdit(tabs_);
        edit->setReadOnly(true);
        edit->setFont(mono);
        edit->setLineWrapMode(QPlainTextEdit::NoWrap);
        editors_ << edit;
        tabs_->addTab(edit, snippetLanguageName(language));
    }

    copy_ = new QPushButton(QIcon::fromTheme(QStringLiteral("edit-copy")), tr("Copy"), this);
    copy_->setObjectName(QStringLiteral("connectCopy"));
    copy_->setDefault(true);
    copied_ = new QLabel(this);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(copy_);
    bottom->addWidget(copied_, 1);
    bottom->addWidget(buttons);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(tabs_, 1);
    layout->addLayout(bottom);

    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(copy_, &QPushButton::clicked, this, &ConnectDialog::copyCurrent);
    connect(newTrace, &QPushButton::clicked, this, &ConnectDialog::newTraceId);
    connect(routeKind_, &QComboBox::currentIndexChanged, this, [this] {
        fillRouteValues();
        updateSnippets();
    });
    connect(routeValue_, &QComboBox::currentTextChanged, this, [this](const QString& value) {
        // The mock provider answers any model; its name says what it is.
        if (!modelTouched_ && routeKind_->currentData().toInt() == int(ConnectRoute::Provider)) {
            const QSignalBlocker block(model_);
            model_->setText(value == QLatin1String("mock") ? QStringLiteral("mock-gpt") : QStringLiteral("gpt-4o-mini"));
        }
        updateSnippets();
    });
    connect(model_, &QLineEdit::textEdited, this, [this] { modelTouched_ = true; });
    for (QLineEdit* e : {model_, trace_, metadata_})
        connect(e, &QLineEdit::textChanged, this, &ConnectDialog::updateSnippets);
    connect(tabs_, &QTabWidget::currentChanged, copied_, &QLabel::clear);

    refresh();
    // A saved default config is what most clients should use; otherwise a provider.
    if (gateway_ && gateway_->configs() && !gateway_->configs()->defaultId.empty())
        setRoute(ConnectRoute::Config, QString::fromStdString(gateway_->configs()->defaultId));
}

void ConnectDialog::refresh()
{
    baseUrl_->setText(baseUrlOf(gateway_) + QStringLiteral("/v1"));
    fillRouteValues();
    updateSnippets();
}

void ConnectDialog::fillRouteValues()
{
    const auto kind = ConnectRoute(routeKind_->currentData().toInt());
    const QString keep = routeValue_->currentText();
    QStringList values;
    switch (kind) {
    case ConnectRoute::Provider:
        try {
            values = ProviderRegistry::builtIn()->ids();
        } catch (...) {
        }
        break;
    case ConnectRoute::VirtualKey:
        if (gateway_ && gateway_->keys())
            for (const auto& [slug, key] : gateway_->keys()->keys)
                values << slug;
        break;
    case ConnectRoute::Config:
        if (gateway_ && gateway_->configs())
            values = gateway_->configs()->ids();
        break;
    }
    const QSignalBlocker block(routeValue_);
    routeValue_->clear();
    routeValue_->addItems(values);
    QString pick = values.contains(keep) ? keep : QString();
    if (pick.isEmpty() && kind == ConnectRoute::Provider)
        pick = QStringLiteral("openai");
    if (pick.isEmpty() && !values.isEmpty())
        pick = values.first();
    routeValue_->setCurrentText(pick);
    routeValue_->lineEdit()->setPlaceholderText(kind == ConnectRoute::VirtualKey ? tr("slug of a virtual key")
                                                : kind == ConnectRoute::Config   ? tr("pc-... (a saved config id)")
                                                                                 : tr("provider id"));
}

void ConnectDialog::setRoute(ConnectRoute route, const QString& value)
{
    routeKind_->setCurrentIndex(routeKind_->findData(int(route)));
    routeValue_->setCurrentText(value);
    updateSnippets();
}

SnippetInput ConnectDialog::input() const
{
    SnippetInput in;
    in.baseUrl = baseUrlOf(gateway_);
    in.route = ConnectRoute(routeKind_->currentData().toInt());
    in.routeValue = routeValue_->currentText().trimmed();
    in.providerKeyNeeded = in.route == ConnectRoute::Provider && providerNeedsKey(in.routeValue);
    in.model = model_->text().trimmed();
    in.traceId = trace_->text().trimmed();
    in.metadataJson = metadata_->text().trimmed();
    in.gatewayKeyRequired = gateway_ && !gateway_->settings().apiKeyDigests.empty();
    return in;
}

QString ConnectDialog::snippet(SnippetLanguage language) const
{
    return connectSnippet(language, input());
}

QString ConnectDialog::currentSnippet() const
{
    const int i = tabs_->currentIndex();
    return i < 0 ? QString() : editors_.at(i)->toPlainText();
}

void ConnectDialog::setCurrentLanguage(SnippetLanguage language)
{
    tabs_->setCurrentIndex(int(snippetLanguages().indexOf(language)));
}

void ConnectDialog::updateSnippets()
{
    const QString meta = metadata_->text().trimmed();
    const auto parsed = nlohmann::json::parse(meta.toStdString(), nullptr, false);
    const bool metaOk = meta.isEmpty() || parsed.is_object();
    metadataError_->setText(metaOk ? QString() : tr("Metadata must be a JSON object, e.g. {\"env\": \"dev\"}; left out of the snippets."));
    metadataError_->setVisible(!metaOk);
    const SnippetInput in = input();
    const auto languages = snippetLanguages();
    for (int i = 0; i < languages.size(); ++i)
        editors_.at(i)->setPlainText(connectSnippet(languages.at(i), in));
    copied_->clear();
}

void ConnectDialog::copyCurrent()
{
    QApplication::clipboard()->setText(currentSnippet());
    copied_->setText(tr("Copied %1 snippet to the clipboard.").arg(tabs_->tabText(tabs_->currentIndex())));
}

void ConnectDialog::newTraceId()
{
    trace_->setText(generateTraceId());
}

} // namespace gatehouse
