#include "cache/cache_writer.h"

#include "cache/cache_database.h"

#include <QDir>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>

namespace gatehouse {

CacheWriter::CacheWriter(QObject* parent)
    : QObject(parent)
{
}

CacheWriter::~CacheWriter()
{
    close();
}

bool CacheWriter::open(const QString& path, QString* error)
{
    close();
    QDir().mkpath(QFileInfo(path).absolutePath());
    if (!db_.open(path, SqliteConnection::Mode::ReadWrite, error) || !prepareCacheDatabase(db_, error)) {
        close();
        return false;
    }
    const auto prepared = [this](const QString& sql) {
        auto q = std::make_unique<QSqlQuery>(db_.db());
        return q->prepare(sql) ? std::move(q) : nullptr;
    };
    insert_ = prepared(cacheInsertSql());
    delete_ = prepared(QStringLiteral("DELETE FROM cache_entries WHERE key = ?"));
    touch_ = prepared(QStringLiteral("UPDATE cache_entries SET last_used_ms = ? WHERE key = ?"));
    if (!insert_ || !delete_ || !touch_) {
        if (error)
            *error = QStringLiteral("cannot prepare the cache file's statements: %1").arg(db_.db().lastError().text());
        close();
        return false;
    }
    return true;
}

void CacheWriter::close()
{
    insert_.reset();
    delete_.reset();
    touch_.reset();
    db_.close();
}

std::vector<std::shared_ptr<CachedAnswer>> CacheWriter::load(qint64 nowMs, qint64 maxEntries)
{
    QString error;
    auto entries = loadCacheEntries(db_, nowMs, maxEntries, &error);
    if (!error.isEmpty())
        failed(QStringLiteral("load"), error);
    return entries;
}

void CacheWriter::put(const CachedAnswer& answer)
{
    if (!insert_)
        return;
    bindCacheEntry(*insert_, answer);
    if (!insert_->exec())
        failed(QStringLiteral("store"), insert_->lastError().text());
}

void CacheWriter::remove(const QByteArray& key)
{
    if (!delete_)
        return;
    delete_->addBindValue(key);
    if (!delete_->exec())
        failed(QStringLiteral("delete"), delete_->lastError().text());
}

void CacheWriter::touch(const std::vector<std::pair<QByteArray, qint64>>& uses)
{
    if (!touch_ || uses.empty())
        return;
    db_.db().transaction();
    for (const auto& [key, ms] : uses) {
        touch_->addBindValue(ms);
        touch_->addBindValue(key);
        if (!touch_->exec())
            failed(QStringLiteral("update"), touch_->lastError().text());
    }
    db_.db().commit();
}

void CacheWriter::clear(const std::optional<QString>& cacheNamespace)
{
    if (!db_.isOpen())
        return;
    QString error;
    if (clearCacheEntries(db_, cacheNamespace, &error) < 0)
        failed(QStringLiteral("clear"), error);
}

void CacheWriter::failed(const QString& what, const QString& message)
{
    // Logged once: a full disk would otherwise log every store. failures() keeps the count.
    if (failures_++ == 0)
        qWarning("response cache: cannot %s in the cache file: %s", qPrintable(what), qPrintable(message));
}

} // namespace gatehouse
