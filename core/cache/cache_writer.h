#pragma once
// The cache file's writer: lives on the cache store's own thread with its own SQLite connection.
// Only CacheStore talks to it; every call below runs on the writer thread.

#include "cache/cached_answer.h"
#include "observability/sqlite_connection.h"

#include <QObject>

#include <memory>
#include <optional>
#include <utility>
#include <vector>

class QSqlQuery;

namespace gatehouse {

class CacheWriter : public QObject {
    Q_OBJECT
public:
    explicit CacheWriter(QObject* parent = nullptr);
    ~CacheWriter() override;

    bool open(const QString& path, QString* error);
    void close();
    std::vector<std::shared_ptr<CachedAnswer>> load(qint64 nowMs, qint64 maxEntries);

    void put(const CachedAnswer& answer);
    void remove(const QByteArray& key);
    void touch(const std::vector<std::pair<QByteArray, qint64>>& uses);   // one transaction
    void clear(const std::optional<QString>& cacheNamespace);

    qint64 failures() const { return failures_; }

private:
    void failed(const QString& what, const QString& message);

    SqliteConnection db_;
    std::unique_ptr<QSqlQuery> insert_;
    std::unique_ptr<QSqlQuery> delete_;
    std::unique_ptr<QSqlQuery> touch_;
    qint64 failures_ = 0;
};

} // namespace gatehouse
