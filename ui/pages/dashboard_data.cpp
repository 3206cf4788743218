#include "pages/dashboard_data.h"

#include <QDateTime>
#include <QLocale>

#include <algorithm>
#include <map>

namespace gatehouse {

namespace {

constexpr qint64 kMinute = 60'000;
constexpr qint64 kHour = 60 * kMinute;

QDateTime utc(qint64 ms) { return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC); }

} // namespace

qint64 dashboardRangeMs(DashboardRange range)
{
    switch (range) {
    case DashboardRange::Last15Minutes: return 15 * kMinute;
    case DashboardRange::LastHour: return kHour;
    case DashboardRange::Last6Hours: return 6 * kHour;
    case DashboardRange::Last24Hours: return 24 * kHour;
    case DashboardRange::Last7Days: return 7 * 24 * kHour;
    }
    return kHour;
}

qint64 dashboardBucketMs(DashboardRange range)
{
    switch (range) {
    case DashboardRange::Last15Minutes:
    case DashboardRange::LastHour: return kMinute;
    case DashboardRange::Last6Hours: return 5 * kMinute;
    case DashboardRange::Last24Hours: return 15 * kMinute;
    case DashboardRange::Last7Days: return kHour;
    }
    return kMinute;
}

DashboardData loadDashboard(LogReader& reader, const DashboardQuery& query)
{
    DashboardData d;
    d.query = query;
    d.bucketMs = dashboardBucketMs(query.range);
    // Whole buckets: the range ends with the bucket that holds "now", so every bucket is comparable
    // and a refresh a few seconds later shows the same buckets, the last one fuller.
    const qint64 now = query.nowMs;
    const qint64 current = (now >= 0 ? now / d.bucketMs : (now - d.bucketMs + 1) / d.bucketMs) * d.bucketMs;
    d.untilMs = current + d.bucketMs;
    d.fromMs = d.untilMs - dashboardRangeMs(query.range);
    const auto bucketCount = std::size_t((d.untilMs - d.fromMs) / d.bucketMs);
    const auto indexOf = [&](qint64 startMs) { return std::size_t((startMs - d.fromMs) / d.bucketMs); };

    LogFilter filter;
    filter.from = utc(d.fromMs);
    filter.until = utc(d.untilMs);

    const auto fail = [&] {
        d.error = reader.lastError();
        return d;
    };
    const std::vector<MinuteStats> whole = reader.aggregate(filter, GroupBy::none(), 0);
    if (!reader.lastError().isEmpty())
        return fail();
    if (!whole.empty())
        d.totals = whole.front();
    d.totals.minuteMs = d.fromMs;
    d.metadataKeys = reader.metadataKeys();

    d.buckets.resize(bucketCount);
    for (std::size_t i = 0; i < bucketCount; ++i)
        d.buckets[i].minuteMs = d.fromMs + qint64(i) * d.bucketMs;
    if (d.isEmpty())
        return d;
    for (const MinuteStats& s : reader.aggregate(filter, GroupBy::none(), d.bucketMs))
        d.buckets[indexOf(s.minuteMs)] = s;

    std::vector<MinuteStats> groupTotals = reader.aggregate(filter, query.groupBy, 0);
    if (query.groupBy.kind == GroupBy::Kind::None || !reader.lastError().isEmpty())
        return reader.lastError().isEmpty() ? d : fail();
    std::stable_sort(groupTotals.begin(), groupTotals.end(),
                     [](const MinuteStats& a, const MinuteStats& b) { return a.count > b.count; });
    std::map<QString, std::size_t> slot;   // group name -> index in d.groups
    const std::size_t top = std::size_t(std::max(query.topGroups, 1));
    for (std::size_t i = 0; i < groupTotals.size(); ++i) {
        if (i < top) {
            slot[groupTotals[i].group] = d.groups.size();
            d.groups.push_back({groupTotals[i].group, false, groupTotals[i], std::vector<qint64>(bucketCount)});
            continue;
        }
        if (i == top) {
            DashboardGroup other;
            other.other = true;
            other.totals.minuteMs = d.fromMs;
            other.totals.p50Ms = other.totals.p95Ms = other.totals.p99Ms = -1;
            other.counts.resize(bucketCount);
            d.groups.push_back(std::move(other));
        }
        MinuteStats& o = d.groups.back().totals;
        const MinuteStats& g = groupTotals[i];
        o.count += g.count;
        o.errors += g.errors;
        o.clientErrors += g.clientErrors;
        o.serverErrors += g.serverErrors;
        o.promptTokens += g.promptTokens;
        o.completionTokens += g.completionTokens;
        o.totalTokens += g.totalTokens;
        o.costUsd += g.costUsd;
        o.priced += g.priced;
        o.cacheLookups += g.cacheLookups;
        o.cacheHits += g.cacheHits;
        o.cacheSavedUsd += g.cacheSavedUsd;
        o.cacheHitsPriced += g.cacheHitsPriced;
    }
    const bool hasOther = !d.groups.empty() && d.groups.back().other;
    for (const MinuteStats& s : reader.aggregate(filter, query.groupBy, d.bucketMs)) {
        const auto it = slot.find(s.group);
        // A group not seen by the totals query was written in between: left for the next refresh.
        if (it != slot.end())
            d.groups[it->second].counts[indexOf(s.minuteMs)] += s.count;
        else if (hasOther)
            d.groups.back().counts[indexOf(s.minuteMs)] += s.count;
    }
    if (!reader.lastError().isEmpty())
        return fail();
    return d;
}

QString formatCostUsd(double usd, qint64 priced)
{
    if (priced <= 0)
        return QStringLiteral("\u2014");
    return QLatin1Char('$') + QLocale().toString(usd, 'f', usd < 1 ? 4 : 2);
}

} // namespace gatehouse
