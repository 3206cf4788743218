#include "trace_export_setup.h"

#include "command_line.h"
#include "gateway_service.h"

namespace gatehouse {

std::unique_ptr<OtlpExporter> setupTraceExport(const AppOptions& options, GatewayService& gateway,
                                               const std::function<void(const QString&)>& report, QString* error)
{
    OtlpSettings settings = OtlpSettings::fromEnvironment(options.otlpEndpoint, error);
    if (!error->isEmpty() || settings.endpoint.isEmpty())
        return nullptr;
    auto exporter = std::make_unique<OtlpExporter>(std::move(settings));
    QObject::connect(&gateway, &GatewayService::recordsReady, exporter.get(), &OtlpExporter::append);
    QObject::connect(exporter.get(), &OtlpExporter::exportFailed, exporter.get(), report);
    QObject::connect(exporter.get(), &OtlpExporter::exportRecovered, exporter.get(),
                     [report] { report(QStringLiteral("OTLP export is working again")); });
    return exporter;
}

} // namespace gatehouse
