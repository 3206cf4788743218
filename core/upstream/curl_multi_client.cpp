#include "upstream/curl_multi_client.h"

#include <QSocketNotifier>

#include <mutex>
#include <unistd.h>

namespace gatehouse {

namespace {

constexpr std::size_t kEasyPoolSize = 256;

void globalInitOnce()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

TransferResult::Error classify(CURLcode code, CURL* easy)
{
    switch (code) {
    case CURLE_OK:
        return TransferResult::Error::None;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return TransferResult::Error::ConnectFailed;
    case CURLE_OPERATION_TIMEDOUT: {
        curl_off_t connectUs = 0;
        curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connectUs);
        return connectUs == 0 ? TransferResult::Error::ConnectTimeout : TransferResult::Error::Timeout;
    }
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
        return TransferResult::Error::Tls;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return TransferResult::Error::Reset;
    default:
        return TransferResult::Error::Other;
    }
}

} // namespace

struct CurlMultiClient::Transfer {
    CurlMultiClient* client = nullptr;
    TransferId id = 0;
    CURL* easy = nullptr;
    curl_slist* headerList = nullptr;
    UpstreamRequest request;          // owns the body curl sends from
    TransferObserver* observer = nullptr;
    int status = 0;
    HeaderList responseHeaders;
    bool headDelivered = false;
    bool cancelled = false;
    char errorBuffer[CURL_ERROR_SIZE] = {};
};

CurlMultiClient::CurlMultiClient(QObject* parent)
    : QObject(parent)
{
    globalInitOnce();
    multi_ = curl_multi_init();
    curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &CurlMultiClient::onCurlSocket);
    curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &CurlMultiClient::onCurlTimer);
    curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, 0L);
    curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS, 0L);
    curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, 1024L);
    timer_.setSingleShot(true);
    connect(&timer_, &QTimer::timeout, this, [this] { drive(CURL_SOCKET_TIMEOUT, 0); });
}

CurlMultiClient::~CurlMultiClient()
{
    for (auto& [id, t] : transfers_) {
        curl_multi_remove_handle(multi_, t->easy);
        curl_slist_free_all(t->headerList);
        curl_easy_cleanup(t->easy);
    }
    transfers_.clear();
    for (CURL* e : easyPool_)
        curl_easy_cleanup(e);
    curl_multi_cleanup(multi_);   // closes cached connections through onCurlCloseSocket
    for (auto& [fd, w] : sockets_) {
        delete w.read;
        delete w.write;
    }
}

CURL* CurlMultiClient::takeEasy()
{
    if (easyPool_.empty())
        return curl_easy_init();
    CURL* e = easyPool_.back();
    easyPool_.pop_back();
    return e;
}

TransferId CurlMultiClient::start(UpstreamRequest&& request, TransferObserver* observer)
{
    auto t = std::make_unique<Transfer>();
    t->client = this;
    t->id = nextId_++;
    t->observer = observer;
    t->request = std::move(request);
    t->easy = takeEasy();
    CURL* e = t->easy;
    const UpstreamRequest& r = t->request;

    curl_easy_setopt(e, CURLOPT_URL, r.url.constData());
    if (r.method == "GET") {
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(e, CURLOPT_POST, 1L);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, r.body.constData());
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(r.body.size()));
        if (r.method != "POST")
            curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r.method.constData());
    }
    for (const auto& [name, value] : r.headers) {
        const QByteArray line = name + ": " + value;
        t->headerList = curl_slist_append(t->headerList, line.constData());
    }
    // No "Expect: 100-continue" round trip for large bodies; providers answer directly.
    t->headerList = curl_slist_append(t->headerList, "Expect:");
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headerList);
    if (!r.awsSigV4.isEmpty()) {   // libcurl signs the final request (headers and body) itself
        curl_easy_setopt(e, CURLOPT_AWS_SIGV4, r.awsSigV4.constData());
        curl_easy_setopt(e, CURLOPT_USERNAME, r.awsAccessKeyId.constData());
        curl_easy_setopt(e, CURLOPT_PASSWORD, r.awsSecretAccessKey.constData());
    }
    if (!extraCaFile_.isEmpty())
        curl_easy_setopt(e, CURLOPT_CAINFO, extraCaFile_.constData());   // CAPATH keeps the system's
    curl_easy_setopt(e, CURLOPT_USERAGENT, "Gatehouse/" GATEHOUSE_VERSION);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, long(CURL_HTTP_VERSION_2TLS));
    // Wait to multiplex on a pending connection only where HTTP/2 is possible (TLS). On plain http
    // the wait lasts until the first answer's headers arrive, so concurrent calls to a slow local
    // server would queue behind the first one. (Easy handles are pooled: always set it.)
    curl_easy_setopt(e, CURLOPT_PIPEWAIT, qstrnicmp(r.url.constData(), "https://", 8) == 0 ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, long(r.timeoutMs));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, long(r.connectTimeoutMs));
    curl_easy_setopt(e, CURLOPT_PRIVATE, reinterpret_cast<void*>(uintptr_t(t->id)));
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errorBuffer);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &CurlMultiClient::onCurlHeader);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &CurlMultiClient::onCurlWrite);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, &CurlMultiClient::onCurlCloseSocket);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, this);

    const TransferId id = t->id;
    transfers_.emplace(id, std::move(t));
    // The multi only arms its timer here; the transfer starts from the event loop (never re-entrantly).
    curl_multi_add_handle(multi_, e);
    return id;
}

void CurlMultiClient::cancel(TransferId id)
{
    auto it = transfers_.find(id);
    if (it == transfers_.end())
        return;
    it->second->observer = nullptr;
    it->second->cancelled = true;
    if (driveDepth_ > 0)
        deferredRemovals_.push_back(id);   // inside a curl callback: remove once curl has returned
    else
        removeTransfer(id);
}

void CurlMultiClient::setPaused(TransferId id, bool paused)
{
    auto it = transfers_.find(id);
    if (it == transfers_.end())
        return;
    // Unpausing may deliver buffered data at once, from inside curl: treat it like a drive.
    ++driveDepth_;
    curl_easy_pause(it->second->easy, paused ? CURLPAUSE_RECV : CURLPAUSE_CONT);
    --driveDepth_;
    if (driveDepth_ > 0)
        return;
    for (TransferId removed : std::exchange(deferredRemovals_, {}))
        removeTransfer(removed);
    processCompleted();
}

void CurlMultiClient::removeTransfer(TransferId id)
{
    auto it = transfers_.find(id);
    if (it == transfers_.end())
        return;
    std::unique_ptr<Transfer> t = std::move(it->second);
    transfers_.erase(it);
    curl_multi_remove_handle(multi_, t->easy);
    curl_slist_free_all(t->headerList);
    if (easyPool_.size() < kEasyPoolSize) {
        curl_easy_reset(t->easy);
        easyPool_.push_back(t->easy);
    } else {
        curl_easy_cleanup(t->easy);
    }
}

int CurlMultiClient::onCurlSocket(CURL*, curl_socket_t fd, int what, void* self, void*)
{
    static_cast<CurlMultiClient*>(self)->watchSocket(fd, what);
    return 0;
}

void CurlMultiClient::watchSocket(curl_socket_t fd, int what)
{
    // Notifiers stay per socket and are only disabled on REMOVE: curl sends REMOVE each time a
    // connection goes back to its cache and re-adds it on reuse. They are deleted when curl closes
    // the socket (onCurlCloseSocket).
    SocketWatch& w = sockets_[fd];
    const bool wantRead = what == CURL_POLL_IN || what == CURL_POLL_INOUT;
    const bool wantWrite = what == CURL_POLL_OUT || what == CURL_POLL_INOUT;
    if (wantRead && !w.read) {
        w.read = new QSocketNotifier(fd, QSocketNotifier::Read, this);
        connect(w.read, &QSocketNotifier::activated, this, [this, fd] { drive(fd, CURL_CSELECT_IN); });
    }
    if (wantWrite && !w.write) {
        w.write = new QSocketNotifier(fd, QSocketNotifier::Write, this);
        connect(w.write, &QSocketNotifier::activated, this, [this, fd] { drive(fd, CURL_CSELECT_OUT); });
    }
    if (w.read)
        w.read->setEnabled(wantRead);
    if (w.write)
        w.write->setEnabled(wantWrite);
}

int CurlMultiClient::onCurlCloseSocket(void* self, curl_socket_t fd)
{
    auto* client = static_cast<CurlMultiClient*>(self);
    auto it = client->sockets_.find(fd);
    if (it != client->sockets_.end()) {
        // May run inside that notifier's own activation: disable now, delete later.
        for (QSocketNotifier* n : {it->second.read, it->second.write}) {
            if (n) {
                n->setEnabled(false);
                n->deleteLater();
            }
        }
        client->sockets_.erase(it);
    }
    return ::close(fd);
}

int CurlMultiClient::onCurlTimer(CURLM*, long timeoutMs, void* self)
{
    // Only arm the timer here: calling back into curl from its own callback is not allowed.
    auto* client = static_cast<CurlMultiClient*>(self);
    if (timeoutMs < 0)
        client->timer_.stop();
    else
        client->timer_.start(int(timeoutMs));
    return 0;
}

size_t CurlMultiClient::onCurlHeader(char* data, size_t size, size_t n, void* p)
{
    auto* t = static_cast<Transfer*>(p);
    const size_t len = size * n;
    QByteArrayView line(data, qsizetype(len));
    while (!line.isEmpty() && (line.back() == '\n' || line.back() == '\r'))
        line.chop(1);
    if (line.startsWith("HTTP/")) {
        // A new header block (after 100 Continue or a redirect) replaces the previous one.
        t->responseHeaders.clear();
        const qsizetype sp = line.indexOf(' ');
        if (sp > 0)
            t->status = line.sliced(sp + 1, std::min<qsizetype>(3, line.size() - sp - 1)).toInt();
        return len;
    }
    const qsizetype colon = line.indexOf(':');
    if (colon > 0) {
        QByteArrayView value = line.sliced(colon + 1);
        while (!value.isEmpty() && (value.front() == ' ' || value.front() == '\t'))
            value = value.sliced(1);
        QByteArray name(line.data(), colon);
        for (char& c : name) {
            if (c >= 'A' && c <= 'Z')
                c = char(c + ('a' - 'A'));
        }
        t->responseHeaders.emplace_back(std::move(name), value.toByteArray());
    }
    return len;
}

void CurlMultiClient::deliverHead(Transfer& t)
{
    t.headDelivered = true;
    if (t.observer)
        t.observer->onUpstreamHead(t.status, std::move(t.responseHeaders));
}

size_t CurlMultiClient::onCurlWrite(char* data, size_t size, size_t n, void* p)
{
    auto* t = static_cast<Transfer*>(p);
    const size_t len = size * n;
    if (t->cancelled)
        return 0;   // aborts the transfer
    if (!t->headDelivered)
        t->client->deliverHead(*t);
    if (!t->cancelled && t->observer)
        t->observer->onUpstreamData(QByteArrayView(data, qsizetype(len)));
    return t->cancelled ? 0 : len;
}

void CurlMultiClient::drive(curl_socket_t fd, int events)
{
    int running = 0;
    ++driveDepth_;
    curl_multi_socket_action(multi_, fd, events, &running);
    --driveDepth_;
    if (driveDepth_ > 0)
        return;
    for (TransferId id : std::exchange(deferredRemovals_, {}))
        removeTransfer(id);
    processCompleted();
}

void CurlMultiClient::processCompleted()
{
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        // Copy out before the handle is removed: removal invalidates the message.
        CURL* easy = msg->easy_handle;
        const CURLcode code = msg->data.result;
        void* priv = nullptr;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv);
        const auto id = TransferId(reinterpret_cast<uintptr_t>(priv));
        auto it = transfers_.find(id);
        if (it == transfers_.end() || it->second->easy != easy)
            continue;   // stale: cancelled meanwhile
        Transfer& t = *it->second;
        TransferResult result;
        result.error = classify(code, easy);
        if (result.error != TransferResult::Error::None) {
            result.message = QString::fromUtf8(t.errorBuffer[0] ? t.errorBuffer : curl_easy_strerror(code));
        } else if (!t.headDelivered) {
            deliverHead(t);   // a response without a body
            it = transfers_.find(id);
            if (it == transfers_.end())
                continue;     // the observer cancelled on the head
        }
        TransferObserver* observer = it->second->cancelled ? nullptr : it->second->observer;
        removeTransfer(id);
        if (observer)
            observer->onUpstreamDone(result);
    }
}

} // namespace gatehouse
