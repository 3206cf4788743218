#pragma once
// Sends request records as OTLP/HTTP JSON traces to a collector (Jaeger, Tempo, an OpenTelemetry
// Collector, ...). Lives on the main thread next to the log store, fed by GatewayService::recordsReady;
// the gateway thread never waits on it.
//
// Batched: at most maxBatchSpans per POST, one POST in flight, flushed every flushIntervalMs. A
// collector that is down or answers 429/5xx gets the batch again after a backoff (5 s doubling to
// 60 s); the queue is bounded, and what falls off it is counted in dropped() and reported once per
// outage, never silent. A 4xx other than 429 means the collector refuses the data: that batch is
// dropped (counted) rather than retried forever.

#include "observability/request_record.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <QTimer>
#include <QUrl>

#include <deque>
#include <nlohmann/json.hpp>

class QNetworkAccessManager;
class QNetworkReply;

namespace gatehouse {

struct OtlpSettings {
    QUrl endpoint;                                   // the full traces URL, e.g. http://127.0.0.1:4318/v1/traces
    QList<QPair<QByteArray, QByteArray>> headers;    // e.g. an API key for a hosted collector; never logged
    int flushIntervalMs = 1000;
    int maxBatchSpans = 512;
    int maxQueuedSpans = 50000;
    int firstBackoffMs = 5000;
    int maxBackoffMs = 60000;

    // From OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (used as is) or OTEL_EXPORTER_OTLP_ENDPOINT (+ /v1/traces),
    // and OTEL_EXPORTER_OTLP_HEADERS ("k=v,k2=v2", values URL-encoded), as OpenTelemetry SDKs read them.
    // An explicit endpoint (a flag) wins over the variables. *error is set for an unusable URL.
    static OtlpSettings fromEnvironment(const QString& explicitEndpoint, QString* error);
};

class OtlpExporter : public QObject {
    Q_OBJECT
public:
    explicit OtlpExporter(OtlpSettings settings, QObject* parent = nullptr);
    ~OtlpExporter() override;

    void append(const gatehouse::RecordBatch& batch);
    // Sends what is queued now (one batch after another) and waits up to timeoutMs. For shutdown.
    void flushAndWait(int timeoutMs);

    qint64 exportedSpans() const { return exported_; }
    qint64 droppedSpans() const { return dropped_; }
    qint64 queuedSpans() const { return qint64(queue_.size()); }

Q_SIGNALS:
    void exportFailed(const QString& message);   // once per outage; the message never has header values
    void exportRecovered();

private:
    void sendNext();
    void onReply(QNetworkReply* reply, std::vector<nlohmann::json> batch);
    void dropOldest(std::size_t count);

    OtlpSettings settings_;
    QNetworkAccessManager* network_ = nullptr;
    std::deque<nlohmann::json> queue_;   // spans waiting
    QTimer flushTimer_;
    QTimer backoffTimer_;
    int backoffMs_ = 0;
    bool inFlight_ = false;
    bool failing_ = false;
    qint64 exported_ = 0;
    qint64 dropped_ = 0;
};

} // namespace gatehouse
