#pragma once
// The form for the node selected in the config tree: strategy (mode, fallback status codes,
// conditions and default), the target (provider or virtual key, key, name), request overrides,
// retry, cache (NodeCacheSection), timeout and custom host, the advanced fields (NodeAdvancedSection), and for load
// balancers the weights of their targets.
// Every field writes through ConfigTreeModel::editNode (one undo step per field per burst of
// edits) and is re-read when the model changes, so undo/redo show up here too. Fields are
// found by objectName (tests, and the issue marks).

#include <nlohmann/json.hpp>

#include <QPersistentModelIndex>
#include <QStringList>
#include <QWidget>

#include <functional>
#include <utility>
#include <vector>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTableWidget;

namespace gatehouse {

class ConfigTreeModel;
class LoadbalanceWeightsPanel;
class NodeAdvancedSection;
class NodeCacheSection;

class NodePropertiesPanel : public QWidget {
    Q_OBJECT
public:
    explicit NodePropertiesPanel(ConfigTreeModel* model, QWidget* parent = nullptr);

    void setNode(const QModelIndex& index);
    QModelIndex node() const { return node_; }

    // Provider ids with display names, for the provider combo.
    void setProviders(const std::vector<std::pair<QString, QString>>& idAndName);
    void setVirtualKeys(const QStringList& slugs);

    LoadbalanceWeightsPanel* weightsPanel() const { return weights_; }

private:
    void build();
    void refresh();
    void refreshConditions(const nlohmann::json& strategy);
    void refreshParams(const nlohmann::json& params);
    void refreshIssues();
    void edit(const QString& field, const std::function<void(nlohmann::json&)>& change);
    void writeConditions();
    void writeParams();
    void fillThenCombos();
    QStringList childNames() const;

    ConfigTreeModel* model_;
    QPersistentModelIndex node_;

    QLabel* title_ = nullptr;
    QLabel* path_ = nullptr;
    QLabel* issues_ = nullptr;

    QGroupBox* routingBox_ = nullptr;
    QFormLayout* routingForm_ = nullptr;
    QComboBox* mode_ = nullptr;
    QLineEdit* name_ = nullptr;
    QLineEdit* fallbackCodes_ = nullptr;
    QLabel* fallbackCodesError_ = nullptr;

    QGroupBox* conditionsBox_ = nullptr;
    QTableWidget* conditions_ = nullptr;
    QComboBox* default_ = nullptr;
    nlohmann::json shownConditions_;

    QGroupBox* weightsBox_ = nullptr;
    LoadbalanceWeightsPanel* weights_ = nullptr;

    QGroupBox* targetBox_ = nullptr;
    QComboBox* provider_ = nullptr;
    QComboBox* virtualKey_ = nullptr;
    QLineEdit* apiKey_ = nullptr;

    QGroupBox* requestBox_ = nullptr;
    QLineEdit* modelOverride_ = nullptr;
    QTableWidget* params_ = nullptr;
    nlohmann::json shownParams_;

    QGroupBox* retryBox_ = nullptr;
    QSpinBox* attempts_ = nullptr;
    QLineEdit* retryCodes_ = nullptr;
    QLabel* retryCodesError_ = nullptr;
    QCheckBox* retryAfter_ = nullptr;

    NodeCacheSection* cache_ = nullptr;

    QSpinBox* timeout_ = nullptr;
    QLineEdit* customHost_ = nullptr;

    NodeAdvancedSection* advanced_ = nullptr;

    bool refreshing_ = false;
};

} // namespace gatehouse
