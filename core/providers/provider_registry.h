#pragma once
// All providers the gateway knows, built from the provider table in resources/providers.json.
// Immutable after construction; shared read-only by every worker thread.

#include "providers/provider.h"

#include <QStringList>
#include <memory>
#include <unordered_map>
#include <vector>

namespace gatehouse {

class ProviderRegistry {
public:
    // Loads the built-in table (Qt resource :/gatehouse/providers.json). Throws on a malformed table.
    static std::shared_ptr<const ProviderRegistry> builtIn();
    static std::shared_ptr<const ProviderRegistry> fromJson(const QByteArray& tableJson);

    const Provider* find(const QString& idOrAlias) const;
    QStringList ids() const;          // sorted, for error messages and the UI
    const std::vector<std::unique_ptr<Provider>>& all() const { return providers_; }

private:
    std::vector<std::unique_ptr<Provider>> providers_;
    std::unordered_map<QString, const Provider*> byName_;
};

} // namespace gatehouse
