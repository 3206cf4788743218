#pragma once
// The virtual keys' metadata (never their secrets) as one JSON file in the application's data
// directory: {"version":1,"keys":[VirtualKey...]}. Written whole through QSaveFile, so a crash
// leaves the old file or the new one, never half of either. Main thread (or the CLI) only.

#include "keys/virtual_key.h"

#include <QString>
#include <vector>

namespace gatehouse {

class KeyMetadataStore {
public:
    explicit KeyMetadataStore(QString path);

    const QString& path() const { return path_; }
    // A missing file is an empty vault; a file that cannot be read or parsed is an error (and the
    // store stays empty, so a later save() cannot silently overwrite it: see loadFailed()).
    bool load(QString* error);
    bool save(QString* error) const;

    // True when the file holds something other than what this store last loaded or saved (another
    // process, e.g. 'gatehouse keys', changed it).
    bool changedOnDisk() const;

    const std::vector<VirtualKey>& keys() const { return keys_; }
    const VirtualKey* find(const QString& slug) const;
    VirtualKey* find(const QString& slug);
    void upsert(const VirtualKey& key);   // replaces the key with the same slug, or appends
    bool remove(const QString& slug);

private:
    QString path_;
    std::vector<VirtualKey> keys_;
    bool loadFailed_ = false;
    mutable QByteArray lastBytes_;   // the file's content as last loaded or saved
};

} // namespace gatehouse
