#include "pages/dashboard_worker.h"

namespace gatehouse {

DashboardWorker::DashboardWorker(QString logPath, QObject* parent)
    : QObject(parent)
    , path_(std::move(logPath))
{
}

DashboardWorker::~DashboardWorker() = default;

void DashboardWorker::load(const DashboardQuery& query)
{
    if (!reader_ || !reader_->isOpen()) {
        reader_ = std::make_unique<LogReader>();
        QString error;
        if (!reader_->open(path_, &error)) {
            reader_.reset();   // tried again on the next load: the file may appear later
            DashboardData d;
            d.query = query;
            d.error = error;
            Q_EMIT loaded(d);
            return;
        }
    }
    Q_EMIT loaded(loadDashboard(*reader_, query));
}

} // namespace gatehouse
