#include "dialogs/cache_dialog.h"

#include "gateway_service.h"
#include "models/cache_namespace_model.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace gatehouse {

CacheDialog::CacheDialog(GatewayService* gateway, QWidget* parent)
    : QDialog(parent)
    , gateway_(gateway)
{
    setWindowTitle(tr("Response cache"));
    model_ = new CacheNamespaceModel(this);

    auto* intro = new QLabel(tr("Answers stored by configs with a <tt>cache</tt> section, per "
                                "<tt>x-portkey-cache-namespace</tt>. Clearing removes them from memory and from the cache file; "
                                "the next matching request goes to its provider."), this);
    intro->setWordWrap(true);

    table_ = new QTableView(this);
    table_->setModel(model_);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setSectionResizeMode(CacheNamespaceModel::NameColumn, QHeaderView::Stretch);
    table_->horizontalHeader()->setSectionResizeMode(CacheNamespaceModel::EntriesColumn, QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(CacheNamespaceModel::BytesColumn, QHeaderView::ResizeToContents);
    table_->setAlternatingRowColors(true);

    summary_ = new QLabel(this);
    status_ = new QLabel(this);
    status_->setWordWrap(true);

    refresh_ = new QPushButton(tr("&Refresh"), this);
    clearSelected_ = new QPushButton(tr("&Clear namespace"), this);
    clearSelected_->setToolTip(tr("Remove every answer stored under the selected namespace"));
    clearAll_ = new QPushButton(tr("Clear &all"), this);
    clearAll_->setToolTip(tr("Remove every cached answer"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(refresh_);
    buttons->addStretch(1);
    buttons->addWidget(clearSelected_);
    buttons->addWidget(clearAll_);
    auto* close = new QDialogButtonBox(QDialogButtonBox::Close, this);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(table_, 1);
    layout->addWidget(summary_);
    layout->addLayout(buttons);
    layout->addWidget(status_);
    layout->addWidget(close);
    resize(560, 380);

    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(refresh_, &QPushButton::clicked, this, &CacheDialog::refresh);
    connect(clearSelected_, &QPushButton::clicked, this, &CacheDialog::clearSelectedNamespace);
    connect(clearAll_, &QPushButton::clicked, this, &CacheDialog::clearAllNamespaces);
    connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this, &CacheDialog::updateButtons);
    connect(model_, &QAbstractItemModel::modelReset, this, &CacheDialog::updateButtons);
    connect(gateway_, &GatewayService::cacheListed, this, &CacheDialog::onListed);
    connect(gateway_, &GatewayService::cacheCleared, this, &CacheDialog::onCleared);
    updateButtons();
    refresh();
}

void CacheDialog::refresh()
{
    setBusy(true);
    gateway_->listCache();
}

void CacheDialog::clearSelectedNamespace()
{
    const QModelIndexList rows = table_->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    const QString name = rows.first().data(CacheNamespaceModel::NamespaceRole).toString();
    lastCleared_ = name.isEmpty() ? tr("the default namespace") : tr("namespace “%1”").arg(name);
    setBusy(true);
    gateway_->clearCache(name);
}

void CacheDialog::clearAllNamespaces()
{
    lastCleared_ = tr("every namespace");
    setBusy(true);
    gateway_->clearCache(std::nullopt);
}

void CacheDialog::onListed(const CacheNamespaceList& namespaces, const QString& error)
{
    // Keep the selected namespace selected across the new listing.
    const QModelIndexList selected = table_->selectionModel()->selectedRows();
    const QString keep = selected.isEmpty() ? QString() : selected.first().data(CacheNamespaceModel::NamespaceRole).toString();
    model_->setNamespaces(namespaces);
    if (!selected.isEmpty()) {
        const int row = model_->rowOf(keep);
        if (row >= 0)
            table_->selectRow(row);
    }
    const QLocale locale;
    summary_->setText(namespaces.isEmpty()
                          ? tr("The cache is empty.")
                          : tr("%1 in %2, %3 in all.")
                                .arg(model_->totalEntries() == 1 ? tr("1 answer") : tr("%1 answers").arg(locale.toString(model_->totalEntries())),
                                     namespaces.size() == 1 ? tr("1 namespace") : tr("%1 namespaces").arg(namespaces.size()),
                                     locale.formattedDataSize(model_->totalBytes())));
    if (!error.isEmpty())
        status_->setText(tr("Could not read the cache file: %1").arg(error));
    else if (!gateway_->isRunning() && lastCleared_.isEmpty())
        status_->setText(tr("The gateway is stopped: this is the cache file as it was last written."));
    setBusy(false);
    Q_EMIT listed();
}

void CacheDialog::onCleared(qint64 removed, const QString& error)
{
    if (!error.isEmpty())
        status_->setText(tr("Could not clear %1: %2").arg(lastCleared_, error));
    else
        status_->setText(tr("Cleared %1: %2 removed.")
                             .arg(lastCleared_, removed == 1 ? tr("1 answer") : tr("%1 answers").arg(QLocale().toString(removed))));
    // cacheListed follows and ends the busy state.
}

void CacheDialog::setBusy(bool busy)
{
    busy_ = busy;
    updateButtons();
}

void CacheDialog::updateButtons()
{
    const bool selected = table_->selectionModel() && table_->selectionModel()->hasSelection();
    refresh_->setEnabled(!busy_);
    clearSelected_->setEnabled(!busy_ && selected);
    clearAll_->setEnabled(!busy_ && model_->rowCount() > 0);
}

} // namespace gatehouse
