#include "http/http_listener.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace gatehouse {

HttpListener::HttpListener(const ConnectionLimits& limits, RequestHandler* handler, QObject* parent)
    : QTcpServer(parent)
    , limits_(limits)
    , handler_(handler)
{
    setMaxPendingConnections(4096);
}

bool HttpListener::listenOn(const QHostAddress& address, quint16 port, QString* error)
{
    const bool v6 = address.protocol() == QAbstractSocket::IPv6Protocol;
    const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        *error = QString::fromLocal8Bit(std::strerror(errno));
        return false;
    }
    // SO_REUSEADDR only: restarts may rebind while old connections sit in TIME_WAIT, but a second
    // gateway can never bind a port that is already serving (SO_REUSEPORT would let it share).
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);

    sockaddr_storage ss{};
    socklen_t len = 0;
    if (v6) {
        auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
        a->sin6_family = AF_INET6;
        a->sin6_port = htons(port);
        const Q_IPV6ADDR ip = address.toIPv6Address();
        std::memcpy(&a->sin6_addr, &ip, sizeof ip);
        len = sizeof *a;
    } else {
        auto* a = reinterpret_cast<sockaddr_in*>(&ss);
        a->sin_family = AF_INET;
        a->sin_port = htons(port);
        a->sin_addr.s_addr = htonl(address.toIPv4Address());
        len = sizeof *a;
    }
    if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 || ::listen(fd, 1024) != 0) {
        *error = QStringLiteral("cannot listen on %1:%2: %3")
                     .arg(address.toString()).arg(port).arg(QString::fromLocal8Bit(std::strerror(errno)));
        ::close(fd);
        return false;
    }
    if (!setSocketDescriptor(fd)) {
        *error = errorString();
        ::close(fd);
        return false;
    }
    return true;
}

int HttpListener::busyConnectionCount() const
{
    int n = 0;
    for (const HttpConnection* c : connections_)
        n += c->isBusy() ? 1 : 0;
    return n;
}

void HttpListener::drain()
{
    close();   // stop accepting
    const auto all = connections_;
    for (HttpConnection* c : all)
        c->closeWhenIdle();
}

void HttpListener::incomingConnection(qintptr socketDescriptor)
{
    auto* conn = new HttpConnection(socketDescriptor, limits_, handler_, this);
    connections_.insert(conn);
    connect(conn, &HttpConnection::closed, this, [this](HttpConnection* c) {
        connections_.remove(c);
        Q_EMIT connectionsChanged(int(connections_.size()));
    });
    Q_EMIT connectionsChanged(int(connections_.size()));
}

} // namespace gatehouse
