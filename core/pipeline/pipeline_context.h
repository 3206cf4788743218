#pragma once
// What every request on one gateway thread shares: the provider table, the transports, the record
// sink, id generation and settings. Owned by the worker; exchanges hold a reference.

#include "gateway_settings.h"

#include <QElapsedTimer>
#include <memory>

namespace gatehouse {

class IdGenerator;
class ProviderRegistry;
class RecordBatcher;
class Transport;

struct PipelineContext {
    std::shared_ptr<const ProviderRegistry> providers;
    Transport* http = nullptr;
    Transport* mock = nullptr;
    RecordBatcher* records = nullptr;
    IdGenerator* ids = nullptr;
    GatewaySettings settings;
    QElapsedTimer uptime;
    int inFlight = 0;
};

} // namespace gatehouse
