#pragma once
// A virtual key: a named provider credential. Requests refer to it by slug
// (x-portkey-virtual-key, or a config target's virtual_key); the secret itself lives in a
// SecretStore and never in this struct, so a VirtualKey can be saved, shown and logged freely.

#include "keys/key_limits.h"

#include <nlohmann/json_fwd.hpp>

#include <QString>
#include <optional>

namespace gatehouse {

struct VirtualKey {
    QString slug;               // what requests use: [a-z0-9][a-z0-9_-]{0,63}
    QString displayName;
    QString provider;           // provider id from the provider table
    // provider-specific fields (empty when unused)
    QString customHost;         // replaces the provider's base URL
    QString azureResource, azureDeployment, azureApiVersion;
    QString awsRegion;
    QString vertexProject, vertexRegion;
    QString notes;
    qint64 createdMs = 0;       // ms since the epoch, UTC
    qint64 lastUsedMs = 0;      // 0: never used
    qint64 secretUpdatedMs = 0; // last rotation; a change of the file tells running gateways to reload
    bool disabled = false;
    KeyLimits limits;
    // Where the secret comes from: the configured store, or only the GATEHOUSE_VK_<SLUG> variable.
    bool secretFromEnvironment = false;
};

// Empty when slug is acceptable, otherwise why not.
QString slugProblem(const QString& slug);

// Environment variable that may carry a key's secret: GATEHOUSE_VK_ + slug upper-cased, '-' -> '_'.
QString secretEnvironmentVariable(const QString& slug);

// The key's provider fields as a provider's option keys (azure_resource_name, azure_deployment_id,
// azure_api_version, aws_region, vertex_project_id, vertex_region); null when it has none.
nlohmann::json virtualKeyProviderOptions(const VirtualKey& k);

void to_json(nlohmann::json& j, const VirtualKey& k);
void from_json(const nlohmann::json& j, VirtualKey& k);   // throws nlohmann::json::exception on bad types

} // namespace gatehouse
