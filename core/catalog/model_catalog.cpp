#include "catalog/model_catalog.h"

#include <nlohmann/json.hpp>

#include <QFile>
#include <stdexcept>

namespace gatehouse {

namespace {

QString key(const QString& provider, const QString& model)
{
    return provider + QLatin1Char('\n') + model;
}

nlohmann::json priceJson(const ModelPrice& p)
{
    nlohmann::json j = {{"input", p.input}, {"output", p.output},
                        {"cached_input", p.cachedInput ? nlohmann::json(*p.cachedInput) : nlohmann::json(nullptr)}};
    if (p.cacheWriteInput)
        j["cache_write_input"] = *p.cacheWriteInput;
    if (p.aboveTokens > 0)
        j["above_tokens"] = p.aboveTokens;
    return j;
}

} // namespace

std::shared_ptr<const ModelCatalog> ModelCatalog::builtIn()
{
    // Parsed once per process: every gateway (and the GUI) shares the same immutable table.
    static const std::shared_ptr<const ModelCatalog> catalog = [] {
        QFile f(QStringLiteral(":/gatehouse/models.json"));
        if (!f.open(QIODevice::ReadOnly))
            throw std::runtime_error("the built-in model catalog is missing from the resources");
        return fromJson(f.readAll());
    }();
    return catalog;
}

std::shared_ptr<const ModelCatalog> ModelCatalog::fromJson(const QByteArray& json)
{
    const auto j = nlohmann::json::parse(json.constBegin(), json.constEnd(), nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("models") || !j["models"].is_array())
        throw std::runtime_error("model catalog: not a JSON object with a \"models\" array");
    auto c = std::make_shared<ModelCatalog>();
    const auto source = j.value("source", nlohmann::json::object());
    c->pricesSource_ = QString::fromStdString(source.value("prices", ""));
    c->pricesDate_ = QString::fromStdString(source.value("prices_date", ""));
    c->models_.reserve(j["models"].size());
    for (const auto& entry : j["models"]) {
        ModelInfo m;
        try {
            m = entry.get<ModelInfo>();
        } catch (const std::exception& e) {
            throw std::runtime_error(std::string("model catalog: entry ") + std::to_string(c->models_.size()) + ": " + e.what());
        }
        if (m.provider.isEmpty() || m.id.isEmpty())
            throw std::runtime_error("model catalog: an entry has an empty provider or id");
        const QString k = key(m.provider, m.id);
        if (c->index_.contains(k))
            throw std::runtime_error("model catalog: duplicate " + k.toStdString());
        c->index_.insert(k, c->models_.size());
        c->models_.push_back(std::move(m));
    }
    return c;
}

const ModelInfo* ModelCatalog::find(const QString& provider, const QString& model) const
{
    auto it = index_.constFind(key(provider, model));
    if (it == index_.constEnd() && model.startsWith(QLatin1String("models/")))
        it = index_.constFind(key(provider, model.mid(7)));
    // Vertex AI model strings may name their publisher ("anthropic.claude-...", "meta.llama-...").
    for (const QLatin1String prefix : {QLatin1String("google."), QLatin1String("anthropic."), QLatin1String("meta."),
                                       QLatin1String("mistralai.")}) {
        if (it == index_.constEnd() && provider == QLatin1String("vertex-ai") && model.startsWith(prefix))
            it = index_.constFind(key(provider, model.mid(prefix.size())));
    }
    return it == index_.constEnd() ? nullptr : &models_[*it];
}

QByteArray ModelCatalog::openAiList(const QString& provider) const
{
    nlohmann::json data = nlohmann::json::array();
    for (const ModelInfo& m : models_) {
        if (!provider.isEmpty() && m.provider != provider)
            continue;
        const auto opt = [](const std::optional<qint64>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
        nlohmann::json row = {{"id", m.id.toStdString()}, {"object", "model"}, {"created", 0},
                              {"owned_by", m.provider.toStdString()}, {"provider", m.provider.toStdString()},
                              {"context_window", opt(m.contextWindow)}, {"max_output_tokens", opt(m.maxOutput)},
                              {"pricing", m.price ? priceJson(*m.price) : nlohmann::json(nullptr)},
                              {"capabilities", m.capabilities}};
        if (m.longContextPrice)
            row["long_context_pricing"] = priceJson(*m.longContextPrice);
        data.push_back(std::move(row));
    }
    return QByteArray::fromStdString(nlohmann::json{{"object", "list"}, {"data", std::move(data)}}.dump());
}

} // namespace gatehouse
