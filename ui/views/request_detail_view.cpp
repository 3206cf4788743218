#include "views/request_detail_view.h"

#include "duration_format.h"

#include <QFontDatabase>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QStringList>
#include <QTabWidget>
#include <QVBoxLayout>

#include <nlohmann/json.hpp>

namespace gatehouse {

namespace {

const QString kDash = QStringLiteral("\u2014");

QString orDash(const QString& s)
{
    return s.isEmpty() ? kDash : s;
}

QString msText(double ms)
{
    return ms < 0 ? kDash : formatMs(ms) + QStringLiteral(" ms");
}

QString countText(qint64 n)
{
    return n < 0 ? kDash : QLocale().toString(n);
}

QString reasonPhrase(int status)
{
    switch (status) {
    case 200: return QStringLiteral("OK");
    case 201: return QStringLiteral("Created");
    case 204: return QStringLiteral("No Content");
    case 304: return QStringLiteral("Not Modified");
    case 400: return QStringLiteral("Bad Request");
    case 401: return QStringLiteral("Unauthorized");
    case 402: return QStringLiteral("Payment Required");
    case 403: return QStringLiteral("Forbidden");
    case 404: return QStringLiteral("Not Found");
    case 405: return QStringLiteral("Method Not Allowed");
    case 408: return QStringLiteral("Request Timeout");
    case 409: return QStringLiteral("Conflict");
    case 413: return QStringLiteral("Content Too Large");
    case 415: return QStringLiteral("Unsupported Media Type");
    case 422: return QStringLiteral("Unprocessable Content");
    case 429: return QStringLiteral("Too Many Requests");
    case 431: return QStringLiteral("Request Header Fields Too Large");
    case 500: return QStringLiteral("Internal Server Error");
    case 501: return QStringLiteral("Not Implemented");
    case 502: return QStringLiteral("Bad Gateway");
    case 503: return QStringLiteral("Service Unavailable");
    case 504: return QStringLiteral("Gateway Timeout");
    default: return {};
    }
}

QColor statusColor(int status)
{
    if (status >= 500 || status == 0)
        return QColor(0xc6, 0x28, 0x28);
    if (status >= 400)
        return QColor(0xb5, 0x5d, 0x00);
    return {};
}

} // namespace

RequestDetailView::RequestDetailView(QWidget* parent)
    : QWidget(parent)
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    stack_ = new QStackedWidget(this);
    outer->addWidget(stack_);

    auto* placeholder = new QLabel(tr("Select a request to see its details."), stack_);
    placeholder->setAlignment(Qt::AlignCenter);
    placeholder->setEnabled(false);   // drawn in the disabled (greyed) text colour
    stack_->addWidget(placeholder);

    auto* splitter = new QSplitter(Qt::Horizontal, stack_);
    splitter->setChildrenCollapsible(false);

    auto* scroll = new QScrollArea(splitter);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto* formHost = new QWidget(scroll);
    form_ = new QFormLayout(formHost);
    form_->setContentsMargins(8, 6, 8, 6);
    form_->setVerticalSpacing(3);
    form_->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form_->setRowWrapPolicy(QFormLayout::DontWrapRows);
    form_->setLabelAlignment(Qt::AlignRight | Qt::AlignTop);

    // Most telling first, so a short pane shows what matters without scrolling.
    addField(Field::Time, tr("Time"), false);
    addField(Field::Endpoint, tr("Endpoint"), false);
    addField(Field::Status, tr("Status"), false);
    addField(Field::Error, tr("Error"), true);   // row hidden when there is no error
    addField(Field::Provider, tr("Provider"), false);
    addField(Field::Model, tr("Model"), false);
    addField(Field::UpstreamUrl, tr("Upstream URL"), false);
    addField(Field::Attempts, tr("Attempts"), false);
    addField(Field::Latency, tr("Latency"), false);
    addField(Field::Ttfb, tr("TTFB"), false);
    addField(Field::Tokens, tr("Tokens"), false);
    addField(Field::Cost, tr("Cost"), false);
    addField(Field::Cache, tr("Cache"), true);
    addField(Field::Sizes, tr("Sizes"), false);
    addField(Field::RequestId, tr("Request ID"), false);
    addField(Field::TraceId, tr("Trace ID"), false);
    addField(Field::Client, tr("Client"), false);
    addField(Field::UserAgent, tr("User agent"), false);
    addField(Field::Metadata, tr("Metadata"), true);
    addField(Field::Span, tr("Span"), true);
    addField(Field::Route, tr("Route"), true);
    addField(Field::Answer, tr("Answer"), true);
    addField(Field::Params, tr("Parameters"), true);
    scroll->setWidget(formHost);

    tabs_ = new QTabWidget(splitter);
    tabs_->setDocumentMode(true);
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    auto makeEdit = [&](const QString& objectName) {
        auto* edit = new QPlainTextEdit(tabs_);
        edit->setObjectName(objectName);
        edit->setReadOnly(true);
        edit->setFont(mono);
        edit->setLineWrapMode(QPlainTextEdit::NoWrap);
        edit->setPlaceholderText(tr("(no body)"));
        edit->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
        return edit;
    };
    requestEdit_ = makeEdit(QStringLiteral("requestBody"));
    responseEdit_ = makeEdit(QStringLiteral("responseBody"));
    tabs_->addTab(requestEdit_, tr("Request"));
    tabs_->addTab(responseEdit_, tr("Response"));
    attemptsEdit_ = makeEdit(QStringLiteral("attempts"));
    attemptsEdit_->setPlaceholderText(tr("(no upstream attempt)"));
    tabs_->addTab(attemptsEdit_, tr("Attempts"));

    splitter->addWidget(scroll);
    splitter->addWidget(tabs_);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    splitter->setSizes({480, 620});
    stack_->addWidget(splitter);

    clear();
}

void RequestDetailView::addField(Field field, const QString& label, bool wrap)
{
    QWidget* w = nullptr;
    if (wrap) {
        auto* l = new QLabel(form_->parentWidget());
        l->setWordWrap(true);
        l->setTextFormat(Qt::PlainText);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
        l->setAlignment(Qt::AlignLeft | Qt::AlignTop);
        w = l;
    } else {
        // A frameless read-only line edit: looks like a label, but long values (URLs, ids) scroll
        // instead of widening the pane, and the whole value can be selected and copied.
        auto* e = new QLineEdit(form_->parentWidget());
        e->setReadOnly(true);
        e->setFrame(false);
        e->setFocusPolicy(Qt::ClickFocus);
        QPalette p = e->palette();
        p.setColor(QPalette::Base, Qt::transparent);
        e->setPalette(p);
        e->setTextMargins(0, 0, 0, 0);
        e->setFixedHeight(e->fontMetrics().height() + 2);
        w = e;
    }
    w->setObjectName(QStringLiteral("field%1").arg(static_cast<int>(field)));
    fields_[static_cast<size_t>(field)] = w;
    form_->addRow(label + QLatin1Char(':'), w);
}

void RequestDetailView::setField(Field field, const QString& text, const QColor& color)
{
    QWidget* w = fields_[static_cast<size_t>(field)];
    QPalette p = w->palette();
    if (auto* e = qobject_cast<QLineEdit*>(w)) {
        e->setText(text);
        e->setCursorPosition(0);
        e->setToolTip(text.size() > 40 ? text : QString());
        p.setColor(QPalette::Text, color.isValid() ? color : palette().color(QPalette::Text));
    } else if (auto* l = qobject_cast<QLabel*>(w)) {
        l->setText(text);
        p.setColor(QPalette::WindowText, color.isValid() ? color : palette().color(QPalette::WindowText));
    }
    w->setPalette(p);
}

QString RequestDetailView::fieldText(Field field) const
{
    const QWidget* w = fields_[static_cast<size_t>(field)];
    if (const auto* e = qobject_cast<const QLineEdit*>(w))
        return e->text();
    if (const auto* l = qobject_cast<const QLabel*>(w))
        return l->text();
    return {};
}

bool RequestDetailView::hasRecord() const
{
    return stack_->currentIndex() == 1;
}

QString RequestDetailView::requestBodyText() const
{
    return requestEdit_->toPlainText();
}

QString RequestDetailView::attemptsText() const
{
    return attemptsEdit_->toPlainText();
}

QString RequestDetailView::responseBodyText() const
{
    return responseEdit_->toPlainText();
}

QString RequestDetailView::tabTitle(Tab tab) const
{
    return tabs_->tabText(tab);
}

QString RequestDetailView::formatBody(const QByteArray& body)
{
    if (body.isEmpty())
        return {};
    const auto json = nlohmann::json::parse(body.cbegin(), body.cend(), nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded())
        return QString::fromUtf8(body);   // not JSON: an SSE stream, plain text, or a truncated body
    return QString::fromStdString(json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
}

void RequestDetailView::setBody(Tab tab, QPlainTextEdit* edit, const QString& title, const QByteArray& body,
                                qint64 totalBytes, bool truncated)
{
    edit->setPlainText(formatBody(body));
    QString tabText = title;
    QString tip;
    if (truncated) {
        tabText += tr(" (truncated)");
        tip = tr("Truncated: showing the first %1 of %2")
                  .arg(QLocale().formattedDataSize(body.size()), QLocale().formattedDataSize(totalBytes));
    }
    tabs_->setTabText(tab, tabText);
    tabs_->setTabToolTip(tab, tip);
}

void RequestDetailView::showRecord(const RequestRecord& r)
{
    requestId_ = r.requestId;
    const QLocale locale;

    setField(Field::RequestId, orDash(r.requestId));
    setField(Field::TraceId, orDash(r.traceId));
    setField(Field::Time, r.receivedAt.isValid()
                              ? r.receivedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd hh:mm:ss.zzz"))
                              : kDash);
    setField(Field::Endpoint, orDash(r.method.isEmpty() ? r.path : r.method + QLatin1Char(' ') + r.path));
    setField(Field::Provider, orDash(r.provider));
    setField(Field::Model, orDash(r.model));
    setField(Field::UpstreamUrl, orDash(r.upstreamUrl));
    setField(Field::Attempts, r.attempts > 0 ? QString::number(r.attempts) : kDash);

    QString status = r.status > 0 ? QString::number(r.status) : tr("none (no response sent)");
    if (const QString reason = reasonPhrase(r.status); !reason.isEmpty())
        status += QLatin1Char(' ') + reason;
    if (r.stream)
        status += tr(" \u00b7 streamed");
    setField(Field::Status, status, statusColor(r.status));

    QString latency = tr("%1 total").arg(msText(r.totalMs));
    if (r.upstreamMs >= 0)
        latency += tr(" \u00b7 %1 upstream").arg(msText(r.upstreamMs));
    setField(Field::Latency, latency);
    setField(Field::Ttfb, msText(r.firstByteMs));

    if (r.promptTokens < 0 && r.completionTokens < 0 && r.totalTokens < 0)
        setField(Field::Tokens, tr("%1 (not reported)").arg(kDash));
    else
        setField(Field::Tokens, tr("%1 prompt \u00b7 %2 completion \u00b7 %3 total")
                                    .arg(countText(r.promptTokens), countText(r.completionTokens),
                                         countText(r.totalTokens)));

    // Never a made-up $0: an unknown price says so.
    setField(Field::Cost, r.priceKnown ? QLatin1Char('$') + locale.toString(r.costUsd, 'f', 6)
                          : r.cacheStatus.endsWith(QLatin1String("HIT")) ? tr("none (answered from the cache)")
                                                                         : tr("%1 (price unknown)").arg(kDash));
    QStringList cache;
    if (!r.cacheStatus.isEmpty())
        cache << r.cacheStatus;
    if (r.cacheSimilarity >= 0)
        cache << tr("similarity %1").arg(r.cacheSimilarity, 0, 'f', 3);
    if (r.cacheSavedUsd >= 0)
        cache << tr("saved $%1").arg(locale.toString(r.cacheSavedUsd, 'f', 6));
    if (!r.cacheKey.isEmpty())
        cache << tr("key %1").arg(r.cacheKey.left(12));
    setField(Field::Cache, cache.isEmpty() ? kDash : cache.join(QStringLiteral(" \u00b7 ")));

    setField(Field::Sizes, tr("request %1 \u00b7 response %2")
                               .arg(locale.formattedDataSize(r.requestBytes), locale.formattedDataSize(r.responseBytes)));
    setField(Field::Client, orDash(r.clientAddress));
    setField(Field::UserAgent, orDash(r.userAgent));

    QStringList meta;
    for (const auto& [key, value] : r.metadata)
        meta << QString::fromStdString(key) + QStringLiteral(" = ") + QString::fromStdString(value);
    setField(Field::Metadata, meta.isEmpty() ? kDash : meta.join(QStringLiteral(", ")));

    QString error;
    if (!r.errorType.isEmpty() || !r.errorMessage.isEmpty())
        error = r.errorType.isEmpty() ? r.errorMessage
              : r.errorMessage.isEmpty() ? r.errorType
                                         : r.errorType + QStringLiteral(": ") + r.errorMessage;
    setField(Field::Error, orDash(error), error.isEmpty() ? QColor() : statusColor(500));
    form_->setRowVisible(fields_[static_cast<size_t>(Field::Error)], !error.isEmpty());

    QStringList span;
    if (!r.spanName.isEmpty())
        span << r.spanName;
    if (!r.spanId.isEmpty())
        span << tr("id %1").arg(r.spanId);
    if (!r.parentSpanId.isEmpty())
        span << tr("parent %1").arg(r.parentSpanId);
    setField(Field::Span, span.isEmpty() ? kDash : span.join(QStringLiteral(" \u00b7 ")));

    QStringList route;
    route << (r.configId.isEmpty() ? tr("no saved config")
              : r.configVersion > 0 ? tr("config %1 v%2").arg(r.configId).arg(r.configVersion)
                                    : tr("config %1").arg(r.configId));
    if (!r.targetPath.isEmpty())
        route << tr("target %1").arg(r.targetPath);
    if (r.retries != 0)
        route << (r.retries < 0 ? tr("retries exhausted") : tr("%n retries", nullptr, r.retries));
    if (r.fallbackUsed)
        route << tr("fallback used");
    setField(Field::Route, route.join(QStringLiteral(" \u00b7 ")));

    QStringList answer;
    if (!r.modelServed.isEmpty())
        answer << tr("model %1").arg(r.modelServed);
    if (!r.finishReason.isEmpty())
        answer << tr("finish %1").arg(r.finishReason);
    if (r.toolCalls > 0)
        answer << tr("%n tool call(s)", nullptr, r.toolCalls);
    if (r.cachedTokens > 0)
        answer << tr("%1 cached prompt tokens").arg(countText(r.cachedTokens));
    setField(Field::Answer, answer.isEmpty() ? kDash : answer.join(QStringLiteral(" \u00b7 ")));

    QStringList params;
    if (r.temperature >= 0)
        params << QStringLiteral("temperature %1").arg(r.temperature);
    if (r.topP >= 0)
        params << QStringLiteral("top_p %1").arg(r.topP);
    if (r.maxTokens >= 0)
        params << QStringLiteral("max_tokens %1").arg(r.maxTokens);
    if (r.messagesCount >= 0)
        params << tr("%n message(s)", nullptr, r.messagesCount);
    if (r.toolsCount >= 0)
        params << tr("%n tool(s)", nullptr, r.toolsCount);
    setField(Field::Params, params.isEmpty() ? kDash : params.join(QStringLiteral(" \u00b7 ")));

    QStringList attempts;
    for (std::size_t i = 0; i < r.attemptLog.size(); ++i) {
        const AttemptRecord& a = r.attemptLog[i];
        attempts << QStringLiteral("%1. %2  %3  %4  start +%5 ms  took %6 ms%7")
                        .arg(i + 1)
                        .arg(a.path.isEmpty() ? QStringLiteral("-") : a.path, a.provider.isEmpty() ? QStringLiteral("-") : a.provider)
                        .arg(a.status)
                        .arg(a.startMs < 0 ? QStringLiteral("?") : msText(a.startMs).remove(QStringLiteral(" ms")),
                             msText(a.latencyMs).remove(QStringLiteral(" ms")),
                             a.error.isEmpty() ? QString() : QStringLiteral("  ") + a.error);
    }
    attemptsEdit_->setPlainText(attempts.join(QLatin1Char('\n')));
    tabs_->setTabText(AttemptsTab, tr("Attempts (%1)").arg(r.attemptLog.size()));

    setBody(RequestTab, requestEdit_, tr("Request"), r.requestBody, r.requestBytes, r.requestBodyTruncated);
    setBody(ResponseTab, responseEdit_, tr("Response"), r.responseBody, r.responseBytes, r.responseBodyTruncated);

    stack_->setCurrentIndex(1);
}

void RequestDetailView::clear()
{
    requestId_.clear();
    for (size_t i = 0; i < kFieldCount; ++i)
        setField(static_cast<Field>(i), QString());
    requestEdit_->clear();
    responseEdit_->clear();
    attemptsEdit_->clear();
    tabs_->setTabText(AttemptsTab, tr("Attempts"));
    tabs_->setTabText(RequestTab, tr("Request"));
    tabs_->setTabText(ResponseTab, tr("Response"));
    tabs_->setTabToolTip(RequestTab, {});
    tabs_->setTabToolTip(ResponseTab, {});
    stack_->setCurrentIndex(0);
}

} // namespace gatehouse
