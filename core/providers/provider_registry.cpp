#include "providers/provider_registry.h"

#include "providers/anthropic_provider.h"
#include "providers/azure_openai_provider.h"
#include "providers/bedrock_provider.h"
#include "providers/cohere_provider.h"
#include "providers/google_provider.h"
#include "providers/mock_provider.h"
#include "providers/openai_compatible_provider.h"
#include "providers/vertex_provider.h"

#include <nlohmann/json.hpp>

#include <QFile>
#include <stdexcept>

namespace gatehouse {

std::shared_ptr<const ProviderRegistry> ProviderRegistry::builtIn()
{
    QFile f(QStringLiteral(":/gatehouse/providers.json"));
    if (!f.open(QIODevice::ReadOnly))
        throw std::runtime_error("the built-in provider table is missing from the resources");
    return fromJson(f.readAll());
}

std::shared_ptr<const ProviderRegistry> ProviderRegistry::fromJson(const QByteArray& tableJson)
{
    const auto j = nlohmann::json::parse(tableJson.constBegin(), tableJson.constEnd(), nullptr, false);
    if (j.is_discarded() || !j.contains("providers") || !j["providers"].is_array())
        throw std::runtime_error("provider table: not a JSON object with a \"providers\" array");
    auto reg = std::make_shared<ProviderRegistry>();
    for (const auto& entry : j["providers"]) {
        auto info = entry.get<ProviderInfo>();
        // "kind" picks the adapter class; the table is ours, so an unknown kind is a build mistake.
        const std::string kind = entry.value("kind", "openai-compatible");
        std::unique_ptr<Provider> p;
        if (kind == "mock")
            p = std::make_unique<MockProvider>(std::move(info));
        else if (kind == "anthropic")
            p = std::make_unique<AnthropicProvider>(std::move(info));
        else if (kind == "azure-openai")
            p = std::make_unique<AzureOpenAIProvider>(std::move(info));
        else if (kind == "bedrock")
            p = std::make_unique<BedrockProvider>(std::move(info));
        else if (kind == "cohere")
            p = std::make_unique<CohereProvider>(std::move(info));
        else if (kind == "google")
            p = std::make_unique<GoogleProvider>(std::move(info));
        else if (kind == "vertex-ai")
            p = std::make_unique<VertexProvider>(std::move(info));
        else if (kind == "openai-compatible")
            p = std::make_unique<OpenAICompatibleProvider>(std::move(info));
        else
            throw std::runtime_error("provider table: unknown kind " + kind + " for " + info.id.toStdString());
        for (const QString& name : p->info().aliases)
            reg->byName_.emplace(name, p.get());
        if (!reg->byName_.emplace(p->id(), p.get()).second)
            throw std::runtime_error("provider table: duplicate id " + p->id().toStdString());
        reg->providers_.push_back(std::move(p));
    }
    return reg;
}

const Provider* ProviderRegistry::find(const QString& idOrAlias) const
{
    const auto it = byName_.find(idOrAlias);
    return it == byName_.end() ? nullptr : it->second;
}

QStringList ProviderRegistry::ids() const
{
    QStringList out;
    for (const auto& p : providers_)
        out << p->id();
    out.sort();
    return out;
}

} // namespace gatehouse
