#pragma once
// The Playground: one chat request through the running gateway, the way a client would send it
// (QNetworkAccessManager on the GUI thread, never the gateway's thread). The streamed answer appears
// as it arrives; the status, latency, x-portkey-* response headers and a jump to the request's log
// entry follow. Errors show the OpenAI-shaped message the gateway answered with.

#include "chat_stream_reader.h"

#include <QElapsedTimer>
#include <QNetworkReply>
#include <QPointer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QNetworkAccessManager;

class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace gatehouse {

class GatewayService;

class PlaygroundPage : public QWidget {
    Q_OBJECT
public:
    explicit PlaygroundPage(GatewayService* gateway, QWidget* parent = nullptr);
    ~PlaygroundPage() override;

    QComboBox* routeKindCombo() const { return routeKind_; }
    QComboBox* routeValueCombo() const { return routeValue_; }
    QLineEdit* modelEdit() const { return model_; }
    QPlainTextEdit* systemEdit() const { return system_; }
    QPlainTextEdit* userEdit() const { return user_; }
    QDoubleSpinBox* temperatureBox() const { return temperature_; }
    QSpinBox* maxTokensBox() const { return maxTokens_; }
    QCheckBox* streamBox() const { return stream_; }
    QLineEdit* metadataEdit() const { return metadata_; }
    QLineEdit* gatewayKeyEdit() const { return gatewayKey_; }
    QLineEdit* providerKeyEdit() const { return providerKey_; }
    QPushButton* sendButton() const { return send_; }
    QPushButton* stopButton() const { return stop_; }
    QPushButton* logsButton() const { return logs_; }

    QString answerText() const;
    QString statusText() const;
    QString headersText() const;
    QString errorText() const;
    QString lastTraceId() const { return lastTraceId_; }
    QString lastRequestId() const { return lastRequestId_; }
    bool isBusy() const { return reply_ != nullptr; }

    // The body Send would post now (for tests and "copy as JSON").
    QByteArray requestBody() const;

public Q_SLOTS:
    void send();
    void stop();

Q_SIGNALS:
    void finished();                              // the request ended (answer, error or stopped)
    void showInLogs(const QString& traceId);      // "Show in Logs" clicked

private:
    void fillRouteValues();
    void onReadyRead();
    void onFinished();
    void showError(const QString& message);
    void setBusy(bool busy);

    GatewayService* gateway_;
    QNetworkAccessManager* network_ = nullptr;
    QPointer<QNetworkReply> reply_;
    ChatStreamReader reader_;
    QByteArray body_;          // a non-streamed answer, collected
    QElapsedTimer clock_;
    qint64 firstByteMs_ = -1;
    bool streaming_ = false;
    bool stopped_ = false;

    QComboBox* routeKind_ = nullptr;
    QComboBox* routeValue_ = nullptr;
    QLineEdit* model_ = nullptr;
    QPlainTextEdit* system_ = nullptr;
    QPlainTextEdit* user_ = nullptr;
    QDoubleSpinBox* temperature_ = nullptr;
    QSpinBox* maxTokens_ = nullptr;
    QCheckBox* stream_ = nullptr;
    QLineEdit* metadata_ = nullptr;
    QLineEdit* gatewayKey_ = nullptr;
    QLineEdit* providerKey_ = nullptr;
    QLabel* gatewayKeyLabel_ = nullptr;
    QPushButton* send_ = nullptr;
    QPushButton* stop_ = nullptr;
    QPushButton* logs_ = nullptr;
    QPlainTextEdit* answer_ = nullptr;
    QLabel* status_ = nullptr;
    QLabel* error_ = nullptr;
    QPlainTextEdit* headers_ = nullptr;
    QString lastTraceId_;
    QString lastRequestId_;
};

} // namespace gatehouse
