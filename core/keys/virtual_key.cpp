#include "keys/virtual_key.h"

#include <nlohmann/json.hpp>

namespace gatehouse {

QString slugProblem(const QString& slug)
{
    if (slug.isEmpty())
        return QStringLiteral("a slug is required");
    if (slug.size() > 64)
        return QStringLiteral("a slug has at most 64 characters");
    for (qsizetype i = 0; i < slug.size(); ++i) {
        const QChar c = slug[i];
        const bool lowerAlnum = (c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('0') && c <= QLatin1Char('9'));
        if (lowerAlnum || (i > 0 && (c == QLatin1Char('-') || c == QLatin1Char('_'))))
            continue;
        return QStringLiteral("a slug uses lower-case letters, digits, '-' and '_', and starts with a letter or digit");
    }
    return {};
}

QString secretEnvironmentVariable(const QString& slug)
{
    QString name = slug.toUpper();
    name.replace(QLatin1Char('-'), QLatin1Char('_'));
    return QStringLiteral("GATEHOUSE_VK_") + name;
}

namespace {

void put(nlohmann::json& j, const char* key, const QString& value)
{
    if (!value.isEmpty())
        j[key] = value.toStdString();
}

QString get(const nlohmann::json& j, const char* key)
{
    const auto it = j.find(key);
    if (it == j.end() || it->is_null())
        return {};
    return QString::fromStdString(it->get<std::string>());
}

} // namespace

nlohmann::json virtualKeyProviderOptions(const VirtualKey& k)
{
    nlohmann::json out;
    const auto put = [&out](const char* name, const QString& value) {
        if (!value.trimmed().isEmpty())
            out[name] = value.trimmed().toStdString();
    };
    put("azure_resource_name", k.azureResource);
    put("azure_deployment_id", k.azureDeployment);
    put("azure_api_version", k.azureApiVersion);
    put("aws_region", k.awsRegion);
    put("vertex_project_id", k.vertexProject);
    put("vertex_region", k.vertexRegion);
    return out;
}

void to_json(nlohmann::json& j, const VirtualKey& k)
{
    j = nlohmann::json::object();
    j["slug"] = k.slug.toStdString();
    put(j, "display_name", k.displayName);
    j["provider"] = k.provider.toStdString();
    put(j, "custom_host", k.customHost);
    put(j, "azure_resource_name", k.azureResource);
    put(j, "azure_deployment_id", k.azureDeployment);
    put(j, "azure_api_version", k.azureApiVersion);
    put(j, "aws_region", k.awsRegion);
    put(j, "vertex_project_id", k.vertexProject);
    put(j, "vertex_region", k.vertexRegion);
    put(j, "notes", k.notes);
    j["created_ms"] = k.createdMs;
    if (k.lastUsedMs)
        j["last_used_ms"] = k.lastUsedMs;
    if (k.secretUpdatedMs)
        j["secret_updated_ms"] = k.secretUpdatedMs;
    j["disabled"] = k.disabled;
    if (k.limits.any() || k.limits.anyBudget())
        j["limits"] = k.limits;
    if (k.secretFromEnvironment)
        j["secret_from_environment"] = true;
}

void from_json(const nlohmann::json& j, VirtualKey& k)
{
    k = VirtualKey{};
    k.slug = get(j, "slug");
    k.displayName = get(j, "display_name");
    k.provider = get(j, "provider");
    k.customHost = get(j, "custom_host");
    k.azureResource = get(j, "azure_resource_name");
    k.azureDeployment = get(j, "azure_deployment_id");
    k.azureApiVersion = get(j, "azure_api_version");
    k.awsRegion = get(j, "aws_region");
    k.vertexProject = get(j, "vertex_project_id");
    k.vertexRegion = get(j, "vertex_region");
    k.notes = get(j, "notes");
    k.createdMs = j.value("created_ms", qint64(0));
    k.lastUsedMs = j.value("last_used_ms", qint64(0));
    k.secretUpdatedMs = j.value("secret_updated_ms", qint64(0));
    k.disabled = j.value("disabled", false);
    if (const auto l = j.find("limits"); l != j.end() && !l->is_null())
        k.limits = l->get<KeyLimits>();
    k.secretFromEnvironment = j.value("secret_from_environment", false);
}

} // namespace gatehouse
