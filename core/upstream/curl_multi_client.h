#pragma once
// libcurl multi driven by the owning thread's Qt event loop: curl tells which sockets to watch
// (QSocketNotifier per socket) and when to call back (one single-shot QTimer). Connections are pooled
// by the multi handle with no per-host cap; HTTP/2 over TLS where the server offers it; TLS
// verification on; the standard proxy environment variables apply.

#include "upstream/transport.h"

#include <QObject>
#include <QTimer>

#include <curl/curl.h>

#include <memory>
#include <unordered_map>
#include <vector>

class QSocketNotifier;

namespace gatehouse {

class CurlMultiClient : public QObject, public Transport {
    Q_OBJECT
public:
    explicit CurlMultiClient(QObject* parent = nullptr);
    ~CurlMultiClient() override;

    TransferId start(UpstreamRequest&& request, TransferObserver* observer) override;
    void cancel(TransferId id) override;
    void setPaused(TransferId id, bool paused) override;

    // A PEM file of CA certificates trusted for HTTPS upstreams (a private CA, a self-hosted model
    // server); the system's store (/etc/ssl/certs) is still trusted. Empty: the system's only.
    void setExtraCaFile(const QByteArray& path) { extraCaFile_ = path; }

    int activeTransfers() const { return int(transfers_.size()); }
    int watchedSockets() const { return int(sockets_.size()); }

private:
    struct Transfer;
    struct SocketWatch {
        QSocketNotifier* read = nullptr;
        QSocketNotifier* write = nullptr;
    };

    static int onCurlSocket(CURL* easy, curl_socket_t fd, int what, void* self, void*);
    static int onCurlTimer(CURLM* multi, long timeoutMs, void* self);
    static int onCurlCloseSocket(void* self, curl_socket_t fd);
    static size_t onCurlHeader(char* data, size_t size, size_t n, void* transfer);
    static size_t onCurlWrite(char* data, size_t size, size_t n, void* transfer);

    void watchSocket(curl_socket_t fd, int what);
    void drive(curl_socket_t fd, int events);
    void processCompleted();
    void removeTransfer(TransferId id);
    void deliverHead(Transfer& t);
    CURL* takeEasy();

    CURLM* multi_ = nullptr;
    QByteArray extraCaFile_;
    QTimer timer_;
    std::unordered_map<curl_socket_t, SocketWatch> sockets_;
    std::unordered_map<TransferId, std::unique_ptr<Transfer>> transfers_;
    std::vector<CURL*> easyPool_;
    std::vector<TransferId> deferredRemovals_;
    TransferId nextId_ = 1;
    int driveDepth_ = 0;   // > 0 while inside curl_multi_socket_action: no handle removal there
};

} // namespace gatehouse
