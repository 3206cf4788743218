#pragma once
// What the dashboard shows for one time range, computed from the request log by loadDashboard() on
// whichever thread owns the LogReader. Plain values: it is posted from the worker to the GUI thread.

#include "observability/log_query.h"

#include <QMetaType>
#include <QString>
#include <QStringList>

#include <vector>

namespace gatehouse {

enum class DashboardRange { Last15Minutes, LastHour, Last6Hours, Last24Hours, Last7Days };

qint64 dashboardRangeMs(DashboardRange range);
// Minute buckets up to an hour, then coarser so a chart keeps 60-170 points (5 min, 15 min, 1 h).
qint64 dashboardBucketMs(DashboardRange range);

struct DashboardQuery {
    DashboardRange range = DashboardRange::LastHour;
    GroupBy groupBy = GroupBy::provider();
    qint64 nowMs = 0;
    int topGroups = 6;   // the largest groups by requests; the rest are summed into "other"
};

struct DashboardGroup {
    QString name;                 // "" = requests without a provider / without the metadata key
    bool other = false;           // the sum of the groups beyond topGroups
    MinuteStats totals;           // over the range; percentiles are -1 for "other" (not mergeable)
    std::vector<qint64> counts;   // requests per bucket, parallel to DashboardData::buckets
};

struct DashboardData {
    DashboardQuery query;
    qint64 fromMs = 0;     // the range: whole buckets, the last one holding "now"
    qint64 untilMs = 0;
    qint64 bucketMs = 0;
    MinuteStats totals;                  // the whole range, all groups
    std::vector<MinuteStats> buckets;    // one per bucket from fromMs, empty buckets included (zeros)
    std::vector<DashboardGroup> groups;  // by requests, descending; "other" last
    QStringList metadataKeys;            // what "group by" can offer
    QString error;                       // the log could not be read

    bool isEmpty() const { return totals.count == 0; }
};

DashboardData loadDashboard(LogReader& reader, const DashboardQuery& query);

// "$0.0123" under a dollar, "$12.34" above; "—" when no request had a known price.
QString formatCostUsd(double usd, qint64 priced);

} // namespace gatehouse

Q_DECLARE_METATYPE(gatehouse::DashboardQuery)
Q_DECLARE_METATYPE(gatehouse::DashboardData)
