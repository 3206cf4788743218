#pragma once
// Reason phrases for the status lines the gateway writes.

#include <QByteArray>

namespace gatehouse {

QByteArray httpReasonPhrase(int status);

} // namespace gatehouse
