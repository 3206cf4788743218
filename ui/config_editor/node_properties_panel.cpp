#include "config_editor/node_properties_panel.h"

#include "config_editor/config_key_spelling.h"
#include "config_editor/loadbalance_weights_panel.h"
#include "config_editor/node_advanced_section.h"
#include "config_editor/node_cache_section.h"
#include "config_editor/node_json.h"
#include "config_editor/status_code_list.h"
#include "models/config_tree_model.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include <limits>
#include <map>

namespace gatehouse {

using nlohmann::json;
using namespace node_json;

namespace {

// "strategy.onStatusCodes" -> "strategy.on_status_codes", so issues match fields whatever the spelling.
QString snakeField(const QString& field)
{
    QString out;
    for (QChar c : field) {
        if (c.isUpper()) {
            out += QLatin1Char('_');
            out += c.toLower();
        } else {
            out += c;
        }
    }
    return out;
}

QLabel* errorLabel(QWidget* parent)
{
    auto* l = new QLabel(parent);
    l->setStyleSheet(QStringLiteral("color: #b01e1e;"));
    l->setWordWrap(true);
    l->hide();
    return l;
}

QWidget* withError(QWidget* field, QLabel* error, QWidget* parent)
{
    auto* w = new QWidget(parent);
    auto* v = new QVBoxLayout(w);
    v->setContentsMargins(0, 0, 0, 0);
    v->setSpacing(2);
    v->addWidget(field);
    v->addWidget(error);
    return w;
}

QTableWidget* makeTable(const QString& objectName, const QStringList& headers, QWidget* parent)
{
    auto* t = new QTableWidget(0, int(headers.size()), parent);
    t->setObjectName(objectName);
    t->setHorizontalHeaderLabels(headers);
    t->verticalHeader()->hide();
    t->horizontalHeader()->setStretchLastSection(true);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setSelectionMode(QAbstractItemView::SingleSelection);
    t->setMinimumHeight(80);
    t->setMaximumHeight(130);
    return t;
}

QHBoxLayout* buttonRow(QPushButton* add, QPushButton* remove)
{
    auto* h = new QHBoxLayout;
    h->addWidget(add);
    h->addWidget(remove);
    h->addStretch(1);
    return h;
}

constexpr const char* kIssueStyle = "background-color: #fdecea;";

} // namespace

NodePropertiesPanel::NodePropertiesPanel(ConfigTreeModel* model, QWidget* parent)
    : QWidget(parent)
    , model_(model)
{
    build();
    const auto structural = [this] {
        if (!node_.isValid())
            node_ = model_->rootIndex();
        refresh();
    };
    connect(model_, &QAbstractItemModel::rowsInserted, this, structural);
    connect(model_, &QAbstractItemModel::rowsRemoved, this, structural);
    connect(model_, &QAbstractItemModel::rowsMoved, this, structural);
    connect(model_, &QAbstractItemModel::modelReset, this, [this] { setNode(model_->rootIndex()); });
    connect(model_, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex& tl, const QModelIndex& br) {
        if (!node_.isValid())
            return;
        const bool self = tl.parent() == node_.parent() && tl.row() <= node_.row() && br.row() >= node_.row();
        if (self || tl.parent() == QModelIndex(node_))
            refresh();
    });
}

void NodePropertiesPanel::build()
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 8, 10, 8);
    layout->setSpacing(8);

    title_ = new QLabel(this);
    title_->setObjectName(QStringLiteral("nodeTitle"));
    QFont tf = title_->font();
    tf.setBold(true);
    tf.setPointSizeF(tf.pointSizeF() * 1.25);
    title_->setFont(tf);
    path_ = new QLabel(this);
    path_->setStyleSheet(QStringLiteral("color: #666;"));
    path_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(title_);
    layout->addWidget(path_);

    issues_ = new QLabel(this);
    issues_->setObjectName(QStringLiteral("issues"));
    issues_->setWordWrap(true);
    issues_->setTextFormat(Qt::PlainText);
    issues_->setStyleSheet(QStringLiteral(
        "QLabel { background: #fdecea; color: #8a1c1c; border: 1px solid #f1b0b0; border-radius: 4px; padding: 6px; }"));
    issues_->hide();
    layout->addWidget(issues_);

    // Routing
    routingBox_ = new QGroupBox(QStringLiteral("Routing"), this);
    routingForm_ = new QFormLayout(routingBox_);
    mode_ = new QComboBox(routingBox_);
    mode_->setObjectName(QStringLiteral("mode"));
    mode_->addItem(QStringLiteral("None — call one provider"), QString());
    mode_->addItem(QStringLiteral("Single"), QStringLiteral("single"));
    mode_->addItem(QStringLiteral("Load balance"), QStringLiteral("loadbalance"));
    mode_->addItem(QStringLiteral("Fallback"), QStringLiteral("fallback"));
    mode_->addItem(QStringLiteral("Conditional"), QStringLiteral("conditional"));
    name_ = new QLineEdit(routingBox_);
    name_->setObjectName(QStringLiteral("name"));
    name_->setPlaceholderText(QStringLiteral("what conditions refer to"));
    fallbackCodes_ = new QLineEdit(routingBox_);
    fallbackCodes_->setObjectName(QStringLiteral("fallbackStatusCodes"));
    fallbackCodes_->setPlaceholderText(QStringLiteral("any non-2xx, e.g. 429, 500, 503"));
    fallbackCodesError_ = errorLabel(routingBox_);
    routingForm_->addRow(QStringLiteral("Strategy"), mode_);
    routingForm_->addRow(QStringLiteral("Name"), name_);
    routingForm_->addRow(QStringLiteral("Fall back on"), withError(fallbackCodes_, fallbackCodesError_, routingBox_));
    layout->addWidget(routingBox_);

    // Conditions
    conditionsBox_ = new QGroupBox(QStringLiteral("Conditions (first match wins)"), this);
    auto* cv = new QVBoxLayout(conditionsBox_);
    conditions_ = makeTable(QStringLiteral("conditions"), {QStringLiteral("Query (JSON)"), QStringLiteral("Then target")},
                            conditionsBox_);
    conditions_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    conditions_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Interactive);
    conditions_->setColumnWidth(1, 140);
    auto* addCond = new QPushButton(QStringLiteral("Add condition"), conditionsBox_);
    addCond->setObjectName(QStringLiteral("addCondition"));
    auto* removeCond = new QPushButton(QStringLiteral("Remove"), conditionsBox_);
    removeCond->setObjectName(QStringLiteral("removeCondition"));
    default_ = new QComboBox(conditionsBox_);
    default_->setObjectName(QStringLiteral("default"));
    auto* df = new QFormLayout;
    df->addRow(QStringLiteral("Otherwise"), default_);
    cv->addWidget(conditions_);
    cv->addLayout(buttonRow(addCond, removeCond));
    cv->addLayout(df);
    layout->addWidget(conditionsBox_);

    // Load balance
    weightsBox_ = new QGroupBox(QStringLiteral("Load balance split"), this);
    auto* wv = new QVBoxLayout(weightsBox_);
    weights_ = new LoadbalanceWeightsPanel(model_, weightsBox_);
    wv->addWidget(weights_);
    layout->addWidget(weightsBox_);

    // Target
    targetBox_ = new QGroupBox(QStringLiteral("Provider"), this);
    auto* tf2 = new QFormLayout(targetBox_);
    provider_ = new QComboBox(targetBox_);
    provider_->setObjectName(QStringLiteral("provider"));
    provider_->addItem(QStringLiteral("(none)"), QString());
    virtualKey_ = new QComboBox(targetBox_);
    virtualKey_->setObjectName(QStringLiteral("virtualKey"));
    virtualKey_->setEditable(true);
    virtualKey_->setInsertPolicy(QComboBox::NoInsert);
    virtualKey_->lineEdit()->setPlaceholderText(QStringLiteral("slug of a key in the vault"));
    apiKey_ = new QLineEdit(targetBox_);
    apiKey_->setObjectName(QStringLiteral("apiKey"));
    apiKey_->setEchoMode(QLineEdit::Password);
    apiKey_->setPlaceholderText(QStringLiteral("prefer a virtual key"));
    tf2->addRow(QStringLiteral("Provider"), provider_);
    tf2->addRow(QStringLiteral("Virtual key"), virtualKey_);
    tf2->addRow(QStringLiteral("API key"), apiKey_);
    layout->insertWidget(layout->indexOf(routingBox_), targetBox_);   // a target's provider comes first

    // Request overrides
    auto* requestBox = new QGroupBox(QStringLiteral("Request overrides"), this);
    requestBox_ = requestBox;
    auto* rv = new QVBoxLayout(requestBox);
    auto* rf = new QFormLayout;
    modelOverride_ = new QLineEdit(requestBox);
    modelOverride_->setObjectName(QStringLiteral("model"));
    modelOverride_->setPlaceholderText(QStringLiteral("as requested"));
    rf->addRow(QStringLiteral("Model"), modelOverride_);
    rv->addLayout(rf);
    params_ = makeTable(QStringLiteral("overrideParams"), {QStringLiteral("Parameter"), QStringLiteral("Value (JSON)")},
                        requestBox);
    params_->setColumnWidth(0, 150);
    auto* addParam = new QPushButton(QStringLiteral("Add parameter"), requestBox);
    addParam->setObjectName(QStringLiteral("addParam"));
    auto* removeParam = new QPushButton(QStringLiteral("Remove"), requestBox);
    removeParam->setObjectName(QStringLiteral("removeParam"));
    rv->addWidget(params_);
    rv->addLayout(buttonRow(addParam, removeParam));
    layout->addWidget(requestBox);

    // Retry
    retryBox_ = new QGroupBox(QStringLiteral("Retry"), this);
    retryBox_->setObjectName(QStringLiteral("retry"));
    retryBox_->setCheckable(true);
    auto* yf = new QFormLayout(retryBox_);
    attempts_ = new QSpinBox(retryBox_);
    attempts_->setObjectName(QStringLiteral("retryAttempts"));
    attempts_->setRange(0, 10);
    attempts_->setSuffix(QStringLiteral(" retries"));
    retryCodes_ = new QLineEdit(retryBox_);
    retryCodes_->setObjectName(QStringLiteral("retryStatusCodes"));
    retryCodes_->setPlaceholderText(QStringLiteral("429, 500, 502, 503, 504"));
    retryCodesError_ = errorLabel(retryBox_);
    retryAfter_ = new QCheckBox(QStringLiteral("Wait as Retry-After says"), retryBox_);
    retryAfter_->setObjectName(QStringLiteral("useRetryAfterHeader"));
    yf->addRow(QStringLiteral("Attempts"), attempts_);
    yf->addRow(QStringLiteral("On status"), withError(retryCodes_, retryCodesError_, retryBox_));
    yf->addRow(QString(), retryAfter_);
    layout->addWidget(retryBox_);

    cache_ = new NodeCacheSection([this](const QString& field, const NodeCacheSection::Change& change) { edit(field, change); }, this);
    layout->addWidget(cache_);

    // Connection
    auto* connBox = new QGroupBox(QStringLiteral("Connection"), this);
    auto* nf = new QFormLayout(connBox);
    timeout_ = new QSpinBox(connBox);
    timeout_->setObjectName(QStringLiteral("requestTimeout"));
    timeout_->setRange(0, 3'600'000);
    timeout_->setSingleStep(1000);
    timeout_->setSuffix(QStringLiteral(" ms"));
    timeout_->setSpecialValueText(QStringLiteral("inherited / none"));
    customHost_ = new QLineEdit(connBox);
    customHost_->setObjectName(QStringLiteral("customHost"));
    customHost_->setPlaceholderText(QStringLiteral("provider default, e.g. http://localhost:11434/v1"));
    nf->addRow(QStringLiteral("Request timeout"), timeout_);
    nf->addRow(QStringLiteral("Custom host"), customHost_);
    layout->addWidget(connBox);
    advanced_ = new NodeAdvancedSection([this](const QString& field, const NodeAdvancedSection::Change& change) { edit(field, change); }, this);
    layout->addWidget(advanced_);
    layout->addStretch(1);

    for (QFormLayout* f : findChildren<QFormLayout*>())
        f->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

    // --- writes ---
    connect(mode_, &QComboBox::currentIndexChanged, this, [this] {
        const QString m = mode_->currentData().toString();
        edit(QStringLiteral("strategy.mode"), [&](json& o) {
            if (m.isEmpty()) {
                o.erase(spelledKey(o, "strategy"));
            } else {
                put(sub(o, "strategy"), "mode", m.toStdString());
            }
        });
    });
    connect(name_, &QLineEdit::textChanged, this, [this](const QString& t) {
        edit(QStringLiteral("name"), [&](json& o) { put(o, "name", t.isEmpty() ? json() : json(t.toStdString())); });
    });
    connect(fallbackCodes_, &QLineEdit::textChanged, this, [this](const QString& t) {
        const StatusCodeParse p = parseStatusCodeList(t);
        fallbackCodesError_->setText(p.error);
        fallbackCodesError_->setVisible(!p.error.isEmpty());
        if (!p.error.isEmpty())
            return;
        edit(QStringLiteral("strategy.on_status_codes"), [&](json& o) {
            put(sub(o, "strategy"), "on_status_codes", p.codes.empty() ? json() : json(p.codes));
        });
    });
    connect(conditions_, &QTableWidget::itemChanged, this, [this] { writeConditions(); });
    connect(addCond, &QPushButton::clicked, this, [this] {
        const QStringList names = childNames();
        edit(QStringLiteral("strategy.conditions.add"), [&](json& o) {
            json& s = sub(o, "strategy");
            json& conds = s[spelledKey(s, "conditions")];
            if (!conds.is_array())
                conds = json::array();
            conds.push_back({{"query", {{"metadata.plan", {{"$eq", "paid"}}}}},
                             {"then", names.isEmpty() ? std::string() : names.front().toStdString()}});
        });
    });
    connect(removeCond, &QPushButton::clicked, this, [this] {
        const int row = conditions_->currentRow();
        if (row < 0)
            return;
        edit(QStringLiteral("strategy.conditions.remove"), [&](json& o) {
            json& s = sub(o, "strategy");
            json& conds = s[spelledKey(s, "conditions")];
            if (conds.is_array() && row < int(conds.size()))
                conds.erase(conds.begin() + row);
            if (conds.is_array() && conds.empty())
                s.erase(spelledKey(s, "conditions"));
        });
    });
    connect(default_, &QComboBox::currentIndexChanged, this, [this] {
        const QString d = default_->currentData().toString();
        edit(QStringLiteral("strategy.default"), [&](json& o) {
            put(sub(o, "strategy"), "default", d.isEmpty() ? json() : json(d.toStdString()));
        });
    });
    connect(provider_, &QComboBox::currentIndexChanged, this, [this] {
        const QString p = provider_->currentData().toString();
        edit(QStringLiteral("provider"), [&](json& o) { put(o, "provider", p.isEmpty() ? json() : json(p.toStdString())); });
    });
    connect(virtualKey_, &QComboBox::currentTextChanged, this, [this](const QString& t) {
        const QString slug = t.trimmed();
        edit(QStringLiteral("virtual_key"), [&](json& o) { put(o, "virtual_key", slug.isEmpty() ? json() : json(slug.toStdString())); });
    });
    connect(apiKey_, &QLineEdit::textChanged, this, [this](const QString& t) {
        edit(QStringLiteral("api_key"), [&](json& o) { put(o, "api_key", t.isEmpty() ? json() : json(t.toStdString())); });
    });
    connect(modelOverride_, &QLineEdit::textChanged, this, [this](const QString& t) {
        edit(QStringLiteral("override_params.model"), [&](json& o) {
            put(sub(o, "override_params"), "model", t.isEmpty() ? json() : json(t.toStdString()));
            pruneEmpty(o, "override_params");
        });
    });
    connect(params_, &QTableWidget::itemChanged, this, [this] { writeParams(); });
    connect(addParam, &QPushButton::clicked, this, [this] {
        const QSignalBlocker b(params_);
        const int row = params_->rowCount();
        params_->insertRow(row);
        params_->setItem(row, 0, new QTableWidgetItem);
        params_->setItem(row, 1, new QTableWidgetItem);
        params_->setCurrentCell(row, 0);
        params_->editItem(params_->item(row, 0));
    });
    connect(removeParam, &QPushButton::clicked, this, [this] {
        const int row = params_->currentRow();
        if (row < 0)
            return;
        params_->removeRow(row);
        writeParams();
    });
    connect(retryBox_, &QGroupBox::toggled, this, [this](bool on) {
        edit(QStringLiteral("retry"), [&](json& o) {
            if (!on)
                o.erase(spelledKey(o, "retry"));
            else if (!findKey(o, "retry"))
                o["retry"] = {{"attempts", 3}};
        });
    });
    connect(attempts_, &QSpinBox::valueChanged, this, [this](int v) {
        edit(QStringLiteral("retry.attempts"), [&](json& o) { put(sub(o, "retry"), "attempts", v); });
    });
    connect(retryCodes_, &QLineEdit::textChanged, this, [this](const QString& t) {
        const StatusCodeParse p = parseStatusCodeList(t);
        retryCodesError_->setText(p.error);
        retryCodesError_->setVisible(!p.error.isEmpty());
        if (!p.error.isEmpty())
            return;
        edit(QStringLiteral("retry.on_status_codes"), [&](json& o) {
            json& r = sub(o, "retry");
            put(r, "on_status_codes", p.codes.empty() ? json() : json(p.codes));
            if (!findKey(r, "attempts"))
                r["attempts"] = attempts_->value();
        });
    });
    connect(retryAfter_, &QCheckBox::toggled, this, [this](bool on) {
        edit(QStringLiteral("retry.use_retry_after_header"), [&](json& o) {
            json& r = sub(o, "retry");
            put(r, "use_retry_after_header", on ? json(true) : json());
            if (!findKey(r, "attempts"))
                r["attempts"] = attempts_->value();
        });
    });
    connect(timeout_, &QSpinBox::valueChanged, this, [this](int v) {
        edit(QStringLiteral("request_timeout"), [&](json& o) { put(o, "request_timeout", v == 0 ? json() : json(v)); });
    });
    connect(customHost_, &QLineEdit::textChanged, this, [this](const QString& t) {
        const QString host = t.trimmed();
        edit(QStringLiteral("custom_host"), [&](json& o) { put(o, "custom_host", host.isEmpty() ? json() : json(host.toStdString())); });
    });

    setNode(model_->rootIndex());
}

void NodePropertiesPanel::edit(const QString& field, const std::function<void(json&)>& change)
{
    if (refreshing_ || !node_.isValid())
        return;
    model_->editNode(node_, field, change);
}

void NodePropertiesPanel::setProviders(const std::vector<std::pair<QString, QString>>& idAndName)
{
    refreshing_ = true;
    provider_->clear();
    provider_->addItem(QStringLiteral("(none)"), QString());
    for (const auto& [id, name] : idAndName) {
        const bool sameAsId = name.compare(id, Qt::CaseInsensitive) == 0 || name.isEmpty();
        provider_->addItem(sameAsId ? id : QStringLiteral("%1  (%2)").arg(id, name), id);
    }
    refreshing_ = false;
    refresh();
}

void NodePropertiesPanel::setVirtualKeys(const QStringList& slugs)
{
    refreshing_ = true;
    const QString current = virtualKey_->currentText();
    virtualKey_->clear();
    virtualKey_->addItem(QString());
    virtualKey_->addItems(slugs);
    virtualKey_->setCurrentText(current);
    refreshing_ = false;
    refresh();
}

void NodePropertiesPanel::setNode(const QModelIndex& index)
{
    node_ = index.isValid() ? index.siblingAtColumn(0) : model_->rootIndex();
    shownConditions_ = json();
    shownParams_ = json();
    fallbackCodesError_->hide();
    retryCodesError_->hide();
    refresh();
}

QStringList NodePropertiesPanel::childNames() const
{
    QStringList names;
    for (int r = 0; r < model_->rowCount(node_); ++r) {
        const QString n = str(findKey(model_->nodeJson(model_->index(r, 0, node_)), "name"));
        if (!n.isEmpty())
            names << n;
    }
    return names;
}

void NodePropertiesPanel::refresh()
{
    if (!node_.isValid() || refreshing_)
        return;
    refreshing_ = true;
    const json o = model_->nodeJson(node_);
    const bool group = model_->isGroup(node_);
    const bool top = QModelIndex(node_) == model_->rootIndex();
    const QString m = model_->mode(node_);
    const QModelIndex parent = node_.parent();
    const QString parentMode = parent.isValid() ? model_->mode(parent) : QString();

    title_->setText(model_->title(node_));
    path_->setText(top ? QStringLiteral("config (top level)") : QStringLiteral("config.%1").arg(model_->pathText(node_)));

    // Routing
    int mi = mode_->findData(m);
    if (mi < 0) {
        mode_->addItem(QStringLiteral("%1 (unknown)").arg(m), m);
        mi = mode_->count() - 1;
    }
    mode_->setCurrentIndex(mi);
    setLineText(name_, str(findKey(o, "name")));
    const json* strategy = findKey(o, "strategy");
    const json emptyObject = json::object();
    const json& s = strategy && strategy->is_object() ? *strategy : emptyObject;
    const std::vector<int> fbCodes = ints(findKey(s, "on_status_codes"));
    if (parseStatusCodeList(fallbackCodes_->text()).codes != fbCodes || fallbackCodes_->text().isEmpty() != fbCodes.empty())
        setLineText(fallbackCodes_, formatStatusCodeList(fbCodes));
    routingForm_->setRowVisible(name_, !top);
    requestBox_->setTitle(group ? QStringLiteral("Request overrides (inherited by its targets)") : QStringLiteral("Request overrides"));
    routingForm_->setRowVisible(fallbackCodes_->parentWidget(), m == QLatin1String("fallback") || !fbCodes.empty());

    // Conditions
    const bool conditional = m == QLatin1String("conditional") || findKey(s, "conditions") || findKey(s, "default");
    conditionsBox_->setVisible(conditional);
    if (conditional)
        refreshConditions(s);

    // Weights: the load balancer itself, or the one this target belongs to.
    if (m == QLatin1String("loadbalance")) {
        if (weights_->group() != QModelIndex(node_))
            weights_->setGroup(node_);
        weightsBox_->setVisible(true);
    } else if (parentMode == QLatin1String("loadbalance")) {
        if (weights_->group() != parent || weights_->highlight() != QModelIndex(node_))
            weights_->setGroup(parent, node_);
        weightsBox_->setVisible(true);
    } else {
        weights_->setGroup({});
        weightsBox_->setVisible(false);
    }

    // Target
    targetBox_->setVisible(!group);
    const QString provider = str(findKey(o, "provider"));
    int pi = provider_->findData(provider);
    if (pi < 0) {
        provider_->addItem(QStringLiteral("%1 (unknown)").arg(provider), provider);
        pi = provider_->count() - 1;
    }
    provider_->setCurrentIndex(pi);
    const QString vk = str(findKey(o, "virtual_key"));
    if (virtualKey_->currentText().trimmed() != vk)
        virtualKey_->setCurrentText(vk);
    setLineText(apiKey_, str(findKey(o, "api_key")));

    // Overrides
    const json* params = findKey(o, "override_params");
    const json& p = params && params->is_object() ? *params : emptyObject;
    setLineText(modelOverride_, str(findKey(p, "model")));
    refreshParams(p);

    // Retry
    const json* retry = findKey(o, "retry");
    retryBox_->setChecked(retry && retry->is_object());
    const json& r = retry && retry->is_object() ? *retry : emptyObject;
    const json* attempts = findKey(r, "attempts");
    attempts_->setValue(attempts && attempts->is_number() ? attempts->get<int>() : 0);
    const std::vector<int> rCodes = ints(findKey(r, "on_status_codes"));
    if (parseStatusCodeList(retryCodes_->text()).codes != rCodes || retryCodes_->text().isEmpty() != rCodes.empty())
        setLineText(retryCodes_, formatStatusCodeList(rCodes));
    const json* after = findKey(r, "use_retry_after_header");
    retryAfter_->setChecked(after && after->is_boolean() && after->get<bool>());

    cache_->refresh(o);

    // Connection
    const json* timeout = findKey(o, "request_timeout");
    timeout_->setValue(timeout && timeout->is_number() ? timeout->get<int>() : 0);
    setLineText(customHost_, str(findKey(o, "custom_host")));

    // The provider in effect here picks the provider options offered: the node's own or inherited.
    QString effectiveProvider = provider;
    for (QModelIndex i = node_; effectiveProvider.isEmpty() && i.isValid(); i = i.parent())
        effectiveProvider = str(findKey(model_->nodeJson(i), "provider"));
    advanced_->refresh(o, effectiveProvider);

    refreshIssues();
    refreshing_ = false;
}

void NodePropertiesPanel::refreshConditions(const json& strategy)
{
    const json* conds = findKey(strategy, "conditions");
    const json shown = conds && conds->is_array() ? *conds : json::array();
    const QStringList names = childNames();
    if (shown != shownConditions_ || conditions_->rowCount() != int(shown.size())) {
        const QSignalBlocker b(conditions_);
        conditions_->setRowCount(0);
        for (std::size_t i = 0; i < shown.size(); ++i) {
            const json& c = shown[i];
            const json* q = c.is_object() ? findKey(c, "query") : nullptr;
            const int row = conditions_->rowCount();
            conditions_->insertRow(row);
            conditions_->setItem(row, 0, new QTableWidgetItem(q ? QString::fromStdString(q->dump()) : QString()));
            auto* then = new QComboBox(conditions_);
            then->setEditable(true);
            then->setObjectName(QStringLiteral("then%1").arg(row));
            then->addItems(names);
            then->setCurrentText(c.is_object() ? str(findKey(c, "then")) : QString());
            connect(then, &QComboBox::currentTextChanged, this, [this] { writeConditions(); });
            conditions_->setCellWidget(row, 1, then);
        }
        shownConditions_ = shown;
    } else {
        fillThenCombos();
    }
    const QString def = str(findKey(strategy, "default"));
    default_->clear();
    default_->addItem(QStringLiteral("(none: answer 400)"), QString());
    for (const QString& n : names)
        default_->addItem(n, n);
    int di = default_->findData(def);
    if (di < 0) {
        default_->addItem(QStringLiteral("%1 (no such target)").arg(def), def);
        di = default_->count() - 1;
    }
    default_->setCurrentIndex(di);
}

// Target names changed (renamed, added, removed): offer the new ones, keep what each row says.
void NodePropertiesPanel::fillThenCombos()
{
    const QStringList names = childNames();
    for (int row = 0; row < conditions_->rowCount(); ++row) {
        auto* then = qobject_cast<QComboBox*>(conditions_->cellWidget(row, 1));
        if (!then)
            continue;
        QStringList items;
        for (int i = 0; i < then->count(); ++i)
            items << then->itemText(i);
        if (items == names)
            continue;
        const QSignalBlocker b(then);
        const QString current = then->currentText();
        then->clear();
        then->addItems(names);
        then->setCurrentText(current);
    }
}

void NodePropertiesPanel::writeConditions()
{
    if (refreshing_ || !node_.isValid())
        return;
    const json o = model_->nodeJson(node_);
    const json* s = findKey(o, "strategy");
    const json* old = s && s->is_object() ? findKey(*s, "conditions") : nullptr;
    json out = json::array();
    for (int row = 0; row < conditions_->rowCount(); ++row) {
        json c = old && old->is_array() && row < int(old->size()) && (*old)[std::size_t(row)].is_object()
                     ? (*old)[std::size_t(row)]
                     : json::object();
        QTableWidgetItem* qi = conditions_->item(row, 0);
        const json q = json::parse(qi ? qi->text().toStdString() : std::string(), nullptr, false);
        if (qi) {
            const QSignalBlocker b(conditions_);
            const bool bad = q.is_discarded() || !q.is_object();
            qi->setBackground(bad ? QColor(0xfd, 0xec, 0xea) : QColor());
            qi->setToolTip(bad ? QStringLiteral("not a JSON object, e.g. {\"metadata.plan\": {\"$eq\": \"paid\"}}") : QString());
            if (!bad)
                put(c, "query", q);
        }
        if (auto* then = qobject_cast<QComboBox*>(conditions_->cellWidget(row, 1))) {
            const QString t = then->currentText().trimmed();
            put(c, "then", t.isEmpty() ? json() : json(t.toStdString()));
        }
        out.push_back(std::move(c));
    }
    shownConditions_ = out;
    model_->editNode(node_, QStringLiteral("strategy.conditions"), [&](json& obj) {
        json& st = sub(obj, "strategy");
        put(st, "conditions", out.empty() ? json() : out);
    });
}

void NodePropertiesPanel::refreshParams(const json& params)
{
    json shown = params;
    shown.erase(spelledKey(shown, "model"));
    if (shown == shownParams_)
        return;
    const QSignalBlocker b(params_);
    params_->setRowCount(0);
    for (auto it = shown.begin(); it != shown.end(); ++it) {
        const int row = params_->rowCount();
        params_->insertRow(row);
        params_->setItem(row, 0, new QTableWidgetItem(QString::fromStdString(it.key())));
        params_->setItem(row, 1, new QTableWidgetItem(QString::fromStdString(it.value().dump())));
    }
    shownParams_ = shown;
}

// A value that is not JSON is taken as a string, so `gpt-4o` needs no quotes.
void NodePropertiesPanel::writeParams()
{
    if (refreshing_ || !node_.isValid())
        return;
    json rows = json::object();
    for (int row = 0; row < params_->rowCount(); ++row) {
        const QString key = params_->item(row, 0) ? params_->item(row, 0)->text().trimmed() : QString();
        if (key.isEmpty() || key == QLatin1String("model"))
            continue;
        const QString text = params_->item(row, 1) ? params_->item(row, 1)->text().trimmed() : QString();
        const json v = json::parse(text.toStdString(), nullptr, false);
        rows[key.toStdString()] = v.is_discarded() ? json(text.toStdString()) : v;
    }
    shownParams_ = rows;
    model_->editNode(node_, QStringLiteral("override_params"), [&](json& o) {
        json& p = sub(o, "override_params");
        const json* model = findKey(p, "model");
        json next = rows;
        if (model)
            next[spelledKey(p, "model")] = *model;
        p = next;
        pruneEmpty(o, "override_params");
    });
}

void NodePropertiesPanel::refreshIssues()
{
    const std::vector<ConfigTreeModel::NodeIssue> issues = model_->issues(node_);
    QStringList lines;
    for (const auto& i : issues)
        lines << (i.field.isEmpty() ? i.message : i.field + QStringLiteral(": ") + i.message);
    issues_->setText(lines.join(QLatin1Char('\n')));
    issues_->setVisible(!lines.isEmpty());

    // Mark the field each issue is about (the banner says what is wrong).
    std::vector<std::pair<QString, QWidget*>> fields = {
        {QStringLiteral("strategy.on_status_codes"), fallbackCodes_},
        {QStringLiteral("strategy.conditions"), conditions_},
        {QStringLiteral("strategy.default"), default_},
        {QStringLiteral("strategy"), mode_},
        {QStringLiteral("provider"), provider_},
        {QStringLiteral("virtual_key"), virtualKey_},
        {QStringLiteral("api_key"), apiKey_},
        {QStringLiteral("name"), name_},
        {QStringLiteral("override_params.model"), modelOverride_},
        {QStringLiteral("override_params"), params_},
        {QStringLiteral("retry.on_status_codes"), retryCodes_},
        {QStringLiteral("retry"), attempts_},
        {QStringLiteral("request_timeout"), timeout_},
        {QStringLiteral("custom_host"), customHost_},
    };
    for (auto& f : cache_->issueFields())
        fields.push_back(std::move(f));
    for (auto& f : advanced_->issueFields())
        fields.push_back(std::move(f));
    std::map<QWidget*, QStringList> marked;
    for (const auto& i : issues) {
        const QString f = snakeField(i.field);
        for (const auto& [prefix, widget] : fields) {
            if (f == prefix || f.startsWith(prefix + QLatin1Char('.')) || f.startsWith(prefix + QLatin1Char('['))) {
                marked[widget] << i.message;
                break;
            }
        }
    }
    std::vector<QWidget*> all;
    for (const auto& [prefix, widget] : fields)
        all.push_back(widget);
    // A weight issue tints that target's spin box in the load balancer's list.
    const QModelIndex group = weights_->group();
    for (int row = 0; group.isValid() && row < weights_->targetCount(); ++row) {
        QWidget* spin = weights_->spinBox(row);
        all.push_back(spin);
        for (const auto& i : model_->issues(model_->index(row, 0, group))) {
            if (snakeField(i.field) == QLatin1String("weight"))
                marked[spin] << i.message;
        }
    }
    for (QWidget* w : all) {
        const auto it = marked.find(w);
        const QString style = it == marked.end() ? QString() : QString::fromLatin1(kIssueStyle);
        if (w->styleSheet() != style)
            w->setStyleSheet(style);
        if (it != marked.end())
            w->setToolTip(it->second.join(QLatin1Char('\n')));
        else if (w->property("issueTip").toBool())
            w->setToolTip(QString());
        w->setProperty("issueTip", it != marked.end());
    }
}

} // namespace gatehouse
