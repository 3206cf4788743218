#pragma once
// What a connection hands each complete request to. The handler answers through the writer,
// now or later; the connection reads the next pipelined request only after the answer is finished.

#include "http/http_request.h"
#include "http/response_writer.h"

#include <QString>

namespace gatehouse {

struct ClientInfo {
    QString address;   // peer IP
    quint16 port = 0;
};

class RequestHandler {
public:
    virtual ~RequestHandler() = default;
    virtual void handle(HttpRequest&& request, const ResponseWriterPtr& writer, const ClientInfo& client) = 0;
};

} // namespace gatehouse
