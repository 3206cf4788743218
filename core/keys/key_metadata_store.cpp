#include "keys/key_metadata_store.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>
#include <set>

namespace gatehouse {

KeyMetadataStore::KeyMetadataStore(QString path)
    : path_(std::move(path))
{
}

bool KeyMetadataStore::load(QString* error)
{
    keys_.clear();
    loadFailed_ = false;
    QFile f(path_);
    if (!f.exists()) {
        lastBytes_.clear();
        return true;
    }
    auto failWith = [&](const QString& why) {
        loadFailed_ = true;
        keys_.clear();
        if (error)
            *error = QStringLiteral("Cannot read the virtual keys file %1: %2").arg(path_, why);
        return false;
    };
    if (!f.open(QIODevice::ReadOnly))
        return failWith(f.errorString());
    const QByteArray bytes = f.readAll();
    lastBytes_ = bytes;
    const auto j = nlohmann::json::parse(bytes.constBegin(), bytes.constEnd(), nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return failWith(QStringLiteral("it is not a JSON object"));
    const auto list = j.find("keys");
    if (list == j.end() || !list->is_array())
        return failWith(QStringLiteral("it has no \"keys\" array"));
    std::set<QString> seen;
    for (std::size_t i = 0; i < list->size(); ++i) {
        VirtualKey k;
        try {
            if (!(*list)[i].is_object())
                return failWith(QStringLiteral("keys[%1] is not an object").arg(i));
            k = (*list)[i].get<VirtualKey>();
        } catch (const nlohmann::json::exception&) {
            return failWith(QStringLiteral("keys[%1] has a field of the wrong type").arg(i));
        }
        if (const QString p = slugProblem(k.slug); !p.isEmpty())
            return failWith(QStringLiteral("keys[%1]: %2").arg(i).arg(p));
        if (!seen.insert(k.slug).second)
            return failWith(QStringLiteral("the slug '%1' appears twice").arg(k.slug));
        keys_.push_back(std::move(k));
    }
    return true;
}

bool KeyMetadataStore::save(QString* error) const
{
    if (loadFailed_) {
        if (error)
            *error = QStringLiteral("The virtual keys file %1 could not be read; fix or move it before changing keys.").arg(path_);
        return false;
    }
    QDir().mkpath(QFileInfo(path_).absolutePath());
    nlohmann::json j = {{"version", 1}, {"keys", nlohmann::json::array()}};
    for (const VirtualKey& k : keys_)
        j["keys"].push_back(k);
    QSaveFile f(path_);
    if (!f.open(QIODevice::WriteOnly)) {
        if (error)
            *error = QStringLiteral("Cannot write the virtual keys file %1: %2").arg(path_, f.errorString());
        return false;
    }
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);   // names and hosts are private too
    const QByteArray bytes = QByteArray::fromStdString(j.dump(2)) + '\n';
    f.write(bytes);
    if (!f.commit()) {
        if (error)
            *error = QStringLiteral("Cannot write the virtual keys file %1: %2").arg(path_, f.errorString());
        return false;
    }
    lastBytes_ = bytes;
    return true;
}

bool KeyMetadataStore::changedOnDisk() const
{
    QFile f(path_);
    if (!f.open(QIODevice::ReadOnly))
        return !lastBytes_.isEmpty();
    return f.readAll() != lastBytes_;
}

const VirtualKey* KeyMetadataStore::find(const QString& slug) const
{
    for (const VirtualKey& k : keys_) {
        if (k.slug == slug)
            return &k;
    }
    return nullptr;
}

VirtualKey* KeyMetadataStore::find(const QString& slug)
{
    return const_cast<VirtualKey*>(std::as_const(*this).find(slug));
}

void KeyMetadataStore::upsert(const VirtualKey& key)
{
    if (VirtualKey* k = find(key.slug))
        *k = key;
    else
        keys_.push_back(key);
}

bool KeyMetadataStore::remove(const QString& slug)
{
    const auto before = keys_.size();
    std::erase_if(keys_, [&](const VirtualKey& k) { return k.slug == slug; });
    return keys_.size() != before;
}

} // namespace gatehouse
