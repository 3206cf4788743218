#pragma once
// One client request on its way through the pipeline: read the client's options and body, resolve
// the provider, call it, relay the answer (streamed as it arrives, or whole), and leave a record.
// Lives on its gateway thread from the request's arrival until its answer is finished or the client
// is gone; then it records itself and is deleted from the event loop.

#include "http/request_handler.h"
#include "observability/request_record.h"
#include "pipeline/api_error.h"
#include "pipeline/client_options.h"
#include "pipeline/pipeline_context.h"
#include "providers/endpoint.h"
#include "upstream/transport.h"

#include <nlohmann/json.hpp>

#include <QElapsedTimer>
#include <QObject>
#include <variant>

namespace gatehouse {

class Provider;

class Exchange : public QObject, public TransferObserver {
    Q_OBJECT
public:
    // route: the endpoint the path names, or the error that answers it (unknown path, wrong method)
    Exchange(PipelineContext& ctx, HttpRequest&& request, ResponseWriterPtr writer, const ClientInfo& client,
             std::variant<Endpoint, ApiError> route);
    ~Exchange() override;

    void start();

    void onUpstreamHead(int status, HeaderList&& headers) override;
    void onUpstreamData(QByteArrayView data) override;
    void onUpstreamDone(const TransferResult& result) override;

private:
    void run();
    std::optional<ApiError> readBody();
    std::optional<ApiError> resolveAndSend();
    void fail(const ApiError& error);
    void failStream(const ApiError& error);
    void onClientAbort();
    void complete();
    HeaderList responseHeaders(const HeaderList* upstream) const;
    ApiError transportError(const TransferResult& result) const;
    void captureResponse(QByteArrayView data);

    PipelineContext& ctx_;
    HttpRequest request_;
    ResponseWriterPtr writer_;
    std::variant<Endpoint, ApiError> route_;
    Endpoint endpoint_ = Endpoint::ChatCompletions;
    ClientOptions options_;
    nlohmann::json body_;
    const Provider* provider_ = nullptr;
    Transport* transport_ = nullptr;
    TransferId transfer_ = 0;
    bool transferActive_ = false;
    bool bodyParsed_ = false;      // the request body is valid JSON (decides how it is redacted)
    bool streaming_ = false;
    bool paused_ = false;          // upstream reads paused while a slow client catches up
    bool done_ = false;

    QElapsedTimer clock_;
    double upstreamStartMs_ = -1;
    double elapsedMs() const { return double(clock_.nsecsElapsed()) / 1e6; }
    int upstreamStatus_ = 0;
    HeaderList upstreamHeaders_;
    QByteArray upstreamBody_;      // whole answer when not streaming
    QByteArray streamTail_;        // end of a stream, where the usage chunk is
    RequestRecord record_;
};

} // namespace gatehouse
