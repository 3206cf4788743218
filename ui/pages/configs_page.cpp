#include "pages/configs_page.h"

#include "models/config_list_model.h"
#include "views/config_history_dialog.h"
#include "views/json_text_position.h"
#include "views/route_simulation_dialog.h"

#include <QCloseEvent>
#include <QFontDatabase>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace gatehouse {

namespace {

ConfigsPage::Prompts dialogPrompts(QWidget* parent)
{
    ConfigsPage::Prompts p;
    p.askText = [parent](const QString& title, const QString& label, const QString& initial) -> std::optional<QString> {
        bool ok = false;
        const QString text = QInputDialog::getText(parent, title, label, QLineEdit::Normal, initial, &ok);
        return ok ? std::optional<QString>(text) : std::nullopt;
    };
    p.confirm = [parent](const QString& title, const QString& question) {
        return QMessageBox::question(parent, title, question, QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) == QMessageBox::Yes;
    };
    p.askUnsaved = [parent](const QString& name) {
        const auto b = QMessageBox::question(parent, QObject::tr("Unsaved changes"),
                                             QObject::tr("Save the changes to \"%1\"?").arg(name),
                                             QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
        return b == QMessageBox::Save ? ConfigsPage::Prompts::Unsaved::Save
             : b == QMessageBox::Discard ? ConfigsPage::Prompts::Unsaved::Discard : ConfigsPage::Prompts::Unsaved::Cancel;
    };
    return p;
}

} // namespace

ConfigsPage::ConfigsPage(ConfigStore* store, QWidget* parent)
    : QWidget(parent)
    , store_(store)
    , model_(new ConfigListModel(store, this))
    , prompts_(dialogPrompts(this))
    , list_(new QTableView)
    , tabs_(new QTabWidget)
    , json_(new QPlainTextEdit)
    , issues_(new QListWidget)
    , title_(new QLabel)
    , status_(new QLabel)
    , validateTimer_(new QTimer(this))
{
    auto* newButton = new QPushButton(tr("New…"));
    duplicate_ = new QPushButton(tr("Duplicate…"));
    rename_ = new QPushButton(tr("Rename…"));
    delete_ = new QPushButton(tr("Delete"));
    default_ = new QPushButton(tr("Set as default"));
    save_ = new QPushButton(tr("Save"));
    revert_ = new QPushButton(tr("Revert"));
    history_ = new QPushButton(tr("History…"));
    simulate_ = new QPushButton(tr("Simulate…"));
    save_->setShortcut(QKeySequence::Save);

    list_->setModel(model_);
    list_->setSelectionBehavior(QAbstractItemView::SelectRows);
    list_->setSelectionMode(QAbstractItemView::SingleSelection);
    list_->verticalHeader()->hide();
    list_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    // Narrow: the editor needs the room. The id is in the editor's title and each row's tooltip.
    list_->setColumnHidden(ConfigListModel::Id, true);
    list_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    list_->horizontalHeader()->setSectionResizeMode(ConfigListModel::Name, QHeaderView::Stretch);

    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(list_);
    auto* listButtons = new QGridLayout;   // two rows keep the list narrow
    listButtons->addWidget(newButton, 0, 0);
    listButtons->addWidget(duplicate_, 0, 1);
    listButtons->addWidget(rename_, 0, 2);
    listButtons->addWidget(delete_, 1, 0);
    listButtons->addWidget(default_, 1, 1, 1, 2);
    leftLayout->addLayout(listButtons);
    auto* hint = new QLabel(tr("Send <code>x-portkey-config: &lt;id&gt;</code> to use one; saving applies it at once."));
    hint->setToolTip(tr("Saved in %1").arg(store_->directory()));
    hint->setWordWrap(true);
    hint->setTextInteractionFlags(Qt::TextSelectableByMouse);
    leftLayout->addWidget(hint);

    json_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    json_->setLineWrapMode(QPlainTextEdit::NoWrap);
    json_->setTabStopDistance(json_->fontMetrics().horizontalAdvance(QLatin1Char(' ')) * 2);
    tabs_->addTab(json_, tr("JSON"));
    issues_->setMaximumHeight(110);
    issues_->hide();   // shown while there is something to say
    issues_->setToolTip(tr("Click a problem to move the cursor to it"));
    title_->setTextFormat(Qt::RichText);

    auto* right = new QWidget;
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(title_);
    rightLayout->addWidget(tabs_, 1);
    rightLayout->addWidget(issues_);
    auto* editButtons = new QHBoxLayout;
    editButtons->addWidget(status_, 1);
    for (QPushButton* b : {history_, simulate_, revert_, save_})
        editButtons->addWidget(b);
    rightLayout->addLayout(editButtons);

    auto* split = new QSplitter;
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 1);
    split->setSizes({300, 900});
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split);

    validateTimer_->setSingleShot(true);
    validateTimer_->setInterval(300);   // check after a pause in typing, not on every key
    connect(validateTimer_, &QTimer::timeout, this, &ConfigsPage::validateNow);
    connect(json_, &QPlainTextEdit::textChanged, this, [this] {
        if (settingText_)
            return;
        validateTimer_->start();
        updateActions();
        Q_EMIT documentEdited();
    });
    connect(issues_, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) { jumpToIssue(issues_->row(item)); });
    connect(issues_, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) { jumpToIssue(issues_->row(item)); });
    connect(newButton, &QPushButton::clicked, this, &ConfigsPage::newConfig);
    connect(duplicate_, &QPushButton::clicked, this, &ConfigsPage::duplicateConfig);
    connect(rename_, &QPushButton::clicked, this, &ConfigsPage::renameConfig);
    connect(delete_, &QPushButton::clicked, this, &ConfigsPage::deleteConfig);
    connect(default_, &QPushButton::clicked, this, &ConfigsPage::setAsDefault);
    connect(save_, &QPushButton::clicked, this, &ConfigsPage::saveConfig);
    connect(revert_, &QPushButton::clicked, this, &ConfigsPage::revert);
    connect(history_, &QPushButton::clicked, this, &ConfigsPage::showHistory);
    connect(simulate_, &QPushButton::clicked, this, &ConfigsPage::showSimulation);
    connect(list_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& current) {
        if (selecting_)
            return;
        const std::string id = model_->idAt(current.row());
        if (id != currentId_ && !selectConfig(id)) {   // kept the unsaved edit: put the selection back
            selecting_ = true;
            list_->selectRow(model_->rowOf(currentId_));
            selecting_ = false;
        }
    });
    // After the store changed (a save, a hand edit on disk): keep the selection on the same config.
    connect(model_, &QAbstractItemModel::modelReset, this, [this] {
        selecting_ = true;
        const int row = model_->rowOf(currentId_);
        if (row >= 0)
            list_->selectRow(row);
        selecting_ = false;
        if (row < 0 && !currentId_.empty()) {
            currentId_.clear();
            loadCurrent();
        } else if (!isDirty()) {
            loadCurrent();   // a rollback or a hand edit: show the new text
        } else {
            updateActions();
        }
    });

    if (model_->rowCount() > 0)
        selectConfig(model_->idAt(0));
    else
        loadCurrent();
}

QByteArray ConfigsPage::editorText() const
{
    return json_->toPlainText().toUtf8();
}

void ConfigsPage::setEditorText(const QByteArray& text)
{
    json_->setPlainText(QString::fromUtf8(text));   // textChanged: validation and documentEdited follow
}

nlohmann::json ConfigsPage::document() const
{
    const QByteArray text = editorText();
    return nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
}

void ConfigsPage::setDocument(const nlohmann::json& document)
{
    setEditorText(QByteArray::fromStdString(document.dump(2) + "\n"));
}

bool ConfigsPage::isDirty() const
{
    return !currentId_.empty() && editorText() != loadedText_;
}

bool ConfigsPage::confirmLeave()
{
    if (!isDirty())
        return true;
    const auto info = store_->info(currentId_);
    switch (prompts_.askUnsaved(info ? info->name : QString::fromStdString(currentId_))) {
    case Prompts::Unsaved::Save: return saveConfig();
    case Prompts::Unsaved::Discard: return true;
    case Prompts::Unsaved::Cancel: return false;
    }
    return false;
}

bool ConfigsPage::selectConfig(const std::string& id)
{
    if (id == currentId_)
        return true;
    if (!confirmLeave())
        return false;
    currentId_ = id;
    selecting_ = true;
    list_->selectRow(model_->rowOf(id));
    selecting_ = false;
    loadCurrent();
    return true;
}

void ConfigsPage::loadCurrent()
{
    const auto text = currentId_.empty() ? std::nullopt : store_->text(currentId_);
    loadedText_ = text.value_or(QByteArray());
    settingText_ = true;
    json_->setPlainText(QString::fromUtf8(loadedText_));
    settingText_ = false;
    json_->setReadOnly(currentId_.empty());
    validateNow();
    Q_EMIT documentEdited();
}

void ConfigsPage::validateNow()
{
    validateTimer_->stop();
    issues_->clear();
    currentIssues_.clear();
    valid_ = false;
    if (!currentId_.empty()) {
        const ConfigParseResult r = validateConfigText(QByteArrayView(editorText()), store_->validator());
        valid_ = r.config != nullptr;
        currentIssues_ = r.errors;
        for (const ConfigIssue& e : r.errors) {
            auto* item = new QListWidgetItem(QString::fromStdString(formatConfigIssue(e)), issues_);
            item->setForeground(QColor(0xc6, 0x28, 0x28));
        }
        if (r.config) {
            for (const ConfigIssue& w : r.config->warnings) {
                currentIssues_.push_back(w);
                auto* item = new QListWidgetItem(tr("warning: %1").arg(QString::fromStdString(formatConfigIssue(w))), issues_);
                item->setForeground(QColor(0xb2, 0x6a, 0x00));
            }
        }
    }
    issues_->setVisible(issues_->count() > 0);
    updateActions();
    Q_EMIT issuesChanged();
}

void ConfigsPage::jumpToIssue(int row)
{
    if (row < 0 || row >= int(currentIssues_.size()))
        return;
    const ConfigIssue& issue = currentIssues_[std::size_t(row)];
    const int pos = jsonTextPosition(json_->toPlainText(), QString::fromStdString(issue.path), QString::fromStdString(issue.message));
    tabs_->setCurrentWidget(json_);
    QTextCursor c = json_->textCursor();
    c.setPosition(std::max(0, pos));
    json_->setTextCursor(c);
    json_->centerCursor();
    json_->setFocus();
}

void ConfigsPage::updateActions()
{
    const bool has = !currentId_.empty();
    const auto info = has ? store_->info(currentId_) : std::nullopt;
    const bool dirty = isDirty();
    const bool pending = validateTimer_->isActive();
    save_->setEnabled(has && dirty && valid_ && !pending);
    revert_->setEnabled(has && dirty);
    for (QPushButton* b : {duplicate_, rename_, delete_, history_})
        b->setEnabled(has);
    default_->setEnabled(has && info && !info->isDefault);
    simulate_->setEnabled(has && valid_ && !pending);
    if (!info) {
        title_->setText(tr("<i>No config selected. Create one with New…</i>"));
        status_->clear();
        return;
    }
    title_->setText(tr("<b>%1</b> &nbsp; <code>%2</code> &nbsp; version %3%4")
                        .arg(info->name.toHtmlEscaped(), QString::fromStdString(info->id))
                        .arg(info->version)
                        .arg(info->isDefault ? tr(" &nbsp; (default)") : QString()));
    if (!info->problem.isEmpty() && !dirty)
        status_->setText(tr("The file on disk is invalid; the gateway uses version %1.").arg(info->version));
    else if (pending)
        status_->setText(tr("Checking…"));
    else if (!valid_)
        status_->setText(tr("%n problem(s): fix them to save.", nullptr, int(currentIssues_.size())));
    else if (dirty)
        status_->setText(tr("Unsaved changes."));
    else
        status_->setText(tr("Saved. The gateway uses this version."));
}

void ConfigsPage::newConfig()
{
    const auto name = prompts_.askText(tr("New config"), tr("Name (its id becomes pc-<name>):"), QString());
    if (name)
        createConfig(*name);
}

bool ConfigsPage::createConfig(const QString& name)
{
    if (!confirmLeave())
        return false;
    const StoreResult r = store_->create(name, QByteArrayLiteral("{\n  \"strategy\": {\"mode\": \"fallback\"},\n  \"targets\": [\n    {\"provider\": \"mock\"}\n  ]\n}\n"));
    if (!r.ok) {
        status_->setText(r.error);
        return false;
    }
    currentId_.clear();   // the unsaved question was answered above
    selectConfig(r.id);
    return true;
}

void ConfigsPage::duplicateConfig()
{
    const auto info = store_->info(currentId_);
    if (!info)
        return;
    const auto name = prompts_.askText(tr("Duplicate config"), tr("Name of the copy:"), tr("%1 copy").arg(info->name));
    if (!name || !confirmLeave())
        return;
    const StoreResult r = store_->duplicate(currentId_, *name);
    if (!r.ok) {
        status_->setText(r.error);
        return;
    }
    currentId_.clear();
    selectConfig(r.id);
}

void ConfigsPage::renameConfig()
{
    const auto info = store_->info(currentId_);
    if (!info)
        return;
    const auto name = prompts_.askText(tr("Rename config"), tr("New name (the id %1 stays):").arg(QString::fromStdString(info->id)), info->name);
    if (!name)
        return;
    const StoreResult r = store_->rename(currentId_, *name);
    if (!r.ok)
        status_->setText(r.error);
}

void ConfigsPage::deleteConfig()
{
    const auto info = store_->info(currentId_);
    if (!info)
        return;
    if (!prompts_.confirm(tr("Delete config"),
                          tr("Delete \"%1\" (%2) and all its versions? Requests that name it will be refused.")
                              .arg(info->name, QString::fromStdString(info->id))))
        return;
    const std::string id = currentId_;
    loadedText_ = editorText();   // the edit goes with the config: no unsaved question
    const StoreResult r = store_->remove(id);
    if (!r.ok)
        status_->setText(r.error);
    if (currentId_.empty() && model_->rowCount() > 0)
        selectConfig(model_->idAt(0));
}

void ConfigsPage::setAsDefault()
{
    const StoreResult r = store_->setDefault(currentId_);
    if (!r.ok)
        status_->setText(r.error);
}

bool ConfigsPage::saveConfig()
{
    if (currentId_.empty())
        return false;
    validateNow();
    if (!valid_)
        return false;
    const QByteArray text = editorText();
    const StoreResult r = store_->save(currentId_, text);
    if (!r.ok) {
        status_->setText(r.error);
        return false;
    }
    loadedText_ = text;
    updateActions();
    return true;
}

void ConfigsPage::revert()
{
    loadCurrent();
}

void ConfigsPage::showHistory()
{
    if (currentId_.empty() || !confirmLeave())
        return;
    ConfigHistoryDialog dialog(store_, currentId_, this);
    dialog.exec();
}

void ConfigsPage::showSimulation()
{
    const ConfigParseResult r = validateConfigText(QByteArrayView(editorText()), store_->validator());
    if (!r.config)
        return;
    RouteSimulationDialog dialog(r.config, this);
    dialog.exec();
}

void ConfigsPage::guardClose(QWidget* window)
{
    window->installEventFilter(this);
}

bool ConfigsPage::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::Close && !confirmLeave()) {
        event->ignore();
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace gatehouse
