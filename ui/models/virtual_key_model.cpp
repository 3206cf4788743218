#include "models/virtual_key_model.h"

#include "keys/key_spend_tracker.h"
#include "keys/key_vault.h"
#include "keys/usd_format.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QStringList>

namespace gatehouse {

namespace {

QString spendText(double spent, double budget)
{
    return budget > 0 ? QStringLiteral("%1 / %2").arg(formatUsd(spent), formatUsd(budget)) : formatUsd(spent);
}

} // namespace

VirtualKeyModel::VirtualKeyModel(KeyVault* vault, KeySpendTracker* spend, QObject* parent)
    : QAbstractTableModel(parent)
    , vault_(vault)
    , spend_(spend)
{
    connect(vault_, &KeyVault::snapshotChanged, this, &VirtualKeyModel::reload);
    if (spend_)
        connect(spend_, &KeySpendTracker::changed, this, &VirtualKeyModel::refreshSpend);
    reload();
}

void VirtualKeyModel::reload()
{
    beginResetModel();
    rows_.clear();
    const KeySnapshotPtr snapshot = vault_->snapshot();
    for (const VirtualKey& k : vault_->metadata().keys()) {
        Row r;
        r.key = k;
        if (const ResolvedKey* resolved = snapshot ? snapshot->find(k.slug) : nullptr)
            r.unavailable = resolved->unavailable;
        if (spend_)
            r.spend = spend_->spend(k.slug);
        rows_.push_back(std::move(r));
    }
    endResetModel();
}

void VirtualKeyModel::refreshSpend()
{
    if (!spend_ || rows_.empty())
        return;
    for (Row& r : rows_) {
        r.spend = spend_->spend(r.key.slug);
        if (const VirtualKey* k = vault_->metadata().find(r.key.slug))
            r.key.lastUsedMs = k->lastUsedMs;   // the vault notes uses from the same records
    }
    Q_EMIT dataChanged(index(0, StatusColumn), index(int(rows_.size()) - 1, RequestsTodayColumn));
}

const VirtualKey* VirtualKeyModel::keyAt(int row) const
{
    return row >= 0 && row < int(rows_.size()) ? &rows_[std::size_t(row)].key : nullptr;
}

int VirtualKeyModel::rowOf(const QString& slug) const
{
    for (std::size_t i = 0; i < rows_.size(); ++i) {
        if (rows_[i].key.slug == slug)
            return int(i);
    }
    return -1;
}

bool VirtualKeyModel::isOverBudget(int row) const
{
    if (row < 0 || row >= int(rows_.size()))
        return false;
    const Row& r = rows_[std::size_t(row)];
    const KeyLimits& l = r.key.limits;
    return (l.dailyBudgetUsd > 0 && r.spend.dayUsd >= l.dailyBudgetUsd) || (l.monthlyBudgetUsd > 0 && r.spend.monthUsd >= l.monthlyBudgetUsd);
}

QString VirtualKeyModel::statusText(const Row& r) const
{
    if (r.key.disabled)
        return tr("disabled");
    if (!r.unavailable.isEmpty())
        return tr("secret unavailable");
    if (isOverBudget(rowOf(r.key.slug)))
        return tr("over budget");
    return tr("enabled");
}

int VirtualKeyModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(rows_.size());
}

int VirtualKeyModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant VirtualKeyModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= int(rows_.size()) || index.column() >= ColumnCount)
        return {};
    const Row& r = rows_[std::size_t(index.row())];
    const KeyLimits& l = r.key.limits;
    switch (role) {
    case SlugRole:
        return r.key.slug;
    case DisabledRole:
        return r.key.disabled;
    case OverBudgetRole:
        return isOverBudget(index.row());
    case Qt::ToolTipRole:
        if (index.column() == StatusColumn && !r.unavailable.isEmpty())
            return r.unavailable;
        if (index.column() == NameColumn && !r.key.notes.isEmpty())
            return r.key.notes;
        if (index.column() == TodayColumn || index.column() == MonthColumn)
            return tr("Spend with known prices, UTC %1; budgets refuse new requests once reached.")
                .arg(index.column() == TodayColumn ? tr("day") : tr("month"));
        return {};
    case Qt::ForegroundRole: {
        const bool budgetCell = (index.column() == TodayColumn && l.dailyBudgetUsd > 0 && r.spend.dayUsd >= l.dailyBudgetUsd)
            || (index.column() == MonthColumn && l.monthlyBudgetUsd > 0 && r.spend.monthUsd >= l.monthlyBudgetUsd);
        if (budgetCell || (index.column() == StatusColumn && (isOverBudget(index.row()) || !r.unavailable.isEmpty())))
            return QBrush(QColor(0xc6, 0x28, 0x28));
        if (r.key.disabled)
            return QBrush(QColor(0x80, 0x80, 0x80));
        return {};
    }
    case Qt::TextAlignmentRole:
        if (index.column() >= RatesColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (Column(index.column())) {
    case SlugColumn:
        return r.key.slug;
    case NameColumn:
        return r.key.displayName;
    case ProviderColumn:
        return r.key.provider;
    case StatusColumn:
        return statusText(r);
    case LastUsedColumn:
        return r.key.lastUsedMs ? QDateTime::fromMSecsSinceEpoch(r.key.lastUsedMs).toString(QStringLiteral("yyyy-MM-dd HH:mm"))
                                : tr("never");
    case RatesColumn: {
        QStringList parts;
        if (l.requestsPerMinute > 0)
            parts << tr("%1 req/min").arg(l.requestsPerMinute);
        if (l.tokensPerMinute > 0)
            parts << tr("%1 tok/min").arg(l.tokensPerMinute);
        return parts.isEmpty() ? tr("none") : parts.join(QStringLiteral(", "));
    }
    case TodayColumn:
        return spendText(r.spend.dayUsd, l.dailyBudgetUsd);
    case MonthColumn:
        return spendText(r.spend.monthUsd, l.monthlyBudgetUsd);
    case RequestsTodayColumn:
        return r.spend.dayRequests;
    case ColumnCount:
        break;
    }
    return {};
}

QVariant VirtualKeyModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case SlugColumn: return tr("Slug");
    case NameColumn: return tr("Name");
    case ProviderColumn: return tr("Provider");
    case StatusColumn: return tr("Status");
    case LastUsedColumn: return tr("Last used");
    case RatesColumn: return tr("Rate limits");
    case TodayColumn: return tr("Today (UTC)");
    case MonthColumn: return tr("This month");
    case RequestsTodayColumn: return tr("Requests today");
    case ColumnCount: break;
    }
    return {};
}

} // namespace gatehouse
