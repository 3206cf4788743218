#pragma once
// The gateway's routes. Local answers (/, /health) are written here; every /v1/ request becomes an
// Exchange, including those that only earn an error, so each one leaves a record.

#include "http/request_handler.h"
#include "pipeline/pipeline_context.h"

namespace gatehouse {

class GatewayHandler : public RequestHandler {
public:
    explicit GatewayHandler(PipelineContext& ctx) : ctx_(ctx) {}
    void handle(HttpRequest&& request, const ResponseWriterPtr& writer, const ClientInfo& client) override;
    void setDraining(bool draining) { draining_ = draining; }

private:
    int openCircuits() const;   // for /health: targets being skipped now

    PipelineContext& ctx_;
    bool draining_ = false;
};

} // namespace gatehouse
