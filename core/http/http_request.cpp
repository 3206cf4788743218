#include "http/http_request.h"

namespace gatehouse {

QByteArrayView findHeader(const HeaderList& headers, QByteArrayView lowerName)
{
    for (const auto& [name, value] : headers) {
        if (name == lowerName)
            return value;
    }
    return {};
}

bool hasHeader(const HeaderList& headers, QByteArrayView lowerName)
{
    for (const auto& h : headers) {
        if (h.first == lowerName)
            return true;
    }
    return false;
}

} // namespace gatehouse
