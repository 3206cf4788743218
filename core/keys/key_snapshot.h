#pragma once
// What the gateway thread knows about virtual keys: an immutable map slug -> key + secret, built on
// the main thread and swapped whole (like saved configs). A request resolves its key against the
// snapshot it started with; a rotation is a new snapshot, so new requests use the new secret at once.

#include "keys/virtual_key.h"

#include <QMetaType>
#include <QString>
#include <map>
#include <memory>

namespace gatehouse {

struct ResolvedKey {
    VirtualKey key;
    QString secret;
    QString unavailable;   // non-empty: the secret could not be loaded, and why (never the secret)
};

struct KeySnapshot {
    std::map<QString, ResolvedKey> keys;

    const ResolvedKey* find(const QString& slug) const
    {
        const auto it = keys.find(slug);
        return it == keys.end() ? nullptr : &it->second;
    }
};

using KeySnapshotPtr = std::shared_ptr<const KeySnapshot>;

} // namespace gatehouse

Q_DECLARE_METATYPE(gatehouse::KeySnapshotPtr)
