// The relay holds back a stream's incomplete last event: whole events pass at once, a split one
// waits for its end, "\r\n\r\n" counts as an end, and a stream without event ends is not held
// without bound.

#include "pipeline/sse_event_framer.h"

#include <QTest>

using namespace gatehouse;

class TestSseEventFramer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void wholeEventsPassAtOnce()
    {
        SseEventFramer f;
        const QByteArray two = "data: {\"a\":1}\n\ndata: {\"a\":2}\n\n";
        QCOMPARE(f.push(two).toByteArray(), two);
        QVERIFY(f.takeRest().isEmpty());
    }

    void aSplitEventWaitsForItsEnd()
    {
        SseEventFramer f;
        QCOMPARE(f.push("data: {\"a\":1}\n\ndata: {\"b\"").toByteArray(), QByteArray("data: {\"a\":1}\n\n"));
        QVERIFY(f.push(":2").isEmpty());
        QCOMPARE(f.push("}\n").toByteArray(), QByteArray());
        QCOMPARE(f.push("\ndata: [DO").toByteArray(), QByteArray("data: {\"b\":2}\n\n"));
        QCOMPARE(f.takeRest(), QByteArray("data: [DO"));   // relayed on a clean end, dropped on a failure
        QVERIFY(f.takeRest().isEmpty());
    }

    void crlfEventEnds()
    {
        SseEventFramer f;
        QCOMPARE(f.push("event: ping\r\ndata: {}\r\n\r\nevent: x\r\n").toByteArray(), QByteArray("event: ping\r\ndata: {}\r\n\r\n"));
        QCOMPARE(f.push("data: {}\r\n\r\n").toByteArray(), QByteArray("event: x\r\ndata: {}\r\n\r\n"));
    }

    void notAnEventStreamIsNotHeldWithoutBound()
    {
        SseEventFramer f;
        const QByteArray blob(SseEventFramer::kMaxHeldBytes / 2, 'x');
        QVERIFY(f.push(blob).isEmpty());
        QCOMPARE(f.push(blob).size(), 0);   // exactly at the bound: still held
        QCOMPARE(f.push("y").size(), SseEventFramer::kMaxHeldBytes + 1);
        QVERIFY(f.takeRest().isEmpty());
        f.reset();
        QCOMPARE(f.push(QByteArray(SseEventFramer::kMaxHeldBytes + 1, 'z')).size(), SseEventFramer::kMaxHeldBytes + 1);
    }
};

QTEST_APPLESS_MAIN(TestSseEventFramer)
#include "tst_sse_event_framer.moc"
