#include "observability/sqlite_connection.h"

#include <QSqlError>
#include <QSqlQuery>

#include <atomic>

namespace gatehouse {

namespace {
std::atomic<quint64> nextConnectionId{1};
} // namespace

SqliteConnection::~SqliteConnection()
{
    close();
}

bool SqliteConnection::open(const QString& path, Mode mode, QString* error)
{
    close();
    name_ = QStringLiteral("gatehouse-sqlite-%1").arg(nextConnectionId.fetch_add(1));
    db_ = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name_);
    db_.setDatabaseName(path);
    QString options = QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000");
    if (mode == Mode::ReadOnly)
        options += QStringLiteral(";QSQLITE_OPEN_READONLY");
    db_.setConnectOptions(options);
    if (db_.open())
        return true;
    if (error)
        *error = db_.lastError().text();
    close();
    return false;
}

void SqliteConnection::close()
{
    if (name_.isEmpty())
        return;
    db_.close();
    db_ = QSqlDatabase();   // removeDatabase needs the last handle gone
    QSqlDatabase::removeDatabase(name_);
    name_.clear();
}

bool SqliteConnection::exec(const QString& sql, QString* error)
{
    QSqlQuery q(db_);
    if (q.exec(sql))
        return true;
    if (error)
        *error = q.lastError().text() + QStringLiteral(" [") + sql.left(120) + QStringLiteral("]");
    return false;
}

QVariant SqliteConnection::scalar(const QString& sql, QString* error)
{
    QSqlQuery q(db_);
    if (!q.exec(sql)) {
        if (error)
            *error = q.lastError().text();
        return {};
    }
    return q.next() ? q.value(0) : QVariant();
}

} // namespace gatehouse
