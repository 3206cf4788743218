#include "cache/cache_store.h"

#include "cache/cache_writer.h"

#include <QPointer>
#include <QThread>

namespace gatehouse {

CacheStore::CacheStore(ResponseCache* cache, QObject* parent)
    : QObject(parent)
    , cache_(cache)
    , usesTimer_(this)
{
    usesTimer_.setInterval(1000);
    connect(&usesTimer_, &QTimer::timeout, this, &CacheStore::flushUses);
}

CacheStore::~CacheStore()
{
    if (cache_)
        cache_->setPersistence(nullptr);
    if (!thread_)
        return;
    flushUses();
    // Queued work runs in order, so closing last writes everything posted before.
    QMetaObject::invokeMethod(writer_, [w = writer_] { w->close(); }, Qt::BlockingQueuedConnection);
    thread_->quit();
    thread_->wait();
    delete thread_;
}

void CacheStore::open(const QString& path)
{
    if (thread_)
        return;
    thread_ = new QThread;
    thread_->setObjectName(QStringLiteral("cache-store"));
    writer_ = new CacheWriter;
    writer_->moveToThread(thread_);
    connect(thread_, &QThread::finished, writer_, &QObject::deleteLater);
    thread_->start();
    cache_->setPersistence(this);
    usesTimer_.start();

    const qint64 now = cache_->now();
    const qint64 maxEntries = cache_->limits().maxEntries;
    QPointer<CacheStore> self(this);
    QMetaObject::invokeMethod(writer_, [self, w = writer_, path, now, maxEntries] {
        QString error;
        if (!w->open(path, &error)) {
            QMetaObject::invokeMethod(self.data(), [self, error] {
                if (self) {
                    qWarning("response cache: cannot open the cache file: %s", qPrintable(error));
                    Q_EMIT self->failed(error);
                }
            }, Qt::QueuedConnection);
            return;
        }
        auto entries = std::make_shared<std::vector<std::shared_ptr<CachedAnswer>>>(w->load(now, maxEntries));
        QMetaObject::invokeMethod(self.data(), [self, entries] {
            if (!self)
                return;
            const qint64 n = qint64(entries->size());
            // The cache must not tell the store to write back what it just read.
            self->cache_->setPersistence(nullptr);
            self->cache_->load(std::move(*entries));
            self->cache_->setPersistence(self.data());
            Q_EMIT self->loaded(n);
        }, Qt::QueuedConnection);
    }, Qt::QueuedConnection);
}

bool CacheStore::post(std::function<void(CacheWriter*)> work)
{
    if (!writer_)
        return false;
    if (pending_->load() >= kMaxPendingWrites) {
        if (dropped_++ == 0)
            qWarning("response cache: the cache file's writer is behind; some changes are not persisted");
        return false;
    }
    ++*pending_;
    QMetaObject::invokeMethod(writer_, [w = writer_, pending = pending_, work = std::move(work)] {
        work(w);
        --*pending;
    }, Qt::QueuedConnection);
    return true;
}

void CacheStore::stored(const std::shared_ptr<const CachedAnswer>& answer)
{
    uses_.remove(answer->key);
    post([answer](CacheWriter* w) { w->put(*answer); });
}

void CacheStore::removed(const QByteArray& key)
{
    uses_.remove(key);
    post([key](CacheWriter* w) { w->remove(key); });
}

void CacheStore::touched(const QByteArray& key, qint64 lastUsedMs)
{
    uses_.insert(key, lastUsedMs);
}

void CacheStore::cleared(const std::optional<QString>& cacheNamespace)
{
    uses_.clear();
    post([cacheNamespace](CacheWriter* w) { w->clear(cacheNamespace); });
}

void CacheStore::flushUses()
{
    if (uses_.isEmpty())
        return;
    std::vector<std::pair<QByteArray, qint64>> batch;
    batch.reserve(std::size_t(uses_.size()));
    for (auto it = uses_.constBegin(); it != uses_.constEnd(); ++it)
        batch.emplace_back(it.key(), it.value());
    uses_.clear();
    post([batch = std::move(batch)](CacheWriter* w) { w->touch(batch); });
}

} // namespace gatehouse
