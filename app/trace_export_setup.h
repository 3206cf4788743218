#pragma once
// OTLP trace export as the app runs it: configured by --otlp-endpoint or the standard
// OTEL_EXPORTER_OTLP_* variables, fed from the gateway's record batches, problems reported through
// one callback, flushed (briefly) at exit.

#include "observability/otlp_exporter.h"

#include <functional>
#include <memory>

namespace gatehouse {

class GatewayService;
struct AppOptions;

// Null when no endpoint is configured. *error is set for an unusable configuration.
std::unique_ptr<OtlpExporter> setupTraceExport(const AppOptions& options, GatewayService& gateway,
                                               const std::function<void(const QString&)>& report, QString* error);

} // namespace gatehouse
