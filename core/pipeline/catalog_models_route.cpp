#include "pipeline/catalog_models_route.h"

#include "catalog/model_catalog.h"
#include "pipeline/api_error.h"
#include "pipeline/pipeline_context.h"
#include "providers/provider_registry.h"

namespace gatehouse {

std::optional<CatalogAnswer> catalogModelsAnswer(const HttpRequest& request, const PipelineContext& ctx)
{
    if (!ctx.models || !request.header("x-portkey-config").trimmed().isEmpty())
        return std::nullopt;
    const QString name = QString::fromUtf8(request.header("x-portkey-provider").trimmed().toByteArray());
    const Provider* provider = name.isEmpty() ? nullptr : ctx.providers->find(name);
    if (!name.isEmpty() && !provider)
        return std::nullopt;   // the pipeline explains an unknown provider (with the valid ones)
    if (provider && provider->supports(Endpoint::Models)) {
        const bool reachable = !provider->info().keyRequired || !request.header("authorization").trimmed().isEmpty()
            || !request.header("x-portkey-custom-host").trimmed().isEmpty();
        if (reachable)
            return std::nullopt;
    }
    return CatalogAnswer{200, ctx.models->openAiList(provider ? provider->id() : QString())};
}

} // namespace gatehouse
