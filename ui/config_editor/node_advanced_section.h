#pragma once
// The less common fields of a config node, in one group the panel shows below the common ones:
// headers forwarded to the provider, strict OpenAI compliance, Gatehouse's deadlines (total and
// first token), the circuit breaker, and the provider family's own options (Azure resource and
// deployment, AWS region, Vertex project and region). Secrets among those options (AWS keys, a
// service-account JSON) are not offered here: they belong in a virtual key, and stay editable in
// the JSON tab.
//
// Like the rest of the panel it re-reads the node in refresh() and sends every change out through
// the Edit callback, so each field is one undo step and undo shows up here too.

#include <nlohmann/json.hpp>

#include <QGroupBox>

#include <functional>
#include <utility>
#include <vector>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLineEdit;
class QSpinBox;

namespace gatehouse {

class NodeAdvancedSection : public QGroupBox {
    Q_OBJECT
public:
    using Change = std::function<void(nlohmann::json&)>;
    using Edit = std::function<void(const QString& field, const Change& change)>;

    NodeAdvancedSection(Edit edit, QWidget* parent = nullptr);

    // Shows `node`; `provider` is the provider in effect there (its own or inherited), which picks
    // the provider options offered.
    void refresh(const nlohmann::json& node, const QString& provider);

    // Field path -> widget, for marking validation issues on the right field.
    std::vector<std::pair<QString, QWidget*>> issueFields() const;

private:
    struct ProviderOption {
        const char* key;
        QLineEdit* edit;
        QStringList providers;   // shown for these providers (or when the node already sets it)
    };

    QSpinBox* millisBox(const QString& objectName, const QString& zeroText, int max);

    Edit edit_;
    QFormLayout* form_ = nullptr;
    QLineEdit* forwardHeaders_ = nullptr;
    QComboBox* strict_ = nullptr;
    QSpinBox* totalTimeout_ = nullptr;
    QSpinBox* firstTokenTimeout_ = nullptr;
    QGroupBox* breakerBox_ = nullptr;
    QSpinBox* failureThreshold_ = nullptr;
    QSpinBox* breakerWindow_ = nullptr;
    QSpinBox* cooldown_ = nullptr;
    std::vector<ProviderOption> options_;
    bool refreshing_ = false;
};

} // namespace gatehouse
