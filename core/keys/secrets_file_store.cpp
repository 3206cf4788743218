#include "keys/secrets_file_store.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <sys/stat.h>

namespace gatehouse {

SecretsFileStore::SecretsFileStore(QString path)
    : path_(std::move(path))
{
}

QString SecretsFileStore::permissionProblem(const QString& path)
{
    struct stat st {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return {};   // created with 0600 on first write; reads report "not found"
    if (!S_ISREG(st.st_mode))
        return QStringLiteral("The secrets file %1 is not a regular file.").arg(path);
    const unsigned mode = st.st_mode & 07777;
    if (mode & 077) {
        return QStringLiteral("The secrets file %1 has mode %2, so other users can read it; it must be 0600. "
                              "Run: chmod 600 '%1'")
            .arg(path, QStringLiteral("0%1").arg(mode, 3, 8, QLatin1Char('0')));
    }
    return {};
}

std::optional<std::map<QString, QString>> SecretsFileStore::load(QString* error) const
{
    std::map<QString, QString> out;
    if (const QString p = permissionProblem(path_); !p.isEmpty()) {
        *error = p;
        return std::nullopt;
    }
    QFile f(path_);
    if (!f.exists())
        return out;
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("Cannot read the secrets file %1: %2").arg(path_, f.errorString());
        return std::nullopt;
    }
    const QByteArray bytes = f.readAll();
    const auto j = nlohmann::json::parse(bytes.constBegin(), bytes.constEnd(), nullptr, false);
    // Never quote the file's content in an error: it is all secrets.
    if (j.is_discarded() || !j.is_object()) {
        *error = QStringLiteral("The secrets file %1 is not a JSON object of \"slug\": \"secret\" pairs.").arg(path_);
        return std::nullopt;
    }
    for (const auto& [slug, value] : j.items()) {
        if (!value.is_string()) {
            *error = QStringLiteral("The secrets file %1: the value of \"%2\" is not a string.").arg(path_, QString::fromStdString(slug).left(64));
            return std::nullopt;
        }
        out[QString::fromStdString(slug)] = QString::fromStdString(value.get<std::string>());
    }
    return out;
}

bool SecretsFileStore::save(const std::map<QString, QString>& secrets, QString* error) const
{
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [slug, secret] : secrets)
        j[slug.toStdString()] = secret.toStdString();
    QDir().mkpath(QFileInfo(path_).absolutePath());
    QSaveFile f(path_);
    if (!f.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("Cannot write the secrets file %1: %2").arg(path_, f.errorString());
        return false;
    }
    // The temporary file gets owner-only permissions before any secret is written into it.
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    f.write(QByteArray::fromStdString(j.dump(2)) + '\n');
    if (!f.commit()) {
        *error = QStringLiteral("Cannot write the secrets file %1: %2").arg(path_, f.errorString());
        return false;
    }
    return true;
}

void SecretsFileStore::read(const QString& slug, Callback done)
{
    SecretResult r;
    QString error;
    if (auto secrets = load(&error)) {
        const auto it = secrets->find(slug);
        if (it == secrets->end()) {
            r.notFound = true;
            r.message = QStringLiteral("The secrets file %1 has no entry \"%2\".").arg(path_, slug);
        } else {
            r.ok = true;
            r.secret = it->second;
        }
    } else {
        r.message = error;
    }
    postSecretResult(std::move(done), std::move(r));
}

void SecretsFileStore::write(const QString& slug, const QString& secret, Callback done)
{
    SecretResult r;
    QString error;
    if (auto secrets = load(&error)) {
        (*secrets)[slug] = secret;
        r.ok = save(*secrets, &error);
    }
    if (!r.ok)
        r.message = error;
    postSecretResult(std::move(done), std::move(r));
}

void SecretsFileStore::remove(const QString& slug, Callback done)
{
    SecretResult r;
    QString error;
    if (auto secrets = load(&error)) {
        r.ok = secrets->erase(slug) == 0 || save(*secrets, &error);
    }
    if (!r.ok)
        r.message = error;
    postSecretResult(std::move(done), std::move(r));
}

} // namespace gatehouse
