#include "observability/otlp_exporter.h"

#include "observability/otlp_spans.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrlQuery>

namespace gatehouse {

OtlpSettings OtlpSettings::fromEnvironment(const QString& explicitEndpoint, QString* error)
{
    OtlpSettings s;
    QString url = explicitEndpoint;
    if (url.isEmpty())
        url = qEnvironmentVariable("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
    if (url.isEmpty()) {
        const QString base = qEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT");
        if (!base.isEmpty())
            url = (base.endsWith(QLatin1Char('/')) ? base.chopped(1) : base) + QStringLiteral("/v1/traces");
    }
    if (url.isEmpty())
        return s;   // not configured: no export
    const QUrl parsed(url, QUrl::StrictMode);
    if (!parsed.isValid() || (parsed.scheme() != u"http" && parsed.scheme() != u"https") || parsed.host().isEmpty()) {
        *error = QStringLiteral("the OTLP endpoint must be an http(s) URL such as http://127.0.0.1:4318/v1/traces");
        return s;
    }
    s.endpoint = parsed;
    for (const QString& pair : qEnvironmentVariable("OTEL_EXPORTER_OTLP_HEADERS").split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const qsizetype eq = pair.indexOf(QLatin1Char('='));
        if (eq <= 0) {
            *error = QStringLiteral("OTEL_EXPORTER_OTLP_HEADERS must be key=value pairs separated by commas");
            return {};
        }
        s.headers.append({QUrl::fromPercentEncoding(pair.left(eq).trimmed().toUtf8()).toUtf8(),
                          QUrl::fromPercentEncoding(pair.mid(eq + 1).trimmed().toUtf8()).toUtf8()});
    }
    return s;
}

OtlpExporter::OtlpExporter(OtlpSettings settings, QObject* parent)
    : QObject(parent)
    , settings_(std::move(settings))
    , network_(new QNetworkAccessManager(this))
{
    network_->setAutoDeleteReplies(true);
    flushTimer_.setInterval(settings_.flushIntervalMs);
    connect(&flushTimer_, &QTimer::timeout, this, &OtlpExporter::sendNext);
    flushTimer_.start();
    backoffTimer_.setSingleShot(true);
    connect(&backoffTimer_, &QTimer::timeout, this, &OtlpExporter::sendNext);
}

OtlpExporter::~OtlpExporter() = default;

void OtlpExporter::append(const RecordBatch& batch)
{
    if (!batch)
        return;
    nlohmann::json spans = nlohmann::json::array();
    for (const RequestRecord& r : *batch) {
        if (!r.hasResponseSummary()) {
            RequestRecord summarized = r;   // the answer summary is read off the gateway thread: here
            summarized.summarizeResponse();
            appendOtlpSpans(summarized, spans);
        } else {
            appendOtlpSpans(r, spans);
        }
    }
    for (auto& s : spans)
        queue_.push_back(std::move(s));
    if (queue_.size() > std::size_t(settings_.maxQueuedSpans))
        dropOldest(queue_.size() - std::size_t(settings_.maxQueuedSpans));
    if (int(queue_.size()) >= settings_.maxBatchSpans)
        sendNext();   // a full batch need not wait for the timer
}

void OtlpExporter::dropOldest(std::size_t count)
{
    for (std::size_t i = 0; i < count && !queue_.empty(); ++i)
        queue_.pop_front();
    dropped_ += qint64(count);
    if (!failing_) {
        failing_ = true;
        Q_EMIT exportFailed(QStringLiteral("OTLP export queue full: dropping the oldest spans (%1 so far)").arg(dropped_));
    }
}

void OtlpExporter::sendNext()
{
    if (inFlight_ || queue_.empty() || backoffTimer_.isActive())
        return;
    std::vector<nlohmann::json> batch;
    const std::size_t n = std::min(queue_.size(), std::size_t(settings_.maxBatchSpans));
    batch.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
    }
    const nlohmann::json body = otlpTraceRequest(nlohmann::json(batch), QCoreApplication::applicationVersion());
    QNetworkRequest request(settings_.endpoint);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setTransferTimeout(10000);
    for (const auto& [name, value] : settings_.headers)
        request.setRawHeader(name, value);
    inFlight_ = true;
    QNetworkReply* reply = network_->post(request, QByteArray::fromStdString(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
    connect(reply, &QNetworkReply::finished, this, [this, reply, batch = std::move(batch)]() mutable { onReply(reply, std::move(batch)); });
}

void OtlpExporter::onReply(QNetworkReply* reply, std::vector<nlohmann::json> batch)
{
    inFlight_ = false;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->error() == QNetworkReply::NoError && status >= 200 && status < 300) {
        exported_ += qint64(batch.size());
        backoffMs_ = 0;
        if (failing_) {
            failing_ = false;
            Q_EMIT exportRecovered();
        }
        if (!queue_.empty())
            sendNext();
        return;
    }
    const bool retry = status == 0 || status == 429 || status >= 500;
    const QString why = status ? QStringLiteral("HTTP %1").arg(status) : reply->errorString();
    if (!failing_) {
        failing_ = true;
        Q_EMIT exportFailed(QStringLiteral("OTLP export to %1 failed (%2)%3")
                                .arg(settings_.endpoint.toString(QUrl::RemoveUserInfo | QUrl::RemoveQuery), why,
                                     retry ? QStringLiteral("; retrying") : QStringLiteral("; the collector refused the spans")));
    }
    if (!retry) {
        dropped_ += qint64(batch.size());
        return;
    }
    // Back to the front, in order, then wait before the next try.
    for (auto it = batch.rbegin(); it != batch.rend(); ++it)
        queue_.push_front(std::move(*it));
    if (queue_.size() > std::size_t(settings_.maxQueuedSpans))
        dropOldest(queue_.size() - std::size_t(settings_.maxQueuedSpans));
    backoffMs_ = backoffMs_ == 0 ? settings_.firstBackoffMs : std::min(backoffMs_ * 2, settings_.maxBackoffMs);
    backoffTimer_.start(backoffMs_);
}

void OtlpExporter::flushAndWait(int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    backoffTimer_.stop();   // shutdown: one more try now
    while ((!queue_.empty() || inFlight_) && !deadline.hasExpired()) {
        sendNext();
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        if (backoffTimer_.isActive())
            break;   // the collector is failing: do not hold up the exit
    }
}

} // namespace gatehouse
