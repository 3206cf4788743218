#include "models/log_table_model.h"

#include "duration_format.h"
#include "log_query_worker.h"
#include "models/token_counts_text.h"

#include <QBrush>
#include <QColor>
#include <QLocale>

namespace gatehouse {

namespace {

bool isError(const RequestRecord& r)
{
    return r.status >= 400 || r.status == 0;
}

} // namespace

LogTableModel::LogTableModel(LogQueryWorker* worker, QObject* parent)
    : QAbstractTableModel(parent)
    , worker_(worker)
{
    connect(worker_, &LogQueryWorker::pageReady, this, &LogTableModel::onPage);
    connect(worker_, &LogQueryWorker::newerReady, this, &LogTableModel::onNewer);
}

void LogTableModel::setFilter(const LogFilter& filter)
{
    filter_ = filter;
    ++ticket_;
    beginResetModel();
    rows_.clear();
    cursor_.reset();
    endResetModel();
    pageInFlight_ = false;
    newerInFlight_ = false;
    firstPagePending_ = true;
    requestPage();
}

void LogTableModel::requestPage()
{
    if (pageInFlight_)
        return;
    pageInFlight_ = true;
    worker_->page(ticket_, filter_, firstPagePending_ ? std::nullopt : cursor_, kPageSize);
}

void LogTableModel::onPage(quint64 ticket, const LogPage& page)
{
    if (ticket != ticket_)
        return;
    pageInFlight_ = false;
    firstPagePending_ = false;
    cursor_ = page.next;
    if (!page.rows.empty()) {
        const int first = int(rows_.size());
        beginInsertRows({}, first, first + int(page.rows.size()) - 1);
        rows_.reserve(rows_.size() + page.rows.size());
        for (std::size_t i = 0; i < page.rows.size(); ++i)
            rows_.push_back(Row{page.rowIds[i], page.rows[i]});
        endInsertRows();
    }
    Q_EMIT loaded();
}

void LogTableModel::refreshNewer()
{
    if (newerInFlight_ || firstPagePending_)
        return;
    newerInFlight_ = true;
    worker_->newer(ticket_, filter_, rows_.empty() ? 0 : rows_.front().rowId, kNewerLimit);
}

void LogTableModel::onNewer(quint64 ticket, const LogPage& page)
{
    if (ticket != ticket_)
        return;
    newerInFlight_ = false;
    if (int(page.rows.size()) >= kNewerLimit) {
        setFilter(filter_);   // too many to prepend without a gap: start again from the top
        return;
    }
    if (!page.rows.empty()) {
        beginInsertRows({}, 0, int(page.rows.size()) - 1);
        std::vector<Row> fresh;
        fresh.reserve(page.rows.size() + rows_.size());
        for (std::size_t i = 0; i < page.rows.size(); ++i)
            fresh.push_back(Row{page.rowIds[i], page.rows[i]});
        std::move(rows_.begin(), rows_.end(), std::back_inserter(fresh));
        rows_ = std::move(fresh);
        endInsertRows();
    }
    Q_EMIT loaded();
}

int LogTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(rows_.size());
}

int LogTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

bool LogTableModel::canFetchMore(const QModelIndex& parent) const
{
    return !parent.isValid() && cursor_.has_value() && !pageInFlight_;
}

void LogTableModel::fetchMore(const QModelIndex& parent)
{
    if (canFetchMore(parent))
        requestPage();
}

QVariant LogTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = rows_[std::size_t(index.row())];
    const RequestRecord& r = row.record;
    switch (role) {
    case Qt::DisplayRole:
        // Text is made here, for the rows on screen only.
        switch (index.column()) {
        case TimeColumn: return QLocale().toString(r.receivedAt.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
        case EndpointColumn: return r.method + QLatin1Char(' ') + r.path;
        case ProviderColumn: return r.provider;
        case ModelColumn: return r.model;
        case StatusColumn: return r.status == 0 ? QStringLiteral("\u2014") : QString::number(r.status);
        case LatencyColumn: return formatMs(r.totalMs);
        case TokensColumn: return tokenCountsText(r);
        case TraceColumn: return r.traceId;
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == StatusColumn && !r.errorMessage.isEmpty())
            return r.errorMessage;
        return {};
    case Qt::ForegroundRole:
        if (index.column() == StatusColumn && isError(r))
            return QBrush(QColor(0xb0, 0x00, 0x20));
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == StatusColumn || index.column() == LatencyColumn || index.column() == TokensColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case RowIdRole: return row.rowId;
    case TraceIdRole: return r.traceId;
    case IsErrorRole: return isError(r);
    }
    return {};
}

QVariant LogTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn: return tr("Time");
    case EndpointColumn: return tr("Endpoint");
    case ProviderColumn: return tr("Provider");
    case ModelColumn: return tr("Model");
    case StatusColumn: return tr("Status");
    case LatencyColumn: return tr("Latency (ms)");
    case TokensColumn: return tr("Tokens");
    case TraceColumn: return tr("Trace");
    }
    return {};
}

} // namespace gatehouse
