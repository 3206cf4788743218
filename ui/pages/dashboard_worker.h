#pragma once
// Runs dashboard queries off the GUI thread: lives on its own QThread with its own LogReader, opened
// there on the first load (a LogReader must stay on the thread that opened it). Results come back
// through the queued loaded() signal.

#include "pages/dashboard_data.h"

#include <QObject>
#include <QString>

#include <memory>

namespace gatehouse {

class DashboardWorker : public QObject {
    Q_OBJECT
public:
    explicit DashboardWorker(QString logPath, QObject* parent = nullptr);
    ~DashboardWorker() override;

public Q_SLOTS:
    void load(const gatehouse::DashboardQuery& query);

Q_SIGNALS:
    void loaded(const gatehouse::DashboardData& data);

private:
    QString path_;
    std::unique_ptr<LogReader> reader_;
};

} // namespace gatehouse
