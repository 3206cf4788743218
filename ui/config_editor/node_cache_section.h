#pragma once
// The cache group of the node form (docs/cache.md): on or off, mode and max age; in semantic mode
// also the similarity threshold, which messages are compared, and the embedding target (a virtual
// key and a model; left empty, the built-in offline embedder). A target given by provider and
// api_key stays in the JSON tab: a secret has no field in the form.
//
// Like the panel's other sections it re-reads the node in refresh() and sends every change out
// through the Edit callback, so each field is one undo step.

#include <nlohmann/json.hpp>

#include <QGroupBox>

#include <functional>
#include <utility>
#include <vector>

class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLineEdit;
class QSpinBox;

namespace gatehouse {

class NodeCacheSection : public QGroupBox {
    Q_OBJECT
public:
    using Change = std::function<void(nlohmann::json&)>;
    using Edit = std::function<void(const QString& field, const Change& change)>;

    explicit NodeCacheSection(Edit edit, QWidget* parent = nullptr);

    void refresh(const nlohmann::json& node);

    // Field path -> widget, for marking validation issues on the right field (most specific first).
    std::vector<std::pair<QString, QWidget*>> issueFields() const;

private:
    void showSemanticRows(bool semantic);
    // Edits node.cache, creating it in simple mode when a field is set before the mode.
    void editCache(const QString& field, const std::function<void(nlohmann::json&)>& change);
    void writeEmbedding(const QString& field);   // field: the undo step it merges into

    Edit edit_;
    QFormLayout* form_ = nullptr;
    QComboBox* mode_ = nullptr;
    QSpinBox* maxAge_ = nullptr;
    QDoubleSpinBox* threshold_ = nullptr;
    QComboBox* embedMessages_ = nullptr;
    QLineEdit* embeddingKey_ = nullptr;
    QLineEdit* embeddingModel_ = nullptr;
    bool refreshing_ = false;
};

} // namespace gatehouse
