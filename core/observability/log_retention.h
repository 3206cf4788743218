#pragma once
// What one retention pass of the request log did (LogStore::applyRetention).

#include <QMetaType>
#include <QString>

namespace gatehouse {

struct RetentionResult {
    qint64 deletedByAge = 0;     // rows older than the age limit
    qint64 deletedBySize = 0;    // oldest rows removed to bring the data under the size limit
    qint64 fileBytesBefore = 0;  // page_count * page_size
    qint64 fileBytesAfter = 0;
    qint64 dataBytesAfter = 0;   // (page_count - freelist_count) * page_size: pages holding data
    QString error;               // empty when the pass completed
};

} // namespace gatehouse

Q_DECLARE_METATYPE(gatehouse::RetentionResult)
