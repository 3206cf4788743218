#include "cache/semantic_index.h"

#include <QElapsedTimer>

namespace gatehouse {

SemanticIndex::SemanticIndex(Mode mode)
    : mode_(mode)
{
    if (mode_ == Mode::Threaded) {
        thread_.setObjectName(QStringLiteral("gatehouse-semantic-index"));
        worker_ = new QObject;
        worker_->moveToThread(&thread_);
        thread_.start(QThread::LowPriority);   // lookups wait on it, but the gateway thread comes first
    }
}

SemanticIndex::~SemanticIndex()
{
    if (mode_ == Mode::Threaded) {
        thread_.quit();
        thread_.wait();   // ops still queued are dropped with the indexes they would change
        delete worker_;
    }
}

void SemanticIndex::enqueue(Op op)
{
    if (mode_ == Mode::Inline) {
        op();
        return;
    }
    batch_.push_back(std::move(op));
    if (!flushPosted_) {
        flushPosted_ = true;
        QMetaObject::invokeMethod(&home_, [this] { flush(); }, Qt::QueuedConnection);
    }
}

void SemanticIndex::flush()
{
    flushPosted_ = false;
    if (batch_.empty())
        return;
    QMetaObject::invokeMethod(worker_, [this, ops = std::move(batch_)]() mutable {
        for (Op& op : ops)
            pending_.push_back(std::move(op));
        drain();
    }, Qt::QueuedConnection);
    batch_.clear();
}

void SemanticIndex::drain()
{
    // In slices, so a search posted meanwhile (100,000 vectors loaded at start take a minute at 768
    // floats) is answered within a slice instead of after the whole load.
    QElapsedTimer slice;
    slice.start();
    while (!pending_.empty()) {
        const Op op = std::move(pending_.front());
        pending_.pop_front();
        op();
        if (!pending_.empty() && slice.elapsed() >= kSliceMs) {
            if (!drainPosted_) {
                drainPosted_ = true;
                QMetaObject::invokeMethod(worker_, [this] {
                    drainPosted_ = false;
                    drain();
                }, Qt::QueuedConnection);
            }
            return;
        }
    }
}

void SemanticIndex::addNow(const QByteArray& scope, std::uint64_t id, const std::vector<float>& vector)
{
    auto it = scopes_.find(scope);
    if (it == scopes_.end())
        it = scopes_.emplace(scope, VectorIndex(int(vector.size()))).first;
    if (it->second.dimensions() == int(vector.size()))   // the cache sends one length per scope
        it->second.add(id, vector.data());
}

bool SemanticIndex::tryAdd(const QByteArray& scope, std::uint64_t id, std::vector<float> vector)
{
    if (mode_ == Mode::Threaded && backlog_.load(std::memory_order_relaxed) >= kMaxBacklog)
        return false;
    add(scope, id, std::move(vector));
    return true;
}

void SemanticIndex::add(const QByteArray& scope, std::uint64_t id, std::vector<float> vector)
{
    backlog_.fetch_add(1, std::memory_order_relaxed);
    enqueue([this, scope, id, v = std::move(vector)] {
        addNow(scope, id, v);
        backlog_.fetch_sub(1, std::memory_order_relaxed);
    });
}

void SemanticIndex::remove(const QByteArray& scope, std::uint64_t id)
{
    enqueue([this, scope, id] {
        if (const auto it = scopes_.find(scope); it != scopes_.end())
            it->second.remove(id);
    });
}

void SemanticIndex::dropScope(const QByteArray& scope)
{
    enqueue([this, scope] { scopes_.erase(scope); });
}

std::vector<VectorIndex::Match> SemanticIndex::nearestNow(const QByteArray& scope, const std::vector<float>& query,
                                                          std::size_t k, float minScore) const
{
    const auto it = scopes_.find(scope);
    if (it == scopes_.end() || it->second.dimensions() != int(query.size()))
        return {};
    return it->second.nearest(query.data(), k, minScore);
}

void SemanticIndex::search(const QByteArray& scope, std::vector<float> query, std::size_t k, float minScore, Found found)
{
    if (mode_ == Mode::Inline)
        return found(nearestNow(scope, query, k, minScore));
    flush();   // what is queued goes first, and a lookup holds a request: it does not wait for the turn's end
    // Not behind the pending changes: it sees those applied so far (an add still queued is a miss, and
    // a removed entry is never served: the cache checks each candidate).
    QMetaObject::invokeMethod(worker_, [this, scope, q = std::move(query), k, minScore, found = std::move(found)]() mutable {
        QMetaObject::invokeMethod(&home_, [found = std::move(found), m = nearestNow(scope, q, k, minScore)]() mutable { found(std::move(m)); },
                                  Qt::QueuedConnection);
    }, Qt::QueuedConnection);
}

} // namespace gatehouse
