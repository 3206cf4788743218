#pragma once
// The gateway's listening socket on its event-loop thread: accepts connections and owns them.

#include "http/http_connection.h"

#include <QHostAddress>
#include <QSet>
#include <QTcpServer>

namespace gatehouse {

class HttpListener : public QTcpServer {
    Q_OBJECT
public:
    HttpListener(const ConnectionLimits& limits, RequestHandler* handler, QObject* parent = nullptr);

    // Binds (SO_REUSEADDR, backlog 1024) and listens. port 0 picks a free port.
    bool listenOn(const QHostAddress& address, quint16 port, QString* error);

    int connectionCount() const { return int(connections_.size()); }
    int busyConnectionCount() const;
    // Shutdown: stop accepting, close idle connections, close busy ones after their answer.
    void drain();

Q_SIGNALS:
    void connectionsChanged(int count);

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    ConnectionLimits limits_;
    RequestHandler* handler_;
    QSet<HttpConnection*> connections_;
};

} // namespace gatehouse
