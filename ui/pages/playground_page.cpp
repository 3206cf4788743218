#include "pages/playground_page.h"

#include "dialogs/connect_dialog.h"
#include "gateway_service.h"
#include "providers/provider_registry.h"
#include "routing/config_set.h"

#include <nlohmann/json.hpp>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>

namespace gatehouse {

namespace {

using nlohmann::json;

enum RouteKind { ByProvider, ByVirtualKey, ByConfig };

// {"error":{"message":...}} -> the message; otherwise the body itself, shortened.
QString errorMessageOf(const QByteArray& body)
{
    const auto j = json::parse(body.begin(), body.end(), nullptr, false);
    if (j.is_object()) {
        const auto e = j.find("error");
        if (e != j.end() && e->is_object() && e->contains("message") && (*e)["message"].is_string())
            return QString::fromStdString((*e)["message"].get<std::string>());
        if (e != j.end() && e->is_string())
            return QString::fromStdString(e->get<std::string>());
    }
    return QString::fromUtf8(body.left(500));
}

} // namespace

PlaygroundPage::PlaygroundPage(GatewayService* gateway, QWidget* parent)
    : QWidget(parent)
    , gateway_(gateway)
{
    network_ = new QNetworkAccessManager(this);
    network_->setProxy(QNetworkProxy::NoProxy);   // the gateway is local: never through a proxy

    routeKind_ = new QComboBox(this);
    routeKind_->addItem(tr("Provider"), ByProvider);
    routeKind_->addItem(tr("Virtual key"), ByVirtualKey);
    routeKind_->addItem(tr("Saved config"), ByConfig);
    routeValue_ = new QComboBox(this);
    routeValue_->setEditable(true);
    routeValue_->setObjectName(QStringLiteral("playgroundRouteValue"));
    auto* routeRow = new QHBoxLayout;
    routeRow->addWidget(routeKind_);
    routeRow->addWidget(routeValue_, 1);

    model_ = new QLineEdit(QStringLiteral("mock-gpt"), this);
    system_ = new QPlainTextEdit(this);
    system_->setPlaceholderText(tr("Optional system message"));
    system_->setMaximumHeight(70);
    user_ = new QPlainTextEdit(QStringLiteral("Write a haiku about gateways."), this);
    user_->setMaximumHeight(110);
    temperature_ = new QDoubleSpinBox(this);
    temperature_->setRange(-0.1, 2.0);
    temperature_->setSingleStep(0.1);
    temperature_->setDecimals(1);
    temperature_->setSpecialValueText(tr("provider default"));
    temperature_->setValue(-0.1);
    maxTokens_ = new QSpinBox(this);
    maxTokens_->setRange(0, 1'000'000);
    maxTokens_->setSpecialValueText(tr("provider default"));
    stream_ = new QCheckBox(tr("Stream the answer"), this);
    stream_->setChecked(true);
    metadata_ = new QLineEdit(this);
    metadata_->setPlaceholderText(QStringLiteral("{\"env\": \"dev\"}"));
    providerKey_ = new QLineEdit(this);
    providerKey_->setEchoMode(QLineEdit::Password);
    providerKey_->setPlaceholderText(tr("sent as Authorization; not needed for mock, virtual keys or configs"));
    gatewayKey_ = new QLineEdit(this);
    gatewayKey_->setObjectName(QStringLiteral("gatewayKey"));
    gatewayKey_->setEchoMode(QLineEdit::Password);
    gatewayKey_->setPlaceholderText(tr("optional: a gateway key to try (the window uses its own otherwise)"));

    auto* form = new QFormLayout;
    form->addRow(tr("Route by"), routeRow);
    form->addRow(tr("Model"), model_);
    form->addRow(tr("System"), system_);
    form->addRow(tr("User"), user_);
    auto* numbers = new QHBoxLayout;
    numbers->addWidget(new QLabel(tr("Temperature"), this));
    numbers->addWidget(temperature_);
    numbers->addSpacing(12);
    numbers->addWidget(new QLabel(tr("Max tokens"), this));
    numbers->addWidget(maxTokens_);
    numbers->addSpacing(12);
    numbers->addWidget(stream_);
    numbers->addStretch(1);
    form->addRow(QString(), numbers);
    form->addRow(tr("Metadata"), metadata_);
    form->addRow(tr("Provider key"), providerKey_);
    gatewayKeyLabel_ = new QLabel(tr("Gateway key"), this);
    form->addRow(gatewayKeyLabel_, gatewayKey_);

    send_ = new QPushButton(QIcon::fromTheme(QStringLiteral("mail-send")), tr("Send"), this);
    send_->setObjectName(QStringLiteral("playgroundSend"));
    send_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    send_->setToolTip(tr("Send (Ctrl+Enter)"));
    stop_ = new QPushButton(QIcon::fromTheme(QStringLiteral("process-stop")), tr("Stop"), this);
    stop_->setEnabled(false);
    logs_ = new QPushButton(tr("Show in Logs"), this);
    logs_->setEnabled(false);
    logs_->setToolTip(tr("Open the Logs page filtered to this request's trace id"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(send_);
    buttons->addWidget(stop_);
    buttons->addStretch(1);
    buttons->addWidget(logs_);

    auto* request = new QWidget(this);
    auto* requestLayout = new QVBoxLayout(request);
    requestLayout->setContentsMargins(0, 0, 0, 0);
    requestLayout->addLayout(form);
    requestLayout->addLayout(buttons);
    requestLayout->addStretch(1);

    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("playgroundStatus"));
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    error_ = new QLabel(this);
    error_->setObjectName(QStringLiteral("playgroundError"));
    error_->setStyleSheet(QStringLiteral("color: #b00020;"));
    error_->setWordWrap(true);
    error_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    error_->hide();
    answer_ = new QPlainTextEdit(this);
    answer_->setObjectName(QStringLiteral("playgroundAnswer"));
    answer_->setReadOnly(true);
    answer_->setPlaceholderText(tr("The answer appears here as it arrives."));
    headers_ = new QPlainTextEdit(this);
    headers_->setObjectName(QStringLiteral("playgroundHeaders"));
    headers_->setReadOnly(true);
    headers_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    headers_->setLineWrapMode(QPlainTextEdit::NoWrap);
    headers_->setPlaceholderText(tr("x-portkey-* response headers"));

    auto* responseSplit = new QSplitter(Qt::Vertical, this);
    responseSplit->addWidget(answer_);
    responseSplit->addWidget(headers_);
    responseSplit->setStretchFactor(0, 3);
    responseSplit->setStretchFactor(1, 1);
    auto* response = new QWidget(this);
    auto* responseLayout = new QVBoxLayout(response);
    responseLayout->setContentsMargins(0, 0, 0, 0);
    responseLayout->addWidget(status_);
    responseLayout->addWidget(error_);
    responseLayout->addWidget(responseSplit, 1);

    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(request);
    split->addWidget(response);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setChildrenCollapsible(false);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split);

    connect(routeKind_, &QComboBox::currentIndexChanged, this, &PlaygroundPage::fillRouteValues);
    connect(send_, &QPushButton::clicked, this, &PlaygroundPage::send);
    connect(stop_, &QPushButton::clicked, this, &PlaygroundPage::stop);
    connect(logs_, &QPushButton::clicked, this, [this] { Q_EMIT showInLogs(lastTraceId_); });
    fillRouteValues();
    routeValue_->setCurrentText(QStringLiteral("mock"));
    if (gateway_) {
        // A restart may have turned access control on or off.
        connect(gateway_, &GatewayService::started, this, [this] {
            const bool accessControl = !gateway_->settings().apiKeyDigests.empty();
            gatewayKey_->setVisible(accessControl);
            gatewayKeyLabel_->setVisible(accessControl);
        });
    }
}

PlaygroundPage::~PlaygroundPage()
{
    if (reply_)
        reply_->abort();
}

void PlaygroundPage::fillRouteValues()
{
    QStringList values;
    switch (routeKind_->currentData().toInt()) {
    case ByProvider:
        try {
            values = ProviderRegistry::builtIn()->ids();
        } catch (...) {
        }
        break;
    case ByVirtualKey:
        if (gateway_ && gateway_->keys())
            for (const auto& [slug, key] : gateway_->keys()->keys)
                values << slug;
        break;
    case ByConfig:
        if (gateway_ && gateway_->configs())
            values = gateway_->configs()->ids();
        break;
    }
    routeValue_->clear();
    routeValue_->addItems(values);
    const bool accessControl = gateway_ && !gateway_->settings().apiKeyDigests.empty();
    gatewayKey_->setVisible(accessControl);
    gatewayKeyLabel_->setVisible(accessControl);
}

QByteArray PlaygroundPage::requestBody() const
{
    json messages = json::array();
    const QString system = system_->toPlainText().trimmed();
    if (!system.isEmpty())
        messages.push_back({{"role", "system"}, {"content", system.toStdString()}});
    messages.push_back({{"role", "user"}, {"content", user_->toPlainText().toStdString()}});
    json body = {{"model", model_->text().trimmed().toStdString()}, {"messages", messages}};
    if (temperature_->value() >= 0)
        body["temperature"] = temperature_->value();
    if (maxTokens_->value() > 0)
        body["max_tokens"] = maxTokens_->value();
    if (stream_->isChecked())
        body["stream"] = true;
    return QByteArray::fromStdString(body.dump());
}

void PlaygroundPage::send()
{
    if (reply_)
        return;
    answer_->clear();
    headers_->clear();
    error_->hide();
    status_->clear();
    logs_->setEnabled(false);
    lastRequestId_.clear();
    lastTraceId_.clear();
    if (!gateway_ || !gateway_->isRunning()) {
        showError(tr("The gateway is not running, so there is nothing to send to."));
        Q_EMIT finished();
        return;
    }
    const QString meta = metadata_->text().trimmed();
    if (!meta.isEmpty() && !json::parse(meta.toStdString(), nullptr, false).is_object()) {
        showError(tr("Metadata must be a JSON object, e.g. {\"env\": \"dev\"}."));
        Q_EMIT finished();
        return;
    }
    QNetworkRequest req(QUrl(gateway_->baseUrl() + QStringLiteral("/v1/chat/completions")));
    req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    req.setTransferTimeout(0);   // a long answer is fine; Stop ends it
    static const char* const kRouteHeaders[] = {"x-portkey-provider", "x-portkey-virtual-key", "x-portkey-config"};
    const QString route = routeValue_->currentText().trimmed();
    if (!route.isEmpty())
        req.setRawHeader(kRouteHeaders[routeKind_->currentData().toInt()], route.toUtf8());
    const QString trace = generateTraceId();
    req.setRawHeader("x-portkey-trace-id", trace.toUtf8());
    if (!meta.isEmpty())
        req.setRawHeader("x-portkey-metadata", meta.toUtf8());
    if (!providerKey_->text().isEmpty())
        req.setRawHeader("Authorization", "Bearer " + providerKey_->text().toUtf8());
    if (gateway_ && gateway_->accessControlOn()) {
        // The user's own key when given (to try it), else the window's.
        const QString typed = gatewayKey_->text().trimmed();
        req.setRawHeader("x-portkey-api-key", typed.isEmpty() ? gateway_->consoleKey() : typed.toUtf8());
    }
    lastTraceId_ = trace;

    reader_ = ChatStreamReader();
    body_.clear();
    streaming_ = false;
    stopped_ = false;
    firstByteMs_ = -1;
    clock_.start();
    reply_ = network_->post(req, requestBody());
    connect(reply_, &QNetworkReply::readyRead, this, &PlaygroundPage::onReadyRead);
    connect(reply_, &QNetworkReply::finished, this, &PlaygroundPage::onFinished);
    status_->setText(tr("Sending\u2026"));
    setBusy(true);
}

void PlaygroundPage::stop()
{
    if (!reply_)
        return;
    stopped_ = true;
    reply_->abort();   // finished() follows
}

void PlaygroundPage::onReadyRead()
{
    if (firstByteMs_ < 0) {
        firstByteMs_ = clock_.elapsed();
        const int status = reply_->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        streaming_ = status < 400
                  && reply_->header(QNetworkRequest::ContentTypeHeader).toString().startsWith(QLatin1String("text/event-stream"));
        QStringList lines;
        for (const auto& [name, value] : reply_->rawHeaderPairs()) {
            if (name.toLower().startsWith("x-portkey-"))
                lines << QString::fromUtf8(name.toLower() + ": " + value);
        }
        headers_->setPlainText(lines.join(QLatin1Char('\n')));
        lastRequestId_ = QString::fromUtf8(reply_->rawHeader("x-portkey-request-id"));
        if (const QByteArray t = reply_->rawHeader("x-portkey-trace-id"); !t.isEmpty())
            lastTraceId_ = QString::fromUtf8(t);
        status_->setText(tr("%1 \u00b7 receiving\u2026").arg(status));
    }
    const QByteArray bytes = reply_->readAll();
    if (!streaming_) {
        body_.append(bytes);
        return;
    }
    const QString text = reader_.feed(bytes);
    if (!text.isEmpty()) {
        QTextCursor c = answer_->textCursor();
        c.movePosition(QTextCursor::End);
        c.insertText(text);
        answer_->verticalScrollBar()->setValue(answer_->verticalScrollBar()->maximum());
    }
}

void PlaygroundPage::onFinished()
{
    QNetworkReply* reply = reply_;
    if (reply->bytesAvailable() > 0 || firstByteMs_ < 0)
        onReadyRead();
    reply_ = nullptr;
    reply->deleteLater();
    setBusy(false);
    const qint64 ms = clock_.elapsed();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    QString timing = tr("%1 ms").arg(ms);
    if (firstByteMs_ >= 0 && streaming_)
        timing += tr(" (first byte %1 ms)").arg(firstByteMs_);
    if (status > 0)
        status_->setText(QStringLiteral("%1 %2 \u00b7 %3")
                             .arg(status)
                             .arg(reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString(), timing));
    else
        status_->setText(timing);
    logs_->setEnabled(status > 0 && !lastTraceId_.isEmpty());

    if (stopped_) {
        status_->setText(status_->text() + tr(" \u00b7 stopped"));
    } else if (status == 0) {
        showError(tr("Cannot reach the gateway: %1").arg(reply->errorString()));
    } else if (status >= 400) {
        showError(tr("Error %1: %2").arg(status).arg(errorMessageOf(body_)));
    } else if (streaming_) {
        if (!reader_.error().isEmpty())
            showError(tr("The stream ended with an error: %1").arg(reader_.error()));
        else if (!reader_.isDone())
            showError(tr("The stream ended before [DONE]: %1").arg(reply->errorString()));
    } else {
        const auto j = json::parse(body_.begin(), body_.end(), nullptr, false);
        const json* content = nullptr;
        if (j.is_object() && j.contains("choices") && j["choices"].is_array() && !j["choices"].empty()) {
            const json& c = j["choices"][0];
            if (c.is_object() && c.contains("message") && c["message"].is_object() && c["message"].contains("content"))
                content = &c["message"]["content"];
        }
        if (content && content->is_string())
            answer_->setPlainText(QString::fromStdString(content->get<std::string>()));
        else
            answer_->setPlainText(QString::fromUtf8(body_));   // tool calls etc.: the raw answer
    }
    Q_EMIT finished();
}

void PlaygroundPage::showError(const QString& message)
{
    error_->setText(message);
    error_->show();
}

void PlaygroundPage::setBusy(bool busy)
{
    send_->setEnabled(!busy);
    stop_->setEnabled(busy);
}

QString PlaygroundPage::answerText() const { return answer_->toPlainText(); }
QString PlaygroundPage::statusText() const { return status_->text(); }
QString PlaygroundPage::headersText() const { return headers_->toPlainText(); }
QString PlaygroundPage::errorText() const { return error_->isHidden() ? QString() : error_->text(); }

} // namespace gatehouse
