#pragma once
// The seam between the pipeline and whatever carries a request to a provider: libcurl for real
// providers, an in-process generator for the built-in mock provider.
//
// Contract: callbacks arrive on the owner's thread from its event loop, in order head -> data* -> done,
// never from inside start(). After cancel() returns, no callback for that transfer arrives.
// onData may run inside the transport's own I/O callback: it must not delete the observer
// (cancel() from there is allowed).

#include "upstream/upstream_request.h"

#include <QByteArrayView>
#include <cstdint>

namespace gatehouse {

class TransferObserver {
public:
    virtual ~TransferObserver() = default;
    virtual void onUpstreamHead(int status, HeaderList&& headers) = 0;
    virtual void onUpstreamData(QByteArrayView data) = 0;
    virtual void onUpstreamDone(const TransferResult& result) = 0;
};

using TransferId = std::uint64_t;

class Transport {
public:
    virtual ~Transport() = default;
    virtual TransferId start(UpstreamRequest&& request, TransferObserver* observer) = 0;
    virtual void cancel(TransferId id) = 0;
    // Pause/resume delivery of body data (a slow client reading a fast stream).
    virtual void setPaused(TransferId id, bool paused) { (void)id; (void)paused; }
};

} // namespace gatehouse
