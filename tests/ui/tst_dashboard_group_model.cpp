// DashboardGroupModel: passes QAbstractItemModelTester through resets; shows shares, error rates and
// latencies, and no made-up percentiles for "other".
#include "models/dashboard_group_model.h"

#include <QAbstractItemModelTester>
#include <QSortFilterProxyModel>
#include <QTest>

using namespace gatehouse;

namespace {

DashboardGroup group(const QString& name, qint64 count, qint64 errors, double p95, bool other = false)
{
    DashboardGroup g;
    g.name = name;
    g.other = other;
    g.totals.count = count;
    g.totals.errors = errors;
    g.totals.p50Ms = other ? -1 : p95 / 2;
    g.totals.p95Ms = other ? -1 : p95;
    g.totals.p99Ms = other ? -1 : p95 * 2;
    g.totals.promptTokens = count * 10;
    g.totals.completionTokens = count * 20;
    g.counts = {count / 2, count - count / 2};
    if (!other) {
        g.totals.costUsd = count * 0.005;
        g.totals.priced = count;
    }
    return g;
}

} // namespace

class TestDashboardGroupModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void passesModelTester();
    void cellsText();
};

void TestDashboardGroupModel::passesModelTester()
{
    DashboardGroupModel model;
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(DashboardGroupModel::ValueRole);
    proxy.sort(DashboardGroupModel::RequestsColumn);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setGroups({group(QStringLiteral("openai"), 80, 4, 120), group(QString(), 15, 15, 3),
                     group(QString(), 5, 0, -1, true)},
                    100, GroupBy::Kind::Provider);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(proxy.index(0, DashboardGroupModel::GroupColumn).data().toString(), QStringLiteral("other"));
    model.setGroups({}, 0, GroupBy::Kind::Model);
    QCOMPARE(model.rowCount(), 0);
    model.setGroups({group(QStringLiteral("a"), 1, 0, 1)}, 1, GroupBy::Kind::Metadata);
    QCOMPARE(model.rowCount(), 1);
}

void TestDashboardGroupModel::cellsText()
{
    DashboardGroupModel model;
    model.setGroups({group(QStringLiteral("openai"), 80, 4, 120), group(QString(), 15, 15, 3),
                     group(QString(), 5, 0, -1, true)},
                    100, GroupBy::Kind::Metadata);
    const auto text = [&](int row, int column) { return model.index(row, column).data().toString(); };
    const QLocale locale;
    QCOMPARE(text(0, DashboardGroupModel::GroupColumn), QStringLiteral("openai"));
    QCOMPARE(text(0, DashboardGroupModel::RequestsColumn), locale.toString(80));
    QCOMPARE(text(0, DashboardGroupModel::ShareColumn), locale.toString(80.0, 'f', 1) + QLatin1Char('%'));
    QCOMPARE(text(0, DashboardGroupModel::ErrorRateColumn), locale.toString(5.0, 'f', 1) + QLatin1Char('%'));
    QCOMPARE(text(0, DashboardGroupModel::P95Column), QStringLiteral("120 ms"));
    QCOMPARE(text(0, DashboardGroupModel::CompletionTokensColumn), locale.toString(1600));
    QCOMPARE(text(1, DashboardGroupModel::GroupColumn), QStringLiteral("(untagged)"));   // requests without the key
    QCOMPARE(text(1, DashboardGroupModel::ErrorRateColumn), locale.toString(100.0, 'f', 1) + QLatin1Char('%'));
    QCOMPARE(text(2, DashboardGroupModel::GroupColumn), QStringLiteral("other"));
    QCOMPARE(text(2, DashboardGroupModel::P95Column), QStringLiteral("\u2014"));
    QCOMPARE(text(2, DashboardGroupModel::CostColumn), QStringLiteral("\u2014"));   // nothing priced
    QCOMPARE(text(0, DashboardGroupModel::CostColumn), QLatin1Char('$') + locale.toString(0.4, 'f', 4));
    QVERIFY(!model.index(2, DashboardGroupModel::P95Column).data(Qt::ToolTipRole).toString().isEmpty());
    QCOMPARE(model.index(2, DashboardGroupModel::RequestsColumn).data(DashboardGroupModel::ValueRole).toLongLong(), 5);

    model.setGroups({group(QString(), 3, 0, 1)}, 3, GroupBy::Kind::Provider);
    QCOMPARE(text(0, DashboardGroupModel::GroupColumn), QStringLiteral("(none)"));   // failed before routing
}

QTEST_MAIN(TestDashboardGroupModel)
#include "tst_dashboard_group_model.moc"
