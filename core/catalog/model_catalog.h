#pragma once
// The built-in model catalog (resources/models.json): loaded once, immutable, shared by every
// gateway thread and the GUI. Answers "what is this model and what does it cost" by provider + id.

#include "catalog/model_info.h"

#include <QByteArray>
#include <QHash>
#include <QString>
#include <memory>
#include <vector>

namespace gatehouse {

class ModelCatalog {
public:
    // The catalog compiled into the resources; throws if it is missing or malformed (a build mistake).
    static std::shared_ptr<const ModelCatalog> builtIn();
    // Throws std::runtime_error naming the problem (bad JSON, a model without provider or id, ...).
    static std::shared_ptr<const ModelCatalog> fromJson(const QByteArray& json);

    const std::vector<ModelInfo>& models() const { return models_; }
    // Exact provider id and model id; a Gemini "models/" prefix is ignored. Null when unknown.
    const ModelInfo* find(const QString& provider, const QString& model) const;
    QString pricesSource() const { return pricesSource_; }
    QString pricesDate() const { return pricesDate_; }

    // GET /v1/models: the catalog's models (only one provider's when provider is not empty) in
    // OpenAI's list shape, each with Gatehouse's extra fields (provider, limits, prices, capabilities).
    QByteArray openAiList(const QString& provider = {}) const;

private:
    std::vector<ModelInfo> models_;
    QHash<QString, std::size_t> index_;   // "provider\nmodel" -> position
    QString pricesSource_;
    QString pricesDate_;
};

} // namespace gatehouse
