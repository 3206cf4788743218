#pragma once
// A parsed HTTP/1.x request as the pipeline sees it. Header names are lower-cased; order is kept.

#include <QByteArray>
#include <QByteArrayView>
#include <utility>
#include <vector>

namespace gatehouse {

using HeaderList = std::vector<std::pair<QByteArray, QByteArray>>;

// First value of a header (name must be lower-case), or an empty view.
QByteArrayView findHeader(const HeaderList& headers, QByteArrayView lowerName);
bool hasHeader(const HeaderList& headers, QByteArrayView lowerName);

struct HttpRequest {
    QByteArray method;      // "GET", "POST", ...
    QByteArray target;      // request-target as sent: /v1/chat/completions?x=1
    QByteArray path;        // target without the query
    QByteArray query;       // after '?', without it
    HeaderList headers;
    QByteArray body;        // de-chunked
    bool keepAlive = true;
    int httpMinor = 1;

    QByteArrayView header(QByteArrayView lowerName) const { return findHeader(headers, lowerName); }
};

} // namespace gatehouse
