#pragma once
// GET /v1/models from the model catalog. The provider's own live list is asked for (through the
// normal pipeline, as Portkey does) when the gateway can reach it: a provider that serves /models
// and either has a key (Authorization), a custom host, or needs none, or a routing config. Every
// other GET /v1/models is answered from the catalog: all models, or the x-portkey-provider's.

#include "http/http_request.h"

#include <QByteArray>
#include <optional>

namespace gatehouse {

struct PipelineContext;

struct CatalogAnswer {
    int status = 200;
    QByteArray body;
};

// nullopt: not a catalog request (let the pipeline proxy it).
std::optional<CatalogAnswer> catalogModelsAnswer(const HttpRequest& request, const PipelineContext& ctx);

} // namespace gatehouse
