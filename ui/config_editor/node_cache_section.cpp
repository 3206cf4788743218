#include "config_editor/node_cache_section.h"

#include "config_editor/config_key_spelling.h"
#include "config_editor/node_json.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QSpinBox>

#include <algorithm>
#include <cmath>
#include <limits>

namespace gatehouse {

using nlohmann::json;
using namespace node_json;

NodeCacheSection::NodeCacheSection(Edit edit, QWidget* parent)
    : QGroupBox(QStringLiteral("Cache"), parent)
    , edit_(std::move(edit))
{
    setObjectName(QStringLiteral("cache"));
    setCheckable(true);
    form_ = new QFormLayout(this);
    form_->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

    mode_ = new QComboBox(this);
    mode_->setObjectName(QStringLiteral("cacheMode"));
    mode_->addItem(QStringLiteral("Simple (exact request)"), QStringLiteral("simple"));
    mode_->addItem(QStringLiteral("Semantic (similar prompts)"), QStringLiteral("semantic"));
    maxAge_ = new QSpinBox(this);
    maxAge_->setObjectName(QStringLiteral("cacheMaxAge"));
    maxAge_->setRange(0, std::numeric_limits<int>::max());
    maxAge_->setSingleStep(1000);
    maxAge_->setSuffix(QStringLiteral(" ms"));
    maxAge_->setSpecialValueText(QStringLiteral("24 h (default)"));
    threshold_ = new QDoubleSpinBox(this);
    threshold_->setObjectName(QStringLiteral("cacheSimilarityThreshold"));
    threshold_->setRange(0.49, 1.0);   // the minimum stands for "default"
    threshold_->setDecimals(2);
    threshold_->setSingleStep(0.01);
    threshold_->setSpecialValueText(QStringLiteral("0.90 (default)"));
    threshold_->setKeyboardTracking(false);   // "0.8" on the way to "0.85" is not an edit
    threshold_->setToolTip(QStringLiteral("Cosine similarity a cached prompt needs to be served for this one"));
    embedMessages_ = new QComboBox(this);
    embedMessages_->setObjectName(QStringLiteral("cacheEmbedMessages"));
    embedMessages_->addItem(QStringLiteral("Last user message (default)"), QString());
    embedMessages_->addItem(QStringLiteral("All user messages"), QStringLiteral("user"));
    embedMessages_->addItem(QStringLiteral("Whole conversation"), QStringLiteral("all"));
    embeddingKey_ = new QLineEdit(this);
    embeddingKey_->setObjectName(QStringLiteral("cacheEmbeddingKey"));
    embeddingKey_->setPlaceholderText(QStringLiteral("built-in offline embedder"));
    embeddingKey_->setToolTip(QStringLiteral("Virtual key of a provider whose embeddings endpoint makes the vectors"));
    embeddingModel_ = new QLineEdit(this);
    embeddingModel_->setObjectName(QStringLiteral("cacheEmbeddingModel"));
    embeddingModel_->setPlaceholderText(QStringLiteral("e.g. text-embedding-3-small, nomic-embed-text"));
    form_->addRow(QStringLiteral("Mode"), mode_);
    form_->addRow(QStringLiteral("Max age"), maxAge_);
    form_->addRow(QStringLiteral("Similarity"), threshold_);
    form_->addRow(QStringLiteral("Compare"), embedMessages_);
    form_->addRow(QStringLiteral("Embedding key"), embeddingKey_);
    form_->addRow(QStringLiteral("Embedding model"), embeddingModel_);
    showSemanticRows(false);

    connect(this, &QGroupBox::toggled, this, [this](bool on) {
        if (refreshing_)
            return;
        edit_(QStringLiteral("cache"), [&](json& o) {
            if (!on)
                o.erase(spelledKey(o, "cache"));
            else if (!findKey(o, "cache"))
                o["cache"] = {{"mode", "simple"}};
        });
    });
    connect(mode_, &QComboBox::currentIndexChanged, this, [this] {
        const QString m = mode_->currentData().toString();
        showSemanticRows(m == QLatin1String("semantic"));
        if (!refreshing_)
            edit_(QStringLiteral("cache.mode"), [&](json& o) { put(sub(o, "cache"), "mode", m.toStdString()); });
    });
    connect(maxAge_, &QSpinBox::valueChanged, this, [this](int v) {
        editCache(QStringLiteral("cache.max_age"), [&](json& c) { put(c, "max_age", v == 0 ? json() : json(v)); });
    });
    connect(threshold_, &QDoubleSpinBox::valueChanged, this, [this](double v) {
        const bool unset = v <= threshold_->minimum();
        editCache(QStringLiteral("cache.similarity_threshold"), [&](json& c) {
            put(c, "similarity_threshold", unset ? json() : json(std::round(v * 100) / 100));
        });
    });
    connect(embedMessages_, &QComboBox::currentIndexChanged, this, [this] {
        const QString m = embedMessages_->currentData().toString();
        editCache(QStringLiteral("cache.embed_messages"), [&](json& c) { put(c, "embed_messages", m.isEmpty() ? json() : json(m.toStdString())); });
    });
    connect(embeddingKey_, &QLineEdit::textChanged, this, [this] { writeEmbedding(QStringLiteral("cache.embedding.virtual_key")); });
    connect(embeddingModel_, &QLineEdit::textChanged, this, [this] { writeEmbedding(QStringLiteral("cache.embedding.model")); });
}

void NodeCacheSection::showSemanticRows(bool semantic)
{
    for (QWidget* w : {static_cast<QWidget*>(threshold_), static_cast<QWidget*>(embedMessages_),
                       static_cast<QWidget*>(embeddingKey_), static_cast<QWidget*>(embeddingModel_)})
        form_->setRowVisible(w, semantic);
}

void NodeCacheSection::editCache(const QString& field, const std::function<void(json&)>& change)
{
    if (refreshing_)
        return;
    edit_(field, [&](json& o) {
        json& c = sub(o, "cache");
        change(c);
        if (!findKey(c, "mode"))
            c["mode"] = "simple";
    });
}

void NodeCacheSection::writeEmbedding(const QString& field)
{
    const QString key = embeddingKey_->text().trimmed();
    const QString model = embeddingModel_->text().trimmed();
    editCache(field, [&](json& c) {
        if (key.isEmpty() && model.isEmpty()) {
            c.erase(spelledKey(c, "embedding"));
            return;
        }
        // Only the two fields the form shows are written; the others a target may have (a
        // provider and api_key, timeout_ms) are kept as they are.
        json& e = sub(c, "embedding");
        put(e, "virtual_key", key.isEmpty() ? json() : json(key.toStdString()));
        put(e, "model", model.isEmpty() ? json() : json(model.toStdString()));
    });
}

void NodeCacheSection::refresh(const json& node)
{
    static const json emptyObject = json::object();
    refreshing_ = true;
    const json* cache = findKey(node, "cache");
    setChecked(cache && cache->is_object());
    const json& c = cache && cache->is_object() ? *cache : emptyObject;
    const int mi = mode_->findData(str(findKey(c, "mode")));
    mode_->setCurrentIndex(mi < 0 ? 0 : mi);
    showSemanticRows(mode_->currentData().toString() == QLatin1String("semantic"));
    const json* maxAge = findKey(c, "max_age");
    maxAge_->setValue(maxAge && maxAge->is_number() ? int(std::min<double>(maxAge->get<double>(), maxAge_->maximum())) : 0);
    const json* threshold = findKey(c, "similarity_threshold");
    const double t = threshold && threshold->is_number() ? threshold->get<double>() : threshold_->minimum();
    if (std::fabs(t - threshold_->value()) > 1e-9)   // the same value again would reformat the text being typed
        threshold_->setValue(t);
    const int ei = embedMessages_->findData(str(findKey(c, "embed_messages")));
    embedMessages_->setCurrentIndex(ei < 0 ? 0 : ei);
    const json* embedding = findKey(c, "embedding");
    const json& e = embedding && embedding->is_object() ? *embedding : emptyObject;
    setLineText(embeddingKey_, str(findKey(e, "virtual_key")));
    setLineText(embeddingModel_, str(findKey(e, "model")));
    refreshing_ = false;
}

std::vector<std::pair<QString, QWidget*>> NodeCacheSection::issueFields() const
{
    return {
        {QStringLiteral("cache.max_age"), maxAge_},
        {QStringLiteral("cache.similarity_threshold"), threshold_},
        {QStringLiteral("cache.embed_messages"), embedMessages_},
        {QStringLiteral("cache.embedding.model"), embeddingModel_},
        {QStringLiteral("cache.embedding"), embeddingKey_},
        {QStringLiteral("cache"), mode_},
    };
}

} // namespace gatehouse
