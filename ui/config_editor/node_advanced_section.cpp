#include "config_editor/node_advanced_section.h"

#include "config_editor/config_key_spelling.h"
#include "config_editor/node_json.h"
#include "routing/routing_config.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QRegularExpression>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <limits>

namespace gatehouse {

using nlohmann::json;
using namespace node_json;

namespace {

// "x-user-id, x-tenant" -> ["x-user-id", "x-tenant"]; blanks dropped, order and case kept.
json headerList(const QString& text)
{
    json out = json::array();
    for (const QString& part : text.split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts))
        out.push_back(part.toStdString());
    return out;
}

QString headerText(const json* v)
{
    QStringList names;
    if (v && v->is_array()) {
        for (const json& h : *v) {
            if (h.is_string())
                names << QString::fromStdString(h.get<std::string>());
        }
    }
    return names.join(QStringLiteral(", "));
}

int intOr(const json* v, int fallback)
{
    return v && v->is_number() ? int(std::clamp<double>(v->get<double>(), 0, std::numeric_limits<int>::max())) : fallback;
}

} // namespace

NodeAdvancedSection::NodeAdvancedSection(Edit edit, QWidget* parent)
    : QGroupBox(QStringLiteral("Advanced"), parent)
    , edit_(std::move(edit))
{
    setObjectName(QStringLiteral("advanced"));
    auto* v = new QVBoxLayout(this);
    form_ = new QFormLayout;
    form_->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    v->addLayout(form_);

    forwardHeaders_ = new QLineEdit(this);
    forwardHeaders_->setObjectName(QStringLiteral("forwardHeaders"));
    forwardHeaders_->setPlaceholderText(QStringLiteral("client headers passed to the provider, e.g. x-user-id"));
    strict_ = new QComboBox(this);
    strict_->setObjectName(QStringLiteral("strictCompliance"));
    strict_->addItem(QStringLiteral("Inherited (on by default)"), QString());
    strict_->addItem(QStringLiteral("On — OpenAI fields only"), QStringLiteral("on"));
    strict_->addItem(QStringLiteral("Off — add provider-specific fields"), QStringLiteral("off"));
    totalTimeout_ = millisBox(QStringLiteral("totalTimeout"), QStringLiteral("inherited / none"), 3'600'000);
    totalTimeout_->setToolTip(QStringLiteral("Deadline for the whole request, retries and fallbacks included (Gatehouse extension)"));
    firstTokenTimeout_ = millisBox(QStringLiteral("firstTokenTimeout"), QStringLiteral("inherited / none"), 600'000);
    firstTokenTimeout_->setToolTip(QStringLiteral("A stream that sends nothing for this long falls back (Gatehouse extension)"));
    form_->addRow(QStringLiteral("Forward headers"), forwardHeaders_);
    form_->addRow(QStringLiteral("Strict OpenAI"), strict_);
    form_->addRow(QStringLiteral("Total deadline"), totalTimeout_);
    form_->addRow(QStringLiteral("First token within"), firstTokenTimeout_);

    // Provider family options: the non-secret ones; keys and service accounts go in a virtual key.
    const auto option = [this](const char* key, const QString& label, const QString& placeholder, QStringList providers) {
        auto* e = new QLineEdit(this);
        e->setObjectName(QString::fromLatin1(key));
        e->setPlaceholderText(placeholder);
        form_->addRow(label, e);
        options_.push_back({key, e, std::move(providers)});
        connect(e, &QLineEdit::textChanged, this, [this, key](const QString& t) {
            if (refreshing_)
                return;
            const QString value = t.trimmed();
            edit_(QString::fromLatin1(key), [&](json& o) { put(o, key, value.isEmpty() ? json() : json(value.toStdString())); });
        });
    };
    const QStringList azure{QStringLiteral("azure-openai")};
    const QStringList aws{QStringLiteral("bedrock"), QStringLiteral("sagemaker")};
    const QStringList vertex{QStringLiteral("vertex-ai")};
    option("azure_resource_name", QStringLiteral("Azure resource"), QStringLiteral("my-resource (…openai.azure.com)"), azure);
    option("azure_deployment_id", QStringLiteral("Azure deployment"), QStringLiteral("deployment name"), azure);
    option("azure_api_version", QStringLiteral("Azure API version"), QStringLiteral("e.g. 2024-10-21"), azure);
    option("aws_region", QStringLiteral("AWS region"), QStringLiteral("e.g. us-east-1"), aws);
    option("vertex_project_id", QStringLiteral("Vertex project"), QStringLiteral("GCP project id"), vertex);
    option("vertex_region", QStringLiteral("Vertex region"), QStringLiteral("e.g. us-central1"), vertex);

    // Circuit breaker (Gatehouse extension): a group of its own that is on when the node has one.
    breakerBox_ = new QGroupBox(QStringLiteral("Circuit breaker"), this);
    breakerBox_->setObjectName(QStringLiteral("circuitBreaker"));
    breakerBox_->setCheckable(true);
    breakerBox_->setToolTip(QStringLiteral("After this many failures within the window the target is skipped for the cooldown, then probed"));
    auto* bf = new QFormLayout(breakerBox_);
    bf->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    failureThreshold_ = new QSpinBox(breakerBox_);
    failureThreshold_->setObjectName(QStringLiteral("failureThreshold"));
    failureThreshold_->setRange(1, 1000);
    breakerWindow_ = millisBox(QStringLiteral("breakerWindow"), QString(), 3'600'000);
    breakerWindow_->setMinimum(1);
    cooldown_ = millisBox(QStringLiteral("breakerCooldown"), QString(), 3'600'000);
    cooldown_->setMinimum(1);
    bf->addRow(QStringLiteral("Failures to open"), failureThreshold_);
    bf->addRow(QStringLiteral("Within"), breakerWindow_);
    bf->addRow(QStringLiteral("Cool down for"), cooldown_);
    v->addWidget(breakerBox_);

    connect(forwardHeaders_, &QLineEdit::textChanged, this, [this](const QString& t) {
        if (refreshing_)
            return;
        const json list = headerList(t);
        edit_(QStringLiteral("forward_headers"), [&](json& o) { put(o, "forward_headers", list.empty() ? json() : list); });
    });
    connect(strict_, &QComboBox::currentIndexChanged, this, [this] {
        if (refreshing_)
            return;
        const QString s = strict_->currentData().toString();
        edit_(QStringLiteral("strict_open_ai_compliance"), [&](json& o) {
            put(o, "strict_open_ai_compliance", s.isEmpty() ? json() : json(s == QLatin1String("on")));
        });
    });
    const auto millisField = [this](QSpinBox* box, const char* key) {
        connect(box, &QSpinBox::valueChanged, this, [this, key](int v) {
            if (!refreshing_)
                edit_(QString::fromLatin1(key), [&](json& o) { put(o, key, v == 0 ? json() : json(v)); });
        });
    };
    millisField(totalTimeout_, "total_timeout");
    millisField(firstTokenTimeout_, "first_token_timeout");
    connect(breakerBox_, &QGroupBox::toggled, this, [this](bool on) {
        if (refreshing_)
            return;
        edit_(QStringLiteral("circuit_breaker"), [&](json& o) {
            if (!on) {
                o.erase(spelledKey(o, "circuit_breaker"));
            } else if (!findKey(o, "circuit_breaker")) {
                const CircuitBreakerConfig d;
                o["circuit_breaker"] = {{"failure_threshold", d.failureThreshold}, {"window_ms", d.windowMs}, {"cooldown_ms", d.cooldownMs}};
            }
        });
    });
    const auto breakerField = [this](QSpinBox* box, const char* key) {
        connect(box, &QSpinBox::valueChanged, this, [this, key](int v) {
            if (!refreshing_)
                edit_(QStringLiteral("circuit_breaker.%1").arg(QLatin1String(key)), [&](json& o) { put(sub(o, "circuit_breaker"), key, v); });
        });
    };
    breakerField(failureThreshold_, "failure_threshold");
    breakerField(breakerWindow_, "window_ms");
    breakerField(cooldown_, "cooldown_ms");
}

QSpinBox* NodeAdvancedSection::millisBox(const QString& objectName, const QString& zeroText, int max)
{
    auto* box = new QSpinBox(this);
    box->setObjectName(objectName);
    box->setRange(0, max);
    box->setSingleStep(1000);
    box->setSuffix(QStringLiteral(" ms"));
    if (!zeroText.isEmpty())
        box->setSpecialValueText(zeroText);
    return box;
}

void NodeAdvancedSection::refresh(const json& node, const QString& provider)
{
    refreshing_ = true;
    const json* headers = findKey(node, "forward_headers");
    // Keep what the user is typing when it means the same list ("x-a," while typing "x-a, x-b").
    if (headerList(forwardHeaders_->text()) != (headers && headers->is_array() ? *headers : json::array()))
        setLineText(forwardHeaders_, headerText(headers));
    const json* strict = findKey(node, "strict_open_ai_compliance");
    strict_->setCurrentIndex(strict && strict->is_boolean() ? (strict->get<bool>() ? 1 : 2) : 0);
    totalTimeout_->setValue(intOr(findKey(node, "total_timeout"), 0));
    firstTokenTimeout_->setValue(intOr(findKey(node, "first_token_timeout"), 0));

    for (const ProviderOption& o : options_) {
        const json* v = findKey(node, o.key);
        setLineText(o.edit, str(v));
        form_->setRowVisible(o.edit, v != nullptr || o.providers.contains(provider));
    }

    const json* breaker = findKey(node, "circuit_breaker");
    const bool on = breaker && breaker->is_object();
    breakerBox_->setChecked(on);
    const CircuitBreakerConfig d;
    const json empty = json::object();
    const json& b = on ? *breaker : empty;
    failureThreshold_->setValue(intOr(findKey(b, "failure_threshold"), d.failureThreshold));
    breakerWindow_->setValue(intOr(findKey(b, "window_ms"), d.windowMs));
    cooldown_->setValue(intOr(findKey(b, "cooldown_ms"), d.cooldownMs));
    refreshing_ = false;
}

std::vector<std::pair<QString, QWidget*>> NodeAdvancedSection::issueFields() const
{
    std::vector<std::pair<QString, QWidget*>> out = {
        {QStringLiteral("forward_headers"), forwardHeaders_},
        {QStringLiteral("strict_open_ai_compliance"), strict_},
        {QStringLiteral("total_timeout"), totalTimeout_},
        {QStringLiteral("first_token_timeout"), firstTokenTimeout_},
        {QStringLiteral("circuit_breaker.failure_threshold"), failureThreshold_},
        {QStringLiteral("circuit_breaker.window_ms"), breakerWindow_},
        {QStringLiteral("circuit_breaker.cooldown_ms"), cooldown_},
        {QStringLiteral("circuit_breaker"), breakerBox_},
    };
    for (const ProviderOption& o : options_)
        out.emplace_back(QString::fromLatin1(o.key), o.edit);
    return out;
}

} // namespace gatehouse
