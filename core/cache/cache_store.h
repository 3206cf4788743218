#pragma once
// Persistence of the response cache: a facade on the gateway thread whose writer runs on its own
// QThread with its own SQLite connection. The gateway thread only posts work to it and never waits
// for the disk: stores and deletes are queued (bounded; beyond the bound they are dropped from the
// file, counted, never from memory), uses are batched once a second, and the entries loaded at start
// arrive back on the gateway thread as one queued call.

#include "cache/response_cache.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <atomic>
#include <memory>

class QThread;

namespace gatehouse {

class CacheWriter;

class CacheStore : public QObject, public CachePersistence {
    Q_OBJECT
public:
    static constexpr int kMaxPendingWrites = 10'000;

    CacheStore(ResponseCache* cache, QObject* parent = nullptr);
    ~CacheStore() override;   // writes what is queued, then ends the writer thread

    // Starts the writer thread, which opens (or creates) the file and loads its entries into the
    // cache; loaded() or failed() reports the outcome on this thread.
    void open(const QString& path);

    // CachePersistence
    void stored(const std::shared_ptr<const CachedAnswer>& answer) override;
    void removed(const QByteArray& key) override;
    void touched(const QByteArray& key, qint64 lastUsedMs) override;
    void cleared(const std::optional<QString>& cacheNamespace) override;

    void flushUses();
    qint64 dropped() const { return dropped_; }

Q_SIGNALS:
    void loaded(qint64 entries);
    void failed(const QString& message);

private:
    bool post(std::function<void(CacheWriter*)> work);

    ResponseCache* cache_;
    QThread* thread_ = nullptr;
    CacheWriter* writer_ = nullptr;   // lives on thread_
    std::shared_ptr<std::atomic<int>> pending_ = std::make_shared<std::atomic<int>>(0);
    QHash<QByteArray, qint64> uses_;
    QTimer usesTimer_;
    qint64 dropped_ = 0;
};

} // namespace gatehouse
