// The hand-off queue to the log writer: bounded in records and in bytes, refusing (and counting)
// what does not fit, and freeing byte room as the writer takes records.
#include "observability/record_queue.h"

#include <QTest>

using namespace gatehouse;

namespace {

RecordBatch batchOf(int count, qsizetype bodyBytes)
{
    auto v = std::make_shared<std::vector<RequestRecord>>();
    for (int i = 0; i < count; ++i) {
        RequestRecord r;
        r.requestId = QStringLiteral("req-%1").arg(i);
        r.responseBody = QByteArray(bodyBytes, 'x');
        v->push_back(std::move(r));
    }
    return v;
}

} // namespace

class TestRecordQueue : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void countBound();
    void byteBound();
};

void TestRecordQueue::countBound()
{
    RecordQueue q(5);
    const auto r = q.push(batchOf(8, 10));
    QCOMPARE(r.accepted, 5);
    QCOMPARE(r.rejected, 3);
    QVERIFY(r.episodeStarted);
    QCOMPARE(q.rejected(), 3);
    QCOMPARE(q.outstanding(), 5);
}

void TestRecordQueue::byteBound()
{
    const qint64 each = 10 * 1024 + 1024;   // body + the fixed share
    RecordQueue q(1000, 50 * 1024);
    auto r = q.push(batchOf(10, 10 * 1024));
    QCOMPARE(r.accepted, 4);               // 4 x 11 KiB fit under 50 KiB, a fifth would not
    QCOMPARE(r.rejected, 6);
    QCOMPARE(q.queuedBytes(), 4 * each);

    const auto taken = q.take(2);          // the writer takes two: their bytes are its now
    QCOMPARE(int(taken.size()), 1);
    QCOMPARE(int(taken[0].end - taken[0].begin), 2);
    QCOMPARE(q.queuedBytes(), 2 * each);
    r = q.push(batchOf(3, 10 * 1024));
    QCOMPARE(r.accepted, 2);
    QCOMPARE(q.rejected(), 7);

    // Near the bound, small records still fit where a big one would not.
    r = q.push(batchOf(1, 10 * 1024));
    QCOMPARE(r.accepted, 0);
    r = q.push(batchOf(3, 0));
    QCOMPARE(r.accepted, 3);
    QCOMPARE(q.queuedBytes(), 4 * each + 3 * 1024);
}

QTEST_GUILESS_MAIN(TestRecordQueue)
#include "tst_record_queue.moc"
