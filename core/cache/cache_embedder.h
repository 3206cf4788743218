#pragma once
// The semantic cache's call to a configured embedding target (cache.embedding): any provider's
// embeddings endpoint, built by that provider's adapter and sent through the gateway's own
// transport beside the request. The gateway thread never waits for it: start() returns at once and
// the vector (or why there is none) arrives later as a queued callback. A failure or a timeout only
// means no semantic lookup; the request itself goes on.

#include "cache/cache_key.h"
#include "keys/key_snapshot.h"
#include "routing/routing_config.h"
#include "upstream/transport.h"

#include <nlohmann/json.hpp>

#include <QByteArray>
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <functional>
#include <optional>
#include <vector>

namespace gatehouse {

class Provider;
class ProviderRegistry;
struct AttemptRecord;

class CacheEmbedder : public QObject, public TransferObserver {
    Q_OBJECT
public:
    static constexpr int kDefaultTimeoutMs = 3000;
    static constexpr qsizetype kMaxAnswerBytes = 4 * 1024 * 1024;
    static constexpr std::size_t kMaxDimensions = 16384;

    struct Result {
        std::vector<float> vector;   // unit length; empty when the call failed
        int status = 0;              // the provider's HTTP status, or the gateway's for a transport failure
        QString error;               // empty on success; never contains a secret
        QString provider;
        double latencyMs = 0;
    };
    using Done = std::function<void(Result)>;

    explicit CacheEmbedder(QObject* parent = nullptr);
    ~CacheEmbedder() override;

    // For one attempt: reads the cache config, sets input.embedMessages and, when semantic mode has an
    // embedding target, input.embedder (its identity: provider, host, model). attemptProvider and
    // attemptKey: a target of the same provider without an api_key of its own uses the attempt's key.
    void prepare(const std::optional<CacheConfig>& config, const ProviderRegistry& providers, const KeySnapshot* keys,
                 const QString& attemptProvider, const QString& attemptKey, CacheKeyInput& input);
    // Embeds text; done runs later, from the event loop, unless cancel() came first.
    void start(const QString& text, Transport* http, Transport* mock, int connectTimeoutMs, Done done);
    void cancel();

    // TransferObserver
    void onUpstreamHead(int status, HeaderList&& headers) override;
    void onUpstreamData(QByteArrayView data) override;
    void onUpstreamDone(const TransferResult& result) override;

    // data[0].embedding of an OpenAI embeddings answer, L2-normalised; nullopt (and why) when absent or unusable.
    static std::optional<std::vector<float>> parseAnswer(QByteArrayView body, QString* error);
    // The attempt log entry of an embedding call ("<target path>.cache.embedding").
    static AttemptRecord attemptRecord(const std::string& targetPath, const Result& r, double startMs);
    static bool isEmbeddingAttempt(const AttemptRecord& a);

private:
    void finish(int status, const QString& error, std::vector<float> vector = {});

    // resolved by prepare()
    const Provider* provider_ = nullptr;
    QString apiKey_;
    QByteArray customHost_;
    nlohmann::json keyOptions_;
    std::string model_;
    int timeoutMs_ = kDefaultTimeoutMs;
    QString unavailable_;          // why the target cannot be used (unknown key, provider without embeddings)
    int unavailableStatus_ = 400;  // and the status that says so (401 unknown key, 403 disabled, ...)

    // the call in progress
    Done done_;
    Transport* transport_ = nullptr;
    TransferId transfer_ = 0;
    bool active_ = false;
    int status_ = 0;
    QByteArray body_;
    QTimer timer_;
    QElapsedTimer clock_;
    quint64 generation_ = 0;       // a result posted for an older call is dropped
};

} // namespace gatehouse
