#pragma once
// One QSQLITE connection under a unique name, used only by the thread that opened it. Qt connections
// must not cross threads, and a reused name would silently hand back another thread's connection.

#include <QSqlDatabase>
#include <QString>
#include <QVariant>

namespace gatehouse {

class SqliteConnection {
public:
    enum class Mode { ReadWrite, ReadOnly };   // ReadWrite creates the file when missing

    SqliteConnection() = default;
    ~SqliteConnection();
    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;

    bool open(const QString& path, Mode mode, QString* error);
    // Every QSqlQuery on this connection must be gone before close() (Qt warns otherwise).
    void close();
    bool isOpen() const { return db_.isOpen(); }
    QSqlDatabase& db() { return db_; }

    // One statement (QSQLITE runs only the first statement of a string).
    bool exec(const QString& sql, QString* error = nullptr);
    // The first column of the first row, e.g. a PRAGMA's value; invalid on error.
    QVariant scalar(const QString& sql, QString* error = nullptr);

private:
    QString name_;
    QSqlDatabase db_;
};

} // namespace gatehouse
