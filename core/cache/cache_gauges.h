#pragma once
// The response cache's size, read on a /metrics scrape from the gateway thread.

#include <QtGlobal>

namespace gatehouse {

struct CacheGauges {
    qint64 entries = 0;
    qint64 bytes = 0;
    qint64 semanticEntries = 0;   // entries with a vector in the semantic index
    qint64 semanticSkipped = 0;   // answers cached for exact lookups only: the index was behind (SemanticIndex::kMaxBacklog)
    int indexBacklog = 0;         // vectors queued for the index, not yet added
};

} // namespace gatehouse
