#pragma once
// Carries requests for the built-in mock provider without a network: answers are generated in
// process and delivered through the same Transport contract as libcurl, with the latency, pacing,
// status and mid-stream breaks the request asked for (MockDirectives).

#include "providers/mock_directives.h"
#include "upstream/transport.h"

#include <nlohmann/json_fwd.hpp>

#include <QObject>
#include <memory>
#include <unordered_map>

class QTimer;

namespace gatehouse {

class MockTransport : public QObject, public Transport {
    Q_OBJECT
public:
    explicit MockTransport(QObject* parent = nullptr);
    ~MockTransport() override;

    TransferId start(UpstreamRequest&& request, TransferObserver* observer) override;
    void cancel(TransferId id) override;

    int activeTransfers() const { return int(transfers_.size()); }

private:
    struct Transfer;
    void step(TransferId id);
    void fillAnswer(Transfer& t, const MockDirectives& d, const nlohmann::json& request, bool stream,
                    const QByteArray& path, const QByteArray& id, qint64 created);

    std::unordered_map<TransferId, std::unique_ptr<Transfer>> transfers_;
    TransferId nextId_ = 1;
    quint64 responseCounter_ = 0;
};

} // namespace gatehouse
