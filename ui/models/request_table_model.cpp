#include "models/request_table_model.h"

#include "duration_format.h"
#include "models/token_counts_text.h"

#include <QColor>
#include <QLocale>

#include <algorithm>

namespace gatehouse {

namespace {

const QString kDash = QStringLiteral("\u2014");   // shown where a number is unknown (-1)

QString endpointText(const RequestRecord& r)
{
    if (r.method.isEmpty())
        return r.path;
    return r.method + QLatin1Char(' ') + r.path;
}

Qt::Alignment columnAlignment(int column)
{
    switch (column) {
    case RequestTableModel::StatusColumn:
    case RequestTableModel::LatencyColumn:
    case RequestTableModel::TtfbColumn:
    case RequestTableModel::TokensColumn:
        return Qt::AlignRight | Qt::AlignVCenter;
    case RequestTableModel::StreamColumn:
        return Qt::AlignCenter;
    default:
        return Qt::AlignLeft | Qt::AlignVCenter;
    }
}

} // namespace

RequestTableModel::RequestTableModel(QObject* parent)
    : QAbstractTableModel(parent)
{
    flushTimer_.setSingleShot(true);
    flushTimer_.setInterval(flushIntervalMs_);
    connect(&flushTimer_, &QTimer::timeout, this, &RequestTableModel::flush);
}

RequestTableModel::~RequestTableModel() = default;

int RequestTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int RequestTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

bool RequestTableModel::isError(const RequestRecord& r)
{
    return r.status >= 400 || r.status == 0 || !r.errorType.isEmpty();
}

QVariant RequestTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RequestRecord& r = *rows_[static_cast<size_t>(index.row())];
    const int column = index.column();

    switch (role) {
    case Qt::DisplayRole:
        return displayText(r, column);
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(columnAlignment(column));
    case Qt::ForegroundRole:
        if (column == StatusColumn) {
            if (r.status >= 500)
                return QColor(0xc6, 0x28, 0x28);   // red
            if (r.status >= 400)
                return QColor(0xb5, 0x5d, 0x00);   // amber, readable on white
        }
        return {};
    case Qt::ToolTipRole:
        switch (column) {
        case StatusColumn:
            if (!r.errorMessage.isEmpty())
                return r.errorType.isEmpty() ? r.errorMessage : r.errorType + QStringLiteral(": ") + r.errorMessage;
            return {};
        case EndpointColumn:
            return r.upstreamUrl.isEmpty() ? QVariant() : QVariant(r.upstreamUrl);
        case TokensColumn:
            return tr("prompt / completion / total");
        case TraceIdColumn:
            return r.traceId;
        default:
            return {};
        }
    case SortRole:
        return sortValue(r, column);
    case ReceivedAtRole:
        return r.receivedAt;
    case StatusRole:
        return r.status;
    case LatencyMsRole:
        return r.totalMs;
    case TtfbMsRole:
        return r.firstByteMs;
    case PromptTokensRole:
        return r.promptTokens;
    case CompletionTokensRole:
        return r.completionTokens;
    case TotalTokensRole:
        return r.totalTokens;
    case StreamRole:
        return r.stream;
    case ProviderRole:
        return r.provider;
    case ModelRole:
        return r.model;
    case PathRole:
        return r.path;
    case TraceIdRole:
        return r.traceId;
    case RequestIdRole:
        return r.requestId;
    case IsErrorRole:
        return isError(r);
    case FilterTextRole:
        return QStringList{r.provider, r.model, endpointText(r), QString::number(r.status), r.traceId,
                           r.requestId}
            .join(QLatin1Char('\n'));
    default:
        return {};
    }
}

QVariant RequestTableModel::displayText(const RequestRecord& r, int column) const
{
    switch (column) {
    case TimeColumn:
        return r.receivedAt.isValid() ? r.receivedAt.toLocalTime().toString(QStringLiteral("hh:mm:ss.zzz"))
                                      : kDash;
    case EndpointColumn:
        return endpointText(r);
    case ProviderColumn:
        return r.provider;
    case ModelColumn:
        return r.model;
    case StatusColumn:
        return r.status > 0 ? QString::number(r.status) : kDash;
    case LatencyColumn:
        return formatMs(r.totalMs);
    case TtfbColumn:
        return formatMs(r.firstByteMs);
    case TokensColumn:
        return tokenCountsText(r);
    case StreamColumn:
        return r.stream ? tr("stream") : QString();
    case TraceIdColumn:
        return r.traceId;
    default:
        return {};
    }
}

QVariant RequestTableModel::sortValue(const RequestRecord& r, int column) const
{
    switch (column) {
    case TimeColumn:
        return r.receivedAt.toMSecsSinceEpoch();
    case EndpointColumn:
        return endpointText(r);
    case ProviderColumn:
        return r.provider;
    case ModelColumn:
        return r.model;
    case StatusColumn:
        return r.status;
    case LatencyColumn:
        return r.totalMs;
    case TtfbColumn:
        return r.firstByteMs;
    case TokensColumn:
        return r.totalTokens;
    case StreamColumn:
        return r.stream;
    case TraceIdColumn:
        return r.traceId;
    default:
        return {};
    }
}

QVariant RequestTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);

    if (role == Qt::DisplayRole) {
        switch (section) {
        case TimeColumn: return tr("Time");
        case EndpointColumn: return tr("Endpoint");
        case ProviderColumn: return tr("Provider");
        case ModelColumn: return tr("Model");
        case StatusColumn: return tr("Status");
        case LatencyColumn: return tr("Latency (ms)");
        case TtfbColumn: return tr("TTFB (ms)");
        case TokensColumn: return tr("Tokens");
        case StreamColumn: return tr("Stream");
        case TraceIdColumn: return tr("Trace ID");
        default: return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case LatencyColumn: return tr("Received to last byte written, in milliseconds");
        case TtfbColumn: return tr("Received to first response byte from the upstream, in milliseconds");
        case TokensColumn: return tr("Prompt / completion / total tokens as reported by the upstream");
        default: return {};
        }
    }
    if (role == Qt::TextAlignmentRole)
        return QVariant::fromValue(columnAlignment(section));
    return {};
}

QHash<int, QByteArray> RequestTableModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(SortRole, "sortValue");
    names.insert(ReceivedAtRole, "receivedAt");
    names.insert(StatusRole, "status");
    names.insert(LatencyMsRole, "latencyMs");
    names.insert(TtfbMsRole, "ttfbMs");
    names.insert(PromptTokensRole, "promptTokens");
    names.insert(CompletionTokensRole, "completionTokens");
    names.insert(TotalTokensRole, "totalTokens");
    names.insert(StreamRole, "stream");
    names.insert(ProviderRole, "provider");
    names.insert(ModelRole, "model");
    names.insert(PathRole, "path");
    names.insert(TraceIdRole, "traceId");
    names.insert(RequestIdRole, "requestId");
    names.insert(IsErrorRole, "isError");
    names.insert(FilterTextRole, "filterText");
    return names;
}

const RequestRecord& RequestTableModel::recordAt(int row) const
{
    Q_ASSERT(row >= 0 && row < rowCount());
    return *rows_[static_cast<size_t>(row)];
}

std::shared_ptr<const RequestRecord> RequestTableModel::recordPtrAt(int row) const
{
    if (row < 0 || row >= rowCount())
        return {};
    return rows_[static_cast<size_t>(row)];
}

void RequestTableModel::setMaxRows(int maxRows)
{
    maxRows_ = std::max(1, maxRows);
    const auto excess = static_cast<int>(rows_.size()) - maxRows_;
    if (excess > 0) {
        beginRemoveRows({}, 0, excess - 1);
        rows_.erase(rows_.begin(), rows_.begin() + excess);
        endRemoveRows();
    }
}

void RequestTableModel::setFlushIntervalMs(int ms)
{
    flushIntervalMs_ = std::max(0, ms);
    flushTimer_.setInterval(flushIntervalMs_);
}

void RequestTableModel::appendBatch(const RecordBatch& batch)
{
    if (!batch || batch->empty())
        return;
    const bool wasEmpty = pending_.empty();
    pending_.push_back(batch);
    pendingRecords_ += static_cast<qsizetype>(batch->size());

    // Bound the queue (it grows while paused): whole batches whose records would all be evicted at the
    // next flush anyway are dropped now. The log store keeps every record; this is only the live view.
    while (pending_.size() > 1
           && pendingRecords_ - static_cast<qsizetype>(pending_.front()->size()) >= maxRows_) {
        pendingRecords_ -= static_cast<qsizetype>(pending_.front()->size());
        pending_.pop_front();
    }

    if (wasEmpty)
        scheduleFlush();
}

void RequestTableModel::scheduleFlush()
{
    if (!paused_ && !flushTimer_.isActive())
        flushTimer_.start();
}

void RequestTableModel::flush()
{
    flushTimer_.stop();
    if (paused_ || pending_.empty())
        return;

    // Only the newest maxRows_ queued records can be visible after this flush.
    const qsizetype incoming = pendingRecords_;
    qsizetype skip = std::max<qsizetype>(0, incoming - maxRows_);
    const qsizetype insertCount = incoming - skip;
    const auto oldRows = static_cast<qsizetype>(rows_.size());
    const qsizetype evict = std::max<qsizetype>(0, oldRows + insertCount - maxRows_);

    if (evict > 0) {
        beginRemoveRows({}, 0, static_cast<int>(evict - 1));
        rows_.erase(rows_.begin(), rows_.begin() + evict);
        endRemoveRows();
    }

    const auto first = static_cast<int>(rows_.size());
    beginInsertRows({}, first, first + static_cast<int>(insertCount) - 1);
    for (const RecordBatch& batch : pending_) {
        const auto n = static_cast<qsizetype>(batch->size());
        if (skip >= n) {
            skip -= n;
            continue;
        }
        for (qsizetype i = skip; i < n; ++i)
            rows_.emplace_back(batch, &(*batch)[static_cast<size_t>(i)]);   // aliasing: shares the batch
        skip = 0;
    }
    endInsertRows();

    pending_.clear();
    pendingRecords_ = 0;
    Q_EMIT flushed(static_cast<int>(insertCount), static_cast<int>(evict));
}

void RequestTableModel::setPaused(bool paused)
{
    if (paused_ == paused)
        return;
    paused_ = paused;
    if (paused_)
        flushTimer_.stop();
    Q_EMIT pausedChanged(paused_);
    if (!paused_)
        flush();
}

void RequestTableModel::clear()
{
    flushTimer_.stop();
    pending_.clear();
    pendingRecords_ = 0;
    beginResetModel();
    rows_.clear();
    endResetModel();
}

} // namespace gatehouse
